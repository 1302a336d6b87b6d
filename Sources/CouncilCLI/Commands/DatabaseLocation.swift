import ArgumentParser
import CouncilDatabase
import CouncilService
import Foundation
import Logging

/// The database a command uses: the configured URL, or the embedded cluster, started when it
/// is not already running (and then stopped again by whoever started it).
final class DatabaseLocation {
    let configuration: DatabaseConfiguration
    private let embedded: EmbeddedPostgres?
    private let startedHere: Bool
    private let logger: Logger

    init(_ database: DaemonConfiguration.Database, logger: Logger) throws {
        self.logger = logger
        switch database {
        case .url(let configuration):
            self.configuration = configuration
            self.embedded = nil
            self.startedHere = false
        case .embedded(let directory):
            let cluster = EmbeddedPostgres(directory: directory, logger: logger)
            do {
                self.startedHere = try cluster.start()
                self.configuration = try cluster.configuration()
            } catch let error as ConfigurationError {
                printError("embedded PostgreSQL: \(error)")
                throw ExitCode(78)
            }
            self.embedded = cluster
            logger.notice("embedded PostgreSQL in \(cluster.directory.path)")
        }
    }

    /// What the daemon's own connections use: the configured URL as it is (the operator gives
    /// the daemon a role of its own, see README), or the embedded cluster's login role in
    /// `council_app`, made once migrations have created that group.
    func daemonConfiguration() throws -> DatabaseConfiguration {
        guard let embedded else { return configuration }
        try DaemonRole.ensureLogin(DaemonRole.embeddedLogin, on: try Connection.connect(configuration))
        return try embedded.configuration(user: DaemonRole.embeddedLogin)
    }

    func stopIfStarted() {
        guard startedHere, let embedded else { return }
        do {
            try embedded.stop()
        } catch {
            logger.error("could not stop the embedded PostgreSQL: \(error)")
        }
    }
}
