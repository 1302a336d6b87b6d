import Foundation
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Security review, finding 7: the daemon works as a role that cannot rewrite history. Migrations
/// run as the owner; the daemon's connections (embedded cluster included) are in `council_app`.
@Suite struct DatabaseRoleTests {
    static let tampering = [
        "UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log", "TRUNCATE audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL", "SET session_replication_role = replica", "DROP TABLE audit_log",
        "UPDATE status_reports SET stage = 'available'", "DELETE FROM issue_events",
        "INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'x', 'y')",
        "CREATE TABLE intruder (x int)",
    ]

    static func expectRefused(_ connection: Connection) {
        for statement in tampering {
            let error = #expect(throws: DatabaseError.self, "\(statement)") {
                try connection.execute(script: statement, name: "test.tamper")
            }
            #expect(error?.sqlState == "42501", "\(statement): \(error?.message ?? "")")
        }
    }

    @Test func theDaemonsRoleCannotChangeTheAuditLogOrTheSchema() async throws {
        try await withTestPool { pool, configuration in
            // Every test's pool works as the daemon's role; this one proves what that role cannot do.
            #expect(try await pool.withConnection { try DaemonRole.isPrivileged($0) } == false)
            #expect(try DaemonRole.isPrivileged(try Connection.connect(configuration.with(user: nil))))
            Self.expectRefused(try Connection.connect(configuration))
        }
    }

    /// `council serve` on its embedded cluster: migrates as the owner, then every connection of
    /// the daemon's is the login role in council_app.
    @Test func theEmbeddedDaemonConnectsAsItsOwnRole() async throws {
        let directory = URL(fileURLWithPath: "/tmp/council-role-test-\(getpid())-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let daemon = try await DaemonProcess.start(nil, arguments: ["--data-dir", directory.path])
        let cluster = EmbeddedPostgres(directory: directory, logger: TestDatabases.logger)
        let owner = try Connection.connect(try cluster.configuration())
        let roles = try owner.query(
            Query(
                "test.daemonRoles",
                """
                SELECT DISTINCT usename FROM pg_stat_activity
                WHERE application_name = 'council' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
                """)
        ).rows.map { try $0.decode("usename", as: String.self) }
        #expect(roles == [DaemonRole.embeddedLogin], "\(roles)")
        #expect(try await daemon.get("/health/ready").status == 200)
        Self.expectRefused(try Connection.connect(try cluster.configuration(user: DaemonRole.embeddedLogin)))
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit() == 0)
        await daemon.dispose()
    }
}
