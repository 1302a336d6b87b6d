/// A string-backed value that checks itself on construction. It decodes from a JSON string and
/// refuses an invalid one with a message saying what was expected, which the API turns into a
/// 400 naming the field.
package protocol ValidatedText: RawRepresentable, Codable, Sendable, CustomStringConvertible where RawValue == String {
    /// Why `text` is not a valid value, in both languages.
    static func whyInvalid(_ text: String) -> Reason
}

extension ValidatedText {
    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: text) else {
            let reason = Self.whyInvalid(text)
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: reason.en, underlyingError: reason))
        }
        self = value
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    package var description: String { rawValue }
}

/// An enum of slugs read from requests: an unknown slug is refused naming the accepted ones, in
/// both languages (instead of the decoder's "Cannot initialize … from invalid String value").
package protocol SlugDecodable: RawRepresentable, CaseIterable, Decodable where RawValue == String {}

extension SlugDecodable {
    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: text) else {
            let reason = RequestReason.notOneOf(text, Self.allCases.map(\.rawValue))
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: reason.en, underlyingError: reason))
        }
        self = value
    }
}
