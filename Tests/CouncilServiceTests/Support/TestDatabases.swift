import CouncilService
import Foundation
import Logging
import NIOPosix

@testable import CouncilDatabase

/// Real PostgreSQL for tests. The server is COUNCIL_TEST_DATABASE_URL when set (a superuser
/// connection), otherwise a throwaway embedded cluster under /tmp started once per test process
/// (which also exercises `EmbeddedPostgres`). Each test gets its own database cloned from a
/// migrated template, so tests are isolated and order does not matter; it is reached as the
/// daemon's own role (`DaemonRole`, not the owner), so every test runs with the daemon's rights
/// (`configuration.with(user: nil)` is the owner, for the few that need it).
actor TestDatabases {
    static let shared = TestDatabases()
    static let logger: Logger = {
        var logger = Logger(label: "council-tests")
        logger.logLevel = .warning
        return logger
    }()

    private var setup: Task<DatabaseConfiguration, any Error>?
    private var counter = 0
    private let prefix = "council_test_\(getpid())"
    var templateName: String { "\(prefix)_template" }

    /// A connection configuration for the server's maintenance database. The first caller starts
    /// the server and builds the template; everyone else awaits that same work (the actor is
    /// reentrant across awaits, so the work lives in one task).
    func serverConfiguration() async throws -> DatabaseConfiguration {
        if let setup { return try await setup.value }
        let template = templateName
        let task = Task { try await Self.prepareServer(template: template) }
        setup = task
        return try await task.value
    }

    private static func prepareServer(template: String) async throws -> DatabaseConfiguration {
        let configuration: DatabaseConfiguration
        if let url = ProcessInfo.processInfo.environment["COUNCIL_TEST_DATABASE_URL"], !url.isEmpty {
            configuration = try DatabaseConfiguration(url)
        } else {
            let cluster = EmbeddedPostgres(
                directory: URL(fileURLWithPath: "/tmp/council-test-pg-\(getpid())"), durability: .throwaway,
                databaseName: "postgres", logger: Self.logger)
            TestClusterCleanup.register(cluster)
            _ = try await blocking { try cluster.start() }
            configuration = try cluster.configuration(database: "postgres")
        }
        try await Self.blocking {
            let connection = try Connection.connect(configuration)
            try connection.execute(script: "DROP DATABASE IF EXISTS \(template)", name: "tests.dropTemplate")
            try connection.execute(script: "CREATE DATABASE \(template)", name: "tests.createTemplate")
            let templateConnection = try Connection.connect(configuration.with(database: template))
            try Migrator(logger: Self.logger).migrate(templateConnection)
            try DaemonRole.ensureLogin(DaemonRole.embeddedLogin, on: templateConnection)
        }
        return configuration
    }

    /// A new database: a copy of the migrated template, or empty when `migrated` is false.
    func create(migrated: Bool = true) async throws -> (name: String, configuration: DatabaseConfiguration) {
        let server = try await serverConfiguration()
        counter += 1
        let name = "\(prefix)_\(counter)"
        let template = migrated ? "TEMPLATE \(templateName) STRATEGY FILE_COPY" : "TEMPLATE template0"
        try await Self.blocking {
            try Connection.connect(server).execute(script: "CREATE DATABASE \(name) \(template)", name: "tests.createDatabase")
        }
        return (name, server.with(database: name).with(user: migrated ? DaemonRole.embeddedLogin : nil))
    }

    func drop(_ name: String) async throws {
        let server = try await serverConfiguration()
        try await Self.blocking {
            try Connection.connect(server).execute(script: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)", name: "tests.dropDatabase")
        }
    }

    /// Blocking libpq and process calls run on threads of their own, not the tests' executor nor
    /// NIO's shared pool (two threads here, which slow database drops would hold up); enough for
    /// each of the tests running at once (`scripts/test` runs twelve) to wait on a few.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await threads.runIfActive(body)
    }

    private static let threads: NIOThreadPool = {
        let threads = NIOThreadPool(numberOfThreads: 32)
        threads.start()
        return threads
    }()
}

/// Stops the embedded test cluster when the test process exits.
enum TestClusterCleanup {
    nonisolated(unsafe) private static var cluster: EmbeddedPostgres?

    static func register(_ cluster: EmbeddedPostgres) {
        Self.cluster = cluster
        atexit {
            guard let cluster = TestClusterCleanup.cluster else { return }
            try? cluster.stop()
            try? FileManager.default.removeItem(at: cluster.directory)
        }
    }
}

/// Runs `body` with a fresh database (migrated unless told otherwise), dropped afterwards.
func withTestDatabase<T>(migrated: Bool = true, _ body: (DatabaseConfiguration) async throws -> T) async throws -> T {
    _ = TestExecutor.installed
    let (name, configuration) = try await TestDatabases.shared.create(migrated: migrated)
    do {
        let result = try await body(configuration)
        try await TestDatabases.shared.drop(name)
        return result
    } catch {
        try? await TestDatabases.shared.drop(name)
        throw error
    }
}

/// Runs `body` with a pool on a fresh migrated database. The lease timeout is long: the whole
/// suite runs at once on two cores, where CI has seen every task of the test process stand still
/// for half a minute, and a test of correctness must not fail on a slow lease (tests of the
/// timeout itself give their own).
func withTestPool<T>(
    maxConnections: Int = 2, leaseTimeout: Duration = .seconds(120),
    _ body: (DatabasePool, DatabaseConfiguration) async throws -> T
) async throws -> T {
    try await withTestDatabase { configuration in
        let pool = DatabasePool(
            configuration: configuration, options: .init(maxConnections: maxConnections, leaseTimeout: leaseTimeout),
            logger: TestDatabases.logger)
        do {
            let result = try await body(pool, configuration)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }
}
