import CouncilDatabase

/// `council serve --demo`: a populated council to look at, on a throwaway database. The seed is
/// `council dev seed --scale small`; the secretariat administrator it creates gets a one-time
/// sign-in link, printed by the daemon, so a newcomer is signed in with one click.
package enum Demo {
    package struct Prepared: Sendable {
        package let report: DevSeed.Report
        /// The path of the administrator's one-time password link (under the public address).
        package let signInPath: String
    }

    package static let adminEmail = "seed-admin@example.jp"

    package static func prepare(on connection: Connection, municipalities: [MunicipalityListRow]) throws -> Prepared {
        let report = try DevSeed.run(on: connection, scale: .small, seed: 1, municipalities: municipalities)
        try connection.execute(script: "BEGIN", name: "demo.begin")
        do {
            let admin: Int = try connection.query(Query("demo.admin", "SELECT id FROM accounts WHERE email = \(adminEmail)")).single()
                .decode("id")
            let link = try PasswordLinkStore.create(for: admin, purpose: .invitation, by: .system, on: connection)
            try connection.execute(script: "COMMIT", name: "demo.commit")
            return Prepared(report: report, signInPath: link.path)
        } catch {
            try? connection.execute(script: "ROLLBACK", name: "demo.rollback")
            throw error
        }
    }
}
