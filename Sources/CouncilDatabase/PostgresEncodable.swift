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
    public var postgresText: String { PostgresArrayLiteral.literal(map { Optional($0.postgresText) }) }
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

    public var postgresText: String { PostgresArrayLiteral.literal(values.map { $0?.postgresText }) }
}

enum PostgresArrayLiteral {
    /// `{"a","b",NULL}`: each element quoted, `"` and `\` escaped. Built as UTF-8 bytes (neither
    /// byte occurs inside a multi-byte sequence): a national import binds arrays of 34,592 JSON
    /// documents, and appending them scalar by scalar to a `String` cost a fifth of the request.
    static func literal(_ elements: [String?]) -> String {
        var bytes: [UInt8] = [0x7B]
        bytes.reserveCapacity(elements.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        var first = true
        for element in elements {
            if !first { bytes.append(0x2C) }
            first = false
            guard var text = element else {
                bytes.append(contentsOf: "NULL".utf8)
                continue
            }
            bytes.append(0x22)
            text.withUTF8 { utf8 in
                if utf8.contains(where: { $0 == 0x22 || $0 == 0x5C }) {
                    for byte in utf8 {
                        if byte == 0x22 || byte == 0x5C { bytes.append(0x5C) }
                        bytes.append(byte)
                    }
                } else {
                    bytes.append(contentsOf: utf8)
                }
            }
            bytes.append(0x22)
        }
        bytes.append(0x7D)
        return String(decoding: bytes, as: UTF8.self)
    }
}
