import Foundation
import Testing

@testable import CouncilDatabase
@testable import CouncilService

@Suite struct BootstrapAndAuditTests {
    private let email = EmailAddress(rawValue: "chiho@example.go.jp")!

    private func bootstrap(_ connection: Connection, force: Bool = false) throws -> Bootstrap.Outcome {
        try Bootstrap.run(
            on: connection, organizationName: "デジタル庁 地方業務システム基盤チーム", shortName: "地方業務T",
            displayName: "事務局 管理者", email: email, force: force)
    }

    private func counts(_ connection: Connection) throws -> [Int] {
        let row = try connection.query(
            Query(
                "test.counts",
                """
                SELECT (SELECT count(*) FROM organizations) AS o, (SELECT count(*) FROM accounts) AS a,
                       (SELECT count(*) FROM api_tokens) AS t, (SELECT count(*) FROM audit_log) AS l
                """)
        ).single()
        return try ["o", "a", "t", "l"].map { try row.decode($0, as: Int.self) }
    }

    @Test func bootstrapIsIdempotentAndRefusesASecondAdminUnlessForced() async throws {
        try await withTestPool { pool, configuration in
            let connection = try Connection.connect(configuration)
            let first = try bootstrap(connection)
            #expect(first.account.role == .admin && first.organization.kind == .secretariat)
            // organization, account, token, and the password link (each audited)
            #expect(try counts(connection) == [1, 1, 1, 4])
            #expect(first.passwordLink.purpose == .invitation && first.passwordLink.path.hasPrefix("/password/cl_"))
            let principal = try await TokenStore(pool: pool).principal(for: first.token.secret)
            #expect(principal?.isSecretariatAdmin == true)

            let refused = #expect(throws: Bootstrap.Refused.self) { try bootstrap(connection) }
            #expect(refused?.description.contains("chiho@example.go.jp") == true)
            #expect(try counts(connection) == [1, 1, 1, 4])

            let forced = try bootstrap(connection, force: true)
            #expect(forced.organization.id == first.organization.id && forced.account.id == first.account.id)
            #expect(forced.token.secret != first.token.secret)
            #expect(try counts(connection) == [1, 1, 2, 6])
            // Width- and case-insensitive organization match, and an existing account is reused.
            let again = try Bootstrap.run(
                on: connection, organizationName: "デジタル庁　地方業務システム基盤チーム".replacingOccurrences(of: "　", with: " "),
                shortName: "地方業務T", displayName: "x", email: EmailAddress(rawValue: "CHIHO@example.go.jp")!, force: true)
            #expect(again.account.id == first.account.id)
        }
    }

    /// The daemon's role has no right to change it; even its owner is stopped by the triggers.
    @Test func theAuditLogRefusesUpdateDeleteAndTruncate() async throws {
        try await withTestPool { _, configuration in
            let connection = try Connection.connect(configuration)
            let owner = try Connection.connect(configuration.with(user: nil))
            _ = try bootstrap(connection)
            for (connection, message) in [(connection, "permission denied"), (owner, "append-only")] {
                for statement in ["UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
                    let error = #expect(throws: DatabaseError.self, "\(statement)") {
                        try connection.execute(script: statement, name: "test.tamper")
                    }
                    #expect(error?.sqlState == "42501")
                    #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
                }
            }
            #expect(try counts(connection)[3] == 4)
        }
    }

    @Test func corporateNumbersAndEmailsValidate() {
        #expect(CorporateNumber(rawValue: "7000012050002") != nil)  // 国税庁
        #expect(CorporateNumber(rawValue: "7000012050003") == nil)
        #expect(CorporateNumber(rawValue: "700001205000") == nil)
        #expect(EmailAddress(rawValue: " a@b.jp ")?.rawValue == "a@b.jp")
        for bad in ["", "a", "a@b", "@b.jp", "a@.jp", "a b@c.jp", "a@b.jp."] {
            #expect(EmailAddress(rawValue: bad) == nil, "\(bad)")
        }
        let secret = TokenSecret.generate()
        #expect(TokenSecret.looksValid(secret) && secret.hasPrefix("council_") && secret.count == 51)
        #expect(TokenSecret.generate() != secret)
    }
}
