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
            COUNCIL_LOG_LEVEL, COUNCIL_MAX_ATTACHMENT_MB, COUNCIL_PUBLIC_URL, COUNCIL_REPLICA_URL, COUNCIL_WEBHOOK_ALLOW,
            COUNCIL_EVENT_RETENTION_DAYS, COUNCIL_SMTP_URL, COUNCIL_SMTP_CA, COUNCIL_MAIL_FROM; flags win over
            the environment. With a replica (a streaming standby of the database) lists, searches,
            cross-reference views and exports read from it, and a caller's own writes stay visible
            to it (the Council-Read-After header or cookie).
            `council serve --demo` runs a seeded throwaway council to look at (see --demo).
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
    @Option(
        name: .customLong("replica-url"),
        help: "A streaming standby of the database for lists, searches, views and exports (COUNCIL_REPLICA_URL).")
    var replicaURL: String?
    @Option(
        name: .customLong("webhook-allow"),
        help: """
            Webhook targets allowed although private or plain http: host names, addresses, CIDR ranges, comma-separated \
            (COUNCIL_WEBHOOK_ALLOW). Others must be public https addresses.
            """)
    var webhookAllow: String?
    @Option(
        name: .customLong("event-retention-days"),
        help: "Days delivered notification events are kept (COUNCIL_EVENT_RETENTION_DAYS, default 30).")
    var eventRetentionDays: String?
    @Flag(name: .customLong("no-migrate"), help: "Do not apply pending migrations on start.") var noMigrate = false
    @Flag(
        name: .customLong("demo"),
        help: """
            A populated council to look at: a throwaway embedded database in a temporary directory, seeded like             `council dev seed --scale small`, deleted on exit; prints a one-time sign-in link. Never touches a real database.
            """)
    var demo = false
    @Option(
        name: .customLong("demo-municipalities"),
        help: "MIC's 全国地方公共団体コード list (CSV, CP932 or UTF-8) for --demo (default ../shared/data/dantai-code-cp932.csv).")
    var demoMunicipalities: String?

    func run() async throws {
        var settings = DaemonSettings(
            host: host, port: port, databaseURL: databaseURL, dataDirectory: dataDirectory,
            poolSize: poolSize, logLevel: logLevel, maxAttachmentMB: maxAttachmentMB, publicURL: publicURL, replicaURL: replicaURL,
            webhookAllow: webhookAllow, eventRetentionDays: eventRetentionDays)
        var demoRows: [MunicipalityListRow] = []
        var demoDirectory: URL?
        if demo {
            let environment = ProcessInfo.processInfo.environment
            guard databaseURL == nil, dataDirectory == nil, (environment["DATABASE_URL"] ?? "").isEmpty,
                (environment["COUNCIL_DATA_DIR"] ?? "").isEmpty
            else {
                printError("--demo runs its own throwaway database; it takes no --database-url, DATABASE_URL, --data-dir or COUNCIL_DATA_DIR")
                throw ExitCode(64)
            }
            let path = demoMunicipalities ?? "../shared/data/dantai-code-cp932.csv"
            do {
                demoRows = try MunicipalityList.parse(try CSVTextEncoding.auto.decode(try Data(contentsOf: URL(fileURLWithPath: path))).text)
            } catch {
                printError("--demo needs MIC's municipality list (--demo-municipalities FILE); cannot read \(path): \(error)")
                throw ExitCode(66)
            }
            // Reachable by the postgres user when the demo runs as root.
            let directory = FileManager.default.temporaryDirectory.appending(path: "council-demo-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            settings.dataDirectory = directory.path
            demoDirectory = directory
        }
        let configuration = try loadConfiguration(settings)
        LoggingSystem.bootstrap { label in StandardErrorLogHandler(label: label, level: configuration.logLevel) }
        let logger = Logger(label: "council")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let database = try DatabaseLocation(configuration.database, logger: logger)
        defer {
            database.stopIfStarted()
            if let demoDirectory { try? FileManager.default.removeItem(at: demoDirectory) }
        }
        logger.notice("database: \(database.configuration)")

        if demo {
            // The connection closes when it goes out of scope, before the daemon's pool opens.
            let prepared = try {
                let connection = try Connection.connect(database.configuration)
                try Migrator(logger: logger).migrate(connection)
                return try Demo.prepare(on: connection, municipalities: demoRows)
            }()
            // Written at once (not buffered): whoever started the demo reads the link right away.
            FileHandle.standardOutput.write(
                Data(
                    """
                    Council demo (a throwaway database, deleted when the daemon stops): \(prepared.report.organizations) organizations, \
                    \(prepared.report.adoptions) adoptions, \(prepared.report.issues) issues.
                    Open this link to sign in as the secretariat administrator (\(Demo.adminEmail)):
                    \(configuration.publicURL)\(prepared.signInPath)

                    """.utf8))
        } else if !noMigrate {
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
        let standby = configuration.replica.map {
            DatabasePool(configuration: $0, options: .init(maxConnections: configuration.poolSize), logger: logger)
        }
        if let replica = configuration.replica { logger.notice("reads of lists, searches, views and exports: standby \(replica)") }
        let state = ServerState()
        let address = configuration.address
        let masterData = MasterDataCache(configuration: daemonDatabase, logger: logger)
        let outboxSignal = OutboxSignal(configuration: daemonDatabase, logger: logger)
        if let mail = configuration.notifications.mail {
            logger.notice("notification mail goes through \(mail.relay)")
        } else {
            logger.notice("no mail relay is configured (COUNCIL_SMTP_URL): notifications are not sent by e-mail")
        }
        // Notifications get connections of their own: deliveries never queue behind requests for a
        // connection (and requests not behind them). Their bookkeeping commits without waiting for
        // the WAL flush: a crash can lose only the record of a delivery, which is then sent again
        // with the same webhook-id — at least once, as promised — and never an event (the outbox
        // rows are written by the requests' own, durable transactions).
        var notificationDatabase = daemonDatabase
        notificationDatabase.overrides += [("options", "-c synchronous_commit=off")]
        let notificationPool = DatabasePool(configuration: notificationDatabase, options: .init(maxConnections: 4), logger: logger)
        let dispatcher = NotificationDispatcher(
            pool: notificationPool, signal: outboxSignal, settings: configuration.notifications, publicURL: configuration.publicURL, logger: logger)
        let application = buildApplication(
            AppDependencies(
                pool: pool, metrics: registry, state: state, masterData: masterData, maxAttachmentSize: configuration.maxAttachmentSize,
                web: WebSettings(publicURL: configuration.publicURL), standby: standby, notifications: configuration.notifications,
                outboxSignal: outboxSignal),
            address: address, logger: logger,
            onServerRunning: { port in
                logger.notice("Council listening on http://\(address.host):\(port); people sign in at \(configuration.publicURL)/sign-in")
            })
        let group = ServiceGroup(
            services: [pool] + (standby.map { [$0] } ?? []) + [
                masterData, outboxSignal, notificationPool, dispatcher, application, DrainSignalService(state: state),
                SignInHousekeeping(pool: pool, logger: logger),
            ],
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
