import ArgumentParser
import CouncilDatabase
import CouncilService
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Council daemon.",
        discussion: """
            With no DATABASE_URL (or --database-url) the daemon runs its own PostgreSQL in the data
            directory (default .council/), using the PostgreSQL binaries installed on the machine, and
            stops it on exit. SIGTERM or SIGINT drain in-flight requests, then stop.
            Environment: DATABASE_URL, COUNCIL_HOST, COUNCIL_PORT, COUNCIL_DATA_DIR, COUNCIL_POOL_SIZE,
            COUNCIL_LOG_LEVEL, COUNCIL_MAX_ATTACHMENT_MB, COUNCIL_PUBLIC_URL; flags win over the environment.
            People sign in at the public address (the first administrator with the link that
            `council admin bootstrap` prints).
            """)

    @Option(help: "Address to listen on (COUNCIL_HOST, default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (COUNCIL_PORT, default 8080).") var port: String?
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL or libpq connection string (DATABASE_URL).")
    var databaseURL: String?
    @Option(name: .customLong("data-dir"), help: "Directory of the embedded PostgreSQL (COUNCIL_DATA_DIR, default .council).")
    var dataDirectory: String?
    @Option(name: .customLong("pool-size"), help: "Database connections (COUNCIL_POOL_SIZE, default 4).") var poolSize: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (COUNCIL_LOG_LEVEL).")
    var logLevel: String?
    @Option(name: .customLong("max-attachment-mb"), help: "The largest attachment accepted, in MB (COUNCIL_MAX_ATTACHMENT_MB, default 20).")
    var maxAttachmentMB: String?
    @Option(
        name: .customLong("public-url"),
        help: "The address people open, e.g. https://council.example.go.jp (COUNCIL_PUBLIC_URL, default http://HOST:PORT).")
    var publicURL: String?
    @Flag(name: .customLong("no-migrate"), help: "Do not apply pending migrations on start.") var noMigrate = false

    func run() async throws {
        let configuration = try loadConfiguration(
            DaemonSettings(
                host: host, port: port, databaseURL: databaseURL, dataDirectory: dataDirectory,
                poolSize: poolSize, logLevel: logLevel, maxAttachmentMB: maxAttachmentMB, publicURL: publicURL))
        LoggingSystem.bootstrap { label in StandardErrorLogHandler(label: label, level: configuration.logLevel) }
        let logger = Logger(label: "council")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let database = try DatabaseLocation(configuration.database, logger: logger)
        defer { database.stopIfStarted() }
        logger.notice("database: \(database.configuration)")

        if !noMigrate {
            // As the configured role: the schema's owner when migrations are pending.
            let applied = try Migrator(logger: logger).migrate(try Connection.connect(database.configuration))
            logger.notice(applied.isEmpty ? "database schema is up to date" : "applied migrations \(applied)")
        }
        let daemonDatabase = try database.daemonConfiguration()
        let pool = DatabasePool(
            configuration: daemonDatabase,
            options: .init(maxConnections: configuration.poolSize), logger: logger)
        if try await pool.withConnection({ try DaemonRole.isPrivileged($0) }) {
            logger.warning(
                """
                the daemon connects as a superuser or as the owner of the schema, so the audit log is not append-only \
                against it; give it a role in \(DaemonRole.group) (README, Deployment)
                """)
        }
        let state = ServerState()
        let address = configuration.address
        let masterData = MasterDataCache(configuration: daemonDatabase, logger: logger)
        let application = buildApplication(
            AppDependencies(
                pool: pool, metrics: registry, state: state, masterData: masterData, maxAttachmentSize: configuration.maxAttachmentSize,
                web: WebSettings(publicURL: configuration.publicURL)),
            address: address, logger: logger,
            onServerRunning: { port in
                logger.notice("Council listening on http://\(address.host):\(port); people sign in at \(configuration.publicURL)/sign-in")
            })
        let group = ServiceGroup(
            services: [pool, masterData, application, DrainSignalService(state: state), SignInHousekeeping(pool: pool, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger)
        try await group.run()
        logger.notice("Council stopped")
    }
}

/// Reads the configuration or exits 78 (EX_CONFIG) naming what is wrong.
func loadConfiguration(_ settings: DaemonSettings) throws -> DaemonConfiguration {
    do {
        return try DaemonConfiguration(settings: settings, environment: ProcessInfo.processInfo.environment)
    } catch let error as ConfigurationError {
        printError("configuration: \(error)")
        throw ExitCode(78)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("council: \(message)\n".utf8))
}
