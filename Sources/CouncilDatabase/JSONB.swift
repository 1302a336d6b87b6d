import Foundation

/// A `jsonb` (or `json`) value bound and decoded through Codable. The JSON text is made when
/// the value is built, so an unencodable value fails there rather than at bind time.
public struct JSONB<Value: Codable & Sendable>: PostgresEncodable, PostgresDecodable, Sendable {
    public let value: Value
    public let postgresText: String

    public init(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self.value = value
        let data = try encoder.encode(value)
        if Self.holdsNUL(data) {
            throw DatabaseError(.invalidParameter, "text contains a NUL character, which PostgreSQL cannot store")
        }
        self.postgresText = String(decoding: data, as: UTF8.self)
    }

    /// Whether the JSON text escapes a NUL (`\u0000` after an odd run of backslashes), which
    /// `jsonb` refuses (SQLSTATE 22P05) like text columns refuse the NUL itself.
    static func holdsNUL(_ json: Data) -> Bool {
        let bytes = Array(json)
        let escape: [UInt8] = Array("u0000".utf8)
        var backslashes = 0
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\\") {
                backslashes += 1
                continue
            }
            if backslashes % 2 == 1, byte == UInt8(ascii: "u"), bytes[index...].starts(with: escape) { return true }
            backslashes = 0
        }
        return false
    }

    public init?(postgresText: String) {
        guard let value = try? JSONDecoder().decode(Value.self, from: Data(postgresText.utf8)) else { return nil }
        self.value = value
        self.postgresText = postgresText
    }
}
