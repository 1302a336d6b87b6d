import ArgumentParser
import CouncilDatabase
import CouncilService
import Foundation
import Logging

struct DB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the database directly (not through the daemon).",
        subcommands: [Migrate.self, Status.self])

    struct DatabaseOptions: ParsableArguments {
        @Option(name: .customLong("database-url"), help: "PostgreSQL URL or libpq connection string (DATABASE_URL).")
        var databaseURL: String?
        @Option(name: .customLong("data-dir"), help: "Directory of the embedded PostgreSQL (COUNCIL_DATA_DIR, default .council).")
        var dataDirectory: String?

        func withConnection<T>(_ body: (Connection, Logger) throws -> T) throws -> T {
            let configuration = try loadConfiguration(DaemonSettings(databaseURL: databaseURL, dataDirectory: dataDirectory))
            var logger = Logger(label: "council")
            logger.logLevel = .notice
            let location = try DatabaseLocation(configuration.database, logger: logger)
            defer { location.stopIfStarted() }
            do {
                return try body(try Connection.connect(location.configuration), logger)
            } catch let error as DatabaseError {
                printError("\(error)")
                throw ExitCode(69)
            } catch let error as MigrationError {
                printError("\(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations (a no-op when up to date).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let applied = try database.withConnection { connection, logger in
                try Migrator(logger: logger).migrate(connection)
            }
            print(
                applied.isEmpty ? "Up to date: nothing to apply." : "Applied: \(applied.map { String(format: "%04d", $0) }.joined(separator: ", "))")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List migrations and whether each is applied.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let statuses = try database.withConnection { connection, logger in
                try Migrator(logger: logger).status(connection)
            }
            for status in statuses {
                let when = status.appliedAt.map { $0.formatted(.iso8601) } ?? ""
                print(
                    String(format: "%04d", status.version), status.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0),
                    status.name.padding(toLength: 28, withPad: " ", startingAt: 0), when)
            }
            if statuses.contains(where: { $0.state == .modified }) { throw ExitCode(1) }
        }
    }
}
