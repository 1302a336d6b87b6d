import Foundation
import Testing

@testable import CouncilDatabase
@testable import CouncilService

@Suite struct MigratorTests {
    let migrator = Migrator(logger: TestDatabases.logger)

    @Test func freshDatabaseGetsEveryMigrationThenRerunIsANoOp() async throws {
        try await withTestDatabase(migrated: false) { configuration in
            let connection = try Connection.connect(configuration)
            #expect(try migrator.status(connection).allSatisfy { $0.state == .pending })
            #expect(try !migrator.isUpToDate(connection))
            let applied = try migrator.migrate(connection)
            #expect(applied == Migration.embedded.map(\.version))
            #expect(try migrator.migrate(connection) == [])
            let statuses = try migrator.status(connection)
            #expect(statuses.count == Migration.embedded.count)
            #expect(statuses.allSatisfy { $0.state == .applied && $0.appliedAt != nil })
            // The seed data is there.
            let counts = try connection.query(
                Query(
                    "test.counts",
                    """
                    SELECT (SELECT count(*) FROM business_areas) AS areas, (SELECT count(*) FROM blocks) AS blocks,
                           (SELECT count(*) FROM prefectures) AS prefectures, (SELECT count(*) FROM designated_cities) AS cities
                    """)
            ).single()
            #expect(try counts.decode("areas", as: Int.self) == 20)
            #expect(try counts.decode("blocks", as: Int.self) == 8)
            #expect(try counts.decode("prefectures", as: Int.self) == 47)
            #expect(try counts.decode("cities", as: Int.self) == 20)
        }
    }

    @Test func aChangedFileOfAnAppliedMigrationIsRefused() async throws {
        try await withTestDatabase { configuration in
            let connection = try Connection.connect(configuration)
            var tampered = Migration.embedded
            let first = tampered[0]
            tampered[0] = Migration(version: first.version, name: first.name, sql: first.sql + "\n-- edited afterwards\n")
            let modified = Migrator(migrations: tampered, logger: TestDatabases.logger)
            #expect(try modified.status(connection).first?.state == .modified)
            let error = #expect(throws: MigrationError.self) { try modified.migrate(connection) }
            #expect(error?.description.contains("0001_master_data.sql was changed") == true)
            // The untouched binary still sees a healthy database.
            #expect(try migrator.isUpToDate(connection))
        }
    }

    @Test func aFailingMigrationLeavesNoTrace() async throws {
        try await withTestDatabase { configuration in
            let connection = try Connection.connect(configuration)
            let broken =
                Migration.embedded + [
                    Migration(
                        version: 9999, name: "broken",
                        sql: """
                            CREATE TABLE half_done (id int);
                            SELECT 1/0;
                            """)
                ]
            let runner = Migrator(migrations: broken, logger: TestDatabases.logger)
            #expect(throws: DatabaseError.self) { try runner.migrate(connection) }
            let exists = try connection.query(Query("test.halfDone", "SELECT to_regclass('half_done') IS NOT NULL AS present")).single()
            #expect(try exists.decode("present", as: Bool.self) == false)
            #expect(try runner.status(connection).last?.state == .pending)
        }
    }

    @Test func twoConcurrentRunnersApplyEachMigrationOnce() async throws {
        try await withTestDatabase(migrated: false) { configuration in
            let logger = TestDatabases.logger
            let results = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await TestDatabases.blocking {
                            try Migrator(logger: logger).migrate(try Connection.connect(configuration))
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // One runner applied everything, the other waited for the lock and found nothing to do.
            #expect(results.sorted { $0.count < $1.count } == [[], Migration.embedded.map(\.version)])
            let ledger = try Connection.connect(configuration).query(Query("test.ledger", "SELECT count(*) AS n FROM schema_migrations"))
            #expect(try ledger.single().decode("n", as: Int.self) == Migration.embedded.count)
        }
    }

    @Test func embeddedMigrationsMatchTheFilesInSQL() throws {
        let directory = TestFiles.packageRoot.appending(path: "sql")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.count == Migration.embedded.count)
        for (file, migration) in zip(files, Migration.embedded) {
            #expect(file == String(format: "%04d_%@.sql", migration.version, migration.name))
            #expect(try String(contentsOf: directory.appending(path: file), encoding: .utf8) == migration.sql)
        }
    }
}
