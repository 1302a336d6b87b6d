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

/// Parses PostgreSQL's text form of a one-dimensional array: `{a,"b c",NULL}`. On the UTF-8
/// bytes (every delimiter is ASCII, which no multi-byte character contains), each element made
/// from its bytes at once: scalar by scalar, this was 2 % of the machine's CPU under GETs of issues.
enum PostgresArrayParser {
    static func parse(_ text: String) -> [String?]? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> [String?]? {
        let (open, close, quote, backslash, comma) = (UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: ","))
        guard bytes.count >= 2, bytes[0] == open, bytes[bytes.count - 1] == close else { return nil }
        func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        var elements: [String?] = []
        var index = 1
        let end = bytes.count - 1
        while index < end {
            if bytes[index] == quote {
                index += 1
                let start = index
                // The element's bytes once an escape is met; until then the element is a slice.
                var unescaped: [UInt8]?
                while index < end, bytes[index] != quote {
                    if bytes[index] == backslash {
                        if unescaped == nil { unescaped = Array(bytes[start..<index]) }
                        index += 1
                        guard index < end else { return nil }
                    }
                    unescaped?.append(bytes[index])
                    index += 1
                }
                elements.append(unescaped.map { String(decoding: $0, as: UTF8.self) } ?? string(start..<index))
                index += 1  // closing quote
            } else {
                let start = index
                while index < end, bytes[index] != comma { index += 1 }
                let isNull = index - start == 4 && bytes[start..<index].elementsEqual("NULL".utf8)
                elements.append(isNull ? nil : string(start..<index))
            }
            if index < end {
                guard bytes[index] == comma else { return nil }
                index += 1
            }
        }
        return elements
    }
}
