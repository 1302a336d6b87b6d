import CouncilDatabase
import Foundation

package enum Role: String, Codable, CaseIterable, Sendable, SlugDecodable, PostgresRawTextEncodable, PostgresDecodable {
    /// Secretariat administrator: manages organizations and accounts.
    case admin
    case member
    /// 標準化リエゾン: a secretariat account scoped to prefectures.
    case liaison
}

/// An e-mail address, trimmed; checked for the shape `local@domain.tld`.
package struct EmailAddress: Hashable, ValidatedText, PostgresRawTextEncodable, PostgresDecodable {
    package let rawValue: String

    package init?(rawValue: String) {
        let text = rawValue.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !text.contains(where: { $0.isWhitespace || $0.isNewline })
        else { return nil }
        self.rawValue = text
    }

    package init?(postgresText: String) { self.init(rawValue: postgresText) }
    package static func whyInvalid(_ text: String) -> Reason {
        Reason("'\(text)' is not an e-mail address", ja: "「\(text)」はメールアドレスではありません")
    }
}

package struct Account: Codable, Sendable, Equatable {
    package let id: Int
    package let organizationID: Int
    package let organizationKind: OrganizationKind
    package let displayName: String
    package let email: EmailAddress
    package let role: Role
    package let orgAdmin: Bool
    package let active: Bool
    /// A liaison's prefectures; empty for everyone else.
    package let prefectures: [PrefectureCode]
    package let createdAt: Date
    package let updatedAt: Date
}

/// An API token as listed: never its secret.
package struct APIToken: Codable, Sendable, Equatable {
    package let id: Int
    package let accountID: Int
    package let name: String
    /// The secret's first characters, to tell tokens apart.
    package let hint: String
    package let createdAt: Date
    package let expiresAt: Date?
    package let lastUsedAt: Date?
    package let revokedAt: Date?
}

/// A token just created: the only time its secret is shown.
package struct IssuedToken: Codable, Sendable {
    package let token: APIToken
    package let secret: String
}

/// Token secrets: 256 random bits, base64url, behind a recognisable prefix. Browser sessions and
/// password links use the same shape behind prefixes of their own.
package enum TokenSecret {
    package static let prefix = "council_"

    package static func generate(prefix: String = prefix) -> String {
        var generator = SystemRandomNumberGenerator()  // getrandom(2): cryptographically secure
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + encoded
    }

    package static func hint(_ secret: String) -> String { String(secret.prefix(prefix.count + 6)) }

    /// Cheap shape check before touching the database.
    package static func looksValid(_ text: String, prefix: String = prefix) -> Bool {
        text.hasPrefix(prefix) && text.utf8.count == prefix.utf8.count + 43
            && text.utf8.dropFirst(prefix.utf8.count).allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F
            }
    }
}
