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
        self.postgresText = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public init?(postgresText: String) {
        guard let value = try? JSONDecoder().decode(Value.self, from: Data(postgresText.utf8)) else { return nil }
        self.value = value
        self.postgresText = postgresText
    }
}
