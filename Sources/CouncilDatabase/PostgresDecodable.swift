import Foundation

/// A value that can be read from PostgreSQL's text format; `nil` means the text is not valid.
public protocol PostgresDecodable: Sendable {
    init?(postgresText: String)
}

extension String: PostgresDecodable {
    public init?(postgresText: String) { self = postgresText }
}

extension Int: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int32: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int64: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Double: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Decimal: PostgresDecodable {
    public init?(postgresText: String) { self.init(string: postgresText, locale: Locale(identifier: "en_US_POSIX")) }
}

extension Bool: PostgresDecodable {
    public init?(postgresText: String) {
        switch postgresText {
        case "t": self = true
        case "f": self = false
        default: return nil
        }
    }
}

extension UUID: PostgresDecodable {
    public init?(postgresText: String) { self.init(uuidString: postgresText) }
}

extension Date: PostgresDecodable {
    public init?(postgresText: String) {
        guard let date = PostgresDateFormat.parseTimestamp(postgresText) else { return nil }
        self = date
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    public init?(postgresText: String) {
        guard let texts = PostgresArrayParser.parse(postgresText) else { return nil }
        var elements: [Element] = []
        elements.reserveCapacity(texts.count)
        for text in texts {
            guard let text, let element = Element(postgresText: text) else { return nil }
            elements.append(element)
        }
        self = elements
    }
}

extension PostgresRawTextEncodable where Self: PostgresDecodable {
    public init?(postgresText: String) { self.init(rawValue: postgresText) }
}

/// Parses PostgreSQL's text form of a one-dimensional array: `{a,"b c",NULL}`.
enum PostgresArrayParser {
    static func parse(_ text: String) -> [String?]? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "{", scalars.last == "}" else { return nil }
        var elements: [String?] = []
        var index = 1
        let end = scalars.count - 1
        if index == end { return [] }
        while index < end {
            var value = String.UnicodeScalarView()
            var quoted = false
            if scalars[index] == "\"" {
                quoted = true
                index += 1
                while index < end, scalars[index] != "\"" {
                    if scalars[index] == "\\" { index += 1 }
                    guard index < end else { return nil }
                    value.append(scalars[index])
                    index += 1
                }
                index += 1  // closing quote
            } else {
                while index < end, scalars[index] != "," {
                    value.append(scalars[index])
                    index += 1
                }
            }
            let string = String(value)
            elements.append(!quoted && string == "NULL" ? nil : string)
            if index < end {
                guard scalars[index] == "," else { return nil }
                index += 1
            }
        }
        return elements
    }
}
