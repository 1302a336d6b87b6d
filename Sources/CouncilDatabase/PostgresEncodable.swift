import Foundation

/// A value that can be bound as a query parameter, in PostgreSQL's text format.
public protocol PostgresEncodable: Sendable {
    var postgresText: String { get }
}

extension String: PostgresEncodable {
    public var postgresText: String { self }
}

extension Substring: PostgresEncodable {
    public var postgresText: String { String(self) }
}

extension Int: PostgresEncodable {
    public var postgresText: String { String(self) }
}

extension Int32: PostgresEncodable {
    public var postgresText: String { String(self) }
}

extension Int64: PostgresEncodable {
    public var postgresText: String { String(self) }
}

extension Double: PostgresEncodable {
    public var postgresText: String { String(self) }
}

extension Bool: PostgresEncodable {
    public var postgresText: String { self ? "t" : "f" }
}

extension UUID: PostgresEncodable {
    public var postgresText: String { uuidString.lowercased() }
}

extension Date: PostgresEncodable {
    public var postgresText: String { PostgresDateFormat.timestamp(self) }
}

extension Array: PostgresEncodable where Element: PostgresEncodable {
    /// A one-dimensional array literal; every element is quoted so that any text survives.
    public var postgresText: String {
        let elements = map(\.postgresText)
        var text = "{"
        text.reserveCapacity(elements.reduce(2) { $0 + $1.utf8.count + 3 })
        for (index, element) in elements.enumerated() {
            if index > 0 { text += "," }
            PostgresArrayLiteral.appendQuoted(element, to: &text)
        }
        return text + "}"
    }
}

/// A value of a domain type that is stored as its raw text (slugs, codes).
public protocol PostgresRawTextEncodable: PostgresEncodable, RawRepresentable where RawValue == String {}

extension PostgresRawTextEncodable {
    public var postgresText: String { rawValue }
}

/// A one-dimensional array whose elements may be NULL (for `unnest` of optional columns).
public struct NullableArray<Element: PostgresEncodable>: PostgresEncodable {
    public let values: [Element?]

    public init(_ values: [Element?]) {
        self.values = values
    }

    public var postgresText: String {
        let elements = values.map { $0?.postgresText }
        var text = "{"
        text.reserveCapacity(elements.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (index, value) in elements.enumerated() {
            if index > 0 { text += "," }
            if let value { PostgresArrayLiteral.appendQuoted(value, to: &text) } else { text += "NULL" }
        }
        return text + "}"
    }
}

enum PostgresArrayLiteral {
    /// Appends `"element"`, escaping `"` and `\`; most elements need no escaping and are copied whole.
    static func appendQuoted(_ element: String, to text: inout String) {
        text += "\""
        if element.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C }) {
            for scalar in element.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { text += "\\" }
                text.unicodeScalars.append(scalar)
            }
        } else {
            text += element
        }
        text += "\""
    }
}
