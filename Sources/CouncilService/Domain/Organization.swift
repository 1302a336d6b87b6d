import CouncilDatabase
import Foundation

package enum OrganizationKind: String, Codable, CaseIterable, Sendable, SlugDecodable, PostgresRawTextEncodable, PostgresDecodable {
    /// The Digital Agency's 地方業務T, which runs the council.
    case secretariat
    case vendor
    /// APPLIC, JISA, JAHIS and the spec-owning ministries.
    case observer
}

package enum ObserverCategory: String, Codable, CaseIterable, Sendable, SlugDecodable, PostgresRawTextEncodable, PostgresDecodable {
    case association
    case ministry
}

/// A 法人番号: 13 digits whose first is a check digit over the other twelve.
package struct CorporateNumber: Hashable, ValidatedText, PostgresRawTextEncodable, PostgresDecodable {
    package let rawValue: String

    package init?(rawValue: String) {
        let digits = rawValue.utf8.map { Int($0) - 48 }
        guard digits.count == 13, digits.allSatisfy({ (0...9).contains($0) }) else { return nil }
        // Pn is the n-th digit from the right of the 12-digit base; Qn is 1 for odd n, 2 for even.
        let base = digits.dropFirst().reversed()
        let sum = base.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 2) }
        guard digits[0] == 9 - sum % 9 else { return nil }
        self.rawValue = rawValue
    }

    package init?(postgresText: String) { self.init(rawValue: postgresText) }
    package static func whyInvalid(_ text: String) -> Reason {
        Reason("'\(text)' is not a 法人番号 (13 digits with a valid check digit)", ja: "「\(text)」は法人番号ではありません（検査数字の合う13桁）")
    }
}

package struct Organization: Codable, Sendable, Equatable {
    package let id: Int
    package let kind: OrganizationKind
    package let category: ObserverCategory?
    /// For a ministry observer: the ministry whose business areas it owns.
    package let ministry: String?
    package let name: String
    package let shortName: String
    package let corporateNumber: CorporateNumber?
    package let active: Bool
    package let createdAt: Date
    package let updatedAt: Date
}
