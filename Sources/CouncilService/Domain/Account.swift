import CouncilDatabase
import Foundation

public enum Role: String, Codable, CaseIterable, Sendable, PostgresRawTextEncodable, PostgresDecodable {
    /// Secretariat administrator: manages organizations and accounts.
    case admin
    case member
    /// 標準化リエゾン: a secretariat account scoped to prefectures.
    case liaison
}

/// An e-mail address, trimmed; checked for the shape `local@domain.tld`.
public struct EmailAddress: Hashable, ValidatedText, PostgresRawTextEncodable, PostgresDecodable {
    public let rawValue: String

    public init?(rawValue: String) {
        let text = rawValue.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !text.contains(where: { $0.isWhitespace || $0.isNewline })
        else { return nil }
        self.rawValue = text
    }

    public init?(postgresText: String) { self.init(rawValue: postgresText) }
    public static func whyInvalid(_ text: String) -> String { "'\(text)' is not an e-mail address" }
}

public struct Account: Codable, Sendable, Equatable {
    public let id: Int
    public let organizationId: Int
    public let organizationKind: OrganizationKind
    public let displayName: String
    public let email: EmailAddress
    public let role: Role
    public let orgAdmin: Bool
    public let active: Bool
    /// A liaison's prefectures; empty for everyone else.
    public let prefectures: [PrefectureCode]
    public let createdAt: Date
    public let updatedAt: Date
}

/// An API token as listed: never its secret.
public struct APIToken: Codable, Sendable, Equatable {
    public let id: Int
    public let accountId: Int
    public let name: String
    /// The secret's first characters, to tell tokens apart.
    public let hint: String
    public let createdAt: Date
    public let expiresAt: Date?
    public let lastUsedAt: Date?
    public let revokedAt: Date?
}

/// A token just created: the only time its secret is shown.
public struct IssuedToken: Codable, Sendable {
    public let token: APIToken
    public let secret: String
}

/// Token secrets: 256 random bits, base64url, behind a recognisable prefix.
public enum TokenSecret {
    public static let prefix = "council_"

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()  // getrandom(2): cryptographically secure
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + encoded
    }

    public static func hint(_ secret: String) -> String { String(secret.prefix(prefix.count + 6)) }

    /// Cheap shape check before touching the database.
    public static func looksValid(_ text: String) -> Bool {
        text.hasPrefix(prefix) && text.utf8.count == prefix.utf8.count + 43
            && text.utf8.dropFirst(prefix.utf8.count).allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F
            }
    }
}
