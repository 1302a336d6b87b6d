import Foundation
import HTTPTypes

@testable import CouncilDatabase
@testable import CouncilService

/// The cast of the authorization tests: one caller per role, each with a live token.
struct TestIdentities: Sendable {
    enum Caller: String, CaseIterable, Sendable {
        case admin, member, liaison, vendorA, vendorB, observer, anonymous
    }

    struct Identity: Sendable {
        let account: Account
        let secret: String
        let tokenID: Int
    }

    let secretariat: Organization
    let vendorA: Organization
    let vendorB: Organization
    let observer: Organization
    let identities: [Caller: Identity]
    /// Vendor A's product (住民基本台帳, 国民健康保険, 生活保護) and vendor B's (住民基本台帳).
    let productA: Product
    let productB: Product

    func identity(_ caller: Caller) -> Identity { identities[caller]! }

    func headers(_ caller: Caller, _ extra: HTTPFields = [:]) -> HTTPFields {
        var headers = extra
        if let identity = identities[caller] { headers[.authorization] = "Bearer \(identity.secret)" }
        return headers
    }

    static func create(_ pool: DatabasePool) async throws -> TestIdentities {
        let organizations = OrganizationStore(pool: pool)
        let accounts = AccountStore(pool: pool)
        let tokens = TokenStore(pool: pool)
        let system = AuditActor.system
        func organization(_ kind: OrganizationKind, _ name: String, category: ObserverCategory? = nil) async throws -> Organization {
            try await organizations.create(
                OrganizationDraft(
                    kind: kind, category: category, ministry: nil, name: name,
                    shortName: name, corporateNumber: nil), by: system)
        }
        let secretariat = try await organization(.secretariat, "デジタル庁 地方業務システム基盤チーム")
        let vendorA = try await organization(.vendor, "株式会社ベンダーA")
        let vendorB = try await organization(.vendor, "株式会社ベンダーB")
        let observer = try await organization(.observer, "APPLIC", category: .association)
        var identities: [Caller: Identity] = [:]
        func add(
            _ caller: Caller, _ organization: Organization, role: Role, orgAdmin: Bool = false,
            prefectures: [PrefectureCode] = []
        ) async throws {
            let draft = AccountDraft(
                organizationID: organization.id, displayName: "\(caller.rawValue) さん",
                email: EmailAddress(rawValue: "\(caller.rawValue)@example.jp")!, role: role,
                orgAdmin: orgAdmin, prefectures: prefectures)
            let account = try await accounts.create(draft, by: system) { _ in }
            let issued = try await tokens.issue(to: account.id, name: "test", expiresAt: nil, by: system)
            identities[caller] = Identity(account: account, secret: issued.secret, tokenID: issued.token.id)
        }
        try await add(.admin, secretariat, role: .admin)
        try await add(.member, secretariat, role: .member)
        try await add(.liaison, secretariat, role: .liaison, prefectures: [PrefectureCode(rawValue: "13")!])
        try await add(.vendorA, vendorA, role: .member, orgAdmin: true)
        try await add(.vendorB, vendorB, role: .member)
        try await add(.observer, observer, role: .member)
        let products = ProductStore(pool: pool)
        let productA = try await products.create(
            ProductDraft(
                vendorID: vendorA.id, name: "A住記クラウド",
                businessAreas: [.juki, .kokuho, .seikatsuHogo], version: "4.0", notes: nil), by: system)
        let productB = try await products.create(
            ProductDraft(
                vendorID: vendorB.id, name: "B標準パッケージ",
                businessAreas: [.juki], version: nil, notes: nil), by: system)
        return TestIdentities(
            secretariat: secretariat, vendorA: vendorA, vendorB: vendorB, observer: observer,
            identities: identities, productA: productA, productB: productB)
    }
}
