import Foundation
import Testing

@testable import CouncilDatabase
@testable import CouncilService

@Suite struct ConfigurationTests {
    @Test func defaultsGiveAnEmbeddedDatabaseOnLocalhost() throws {
        let configuration = try DaemonConfiguration(settings: DaemonSettings(), environment: [:])
        #expect(configuration.address == ServerAddress(host: "127.0.0.1", port: 8080))
        #expect(configuration.poolSize == 4)
        #expect(configuration.logLevel == .info)
        #expect(configuration.maxAttachmentSize == 20_000_000)
        guard case .embedded(let directory) = configuration.database else {
            Issue.record("expected the embedded database")
            return
        }
        #expect(directory.lastPathComponent == ".council")
        #expect(configuration.replica == nil)
    }

    @Test func environmentIsReadAndFlagsWin() throws {
        let environment = [
            "COUNCIL_HOST": "0.0.0.0", "COUNCIL_PORT": "9000", "DATABASE_URL": "postgres://u@h/db",
            "COUNCIL_POOL_SIZE": "8", "COUNCIL_LOG_LEVEL": "DEBUG", "COUNCIL_MAX_ATTACHMENT_MB": "50",
        ]
        let fromEnvironment = try DaemonConfiguration(settings: DaemonSettings(), environment: environment)
        #expect(fromEnvironment.address == ServerAddress(host: "0.0.0.0", port: 9000))
        #expect(fromEnvironment.poolSize == 8 && fromEnvironment.logLevel == .debug)
        #expect(fromEnvironment.maxAttachmentSize == 50_000_000)
        guard case .url(let url) = fromEnvironment.database else {
            Issue.record("expected DATABASE_URL to be used")
            return
        }
        #expect(url.description == "host=h dbname=db user=u")
        let flagged = try DaemonConfiguration(settings: DaemonSettings(port: "9001", dataDirectory: "/x"), environment: environment)
        #expect(flagged.address.port == 9001)
    }

    @Test func badValuesFailNamingTheSetting() {
        let cases: [(DaemonSettings, [String: String], String)] = [
            (DaemonSettings(), ["COUNCIL_PORT": "http"], "COUNCIL_PORT"),
            (DaemonSettings(port: "70000"), [:], "--port"),
            (DaemonSettings(), ["COUNCIL_POOL_SIZE": "0"], "COUNCIL_POOL_SIZE"),
            (DaemonSettings(), ["COUNCIL_LOG_LEVEL": "loud"], "COUNCIL_LOG_LEVEL"),
            (DaemonSettings(), ["DATABASE_URL": "postgres://h:port/db"], "DATABASE_URL"),
            (DaemonSettings(databaseURL: "no equals sign"), [:], "--database-url"),
            (DaemonSettings(), ["COUNCIL_MAX_ATTACHMENT_MB": "0"], "COUNCIL_MAX_ATTACHMENT_MB"),
            (DaemonSettings(maxAttachmentMB: "lots"), [:], "--max-attachment-mb"),
            (DaemonSettings(), ["COUNCIL_REPLICA_URL": "postgres://h:port/db"], "COUNCIL_REPLICA_URL"),
            (DaemonSettings(replicaURL: "no equals sign"), [:], "--replica-url"),
        ]
        for (settings, environment, named) in cases {
            let error = #expect(throws: ConfigurationError.self) {
                try DaemonConfiguration(settings: settings, environment: environment)
            }
            #expect(error?.description.contains(named) == true, "\(String(describing: error)) should name \(named)")
        }
    }
}
