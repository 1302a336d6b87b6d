import CouncilDatabase
import Foundation
import Logging

/// Settings as given on the command line; nil means "not given, use the environment or default".
package struct DaemonSettings: Sendable {
    package var host: String?
    package var port: String?
    package var databaseURL: String?
    package var dataDirectory: String?
    package var poolSize: String?
    package var logLevel: String?
    package var maxAttachmentMB: String?
    package var publicURL: String?
    package var replicaURL: String?
    package var webhookAllow: String?
    package var eventRetentionDays: String?

    package init(
        host: String? = nil, port: String? = nil, databaseURL: String? = nil, dataDirectory: String? = nil,
        poolSize: String? = nil, logLevel: String? = nil, maxAttachmentMB: String? = nil, publicURL: String? = nil,
        replicaURL: String? = nil, webhookAllow: String? = nil, eventRetentionDays: String? = nil
    ) {
        self.replicaURL = replicaURL
        self.webhookAllow = webhookAllow
        self.eventRetentionDays = eventRetentionDays
        self.maxAttachmentMB = maxAttachmentMB
        self.publicURL = publicURL
        self.host = host
        self.port = port
        self.databaseURL = databaseURL
        self.dataDirectory = dataDirectory
        self.poolSize = poolSize
        self.logLevel = logLevel
    }
}

/// The daemon's configuration, read in one place from flags, then environment, then defaults.
/// Anything unusable fails at once with the flag or variable named.
package struct DaemonConfiguration: Sendable {
    package enum Database: Sendable {
        case url(DatabaseConfiguration)
        /// No DATABASE_URL: a private cluster in this directory.
        case embedded(directory: URL)
    }

    package static let defaultPort = 8080
    package static let defaultDataDirectory = ".council"

    package var address: ServerAddress
    package var database: Database
    package var poolSize: Int
    package var logLevel: Logger.Level
    /// The largest attachment accepted, in bytes (`COUNCIL_MAX_ATTACHMENT_MB`, 20 by default).
    package var maxAttachmentSize: Int
    /// The address people open (`COUNCIL_PUBLIC_URL`, default http://HOST:PORT): links the
    /// daemon hands out use it, and an https one makes cookies `Secure`.
    package var publicURL: String
    /// A streaming standby of the database (`COUNCIL_REPLICA_URL`) for lists, searches, views
    /// and exports; nil: everything reads the primary.
    package var replica: DatabaseConfiguration?
    /// Webhook targets and timings: the operator's allow-list of private targets
    /// (`COUNCIL_WEBHOOK_ALLOW`), how long delivered events are kept (`COUNCIL_EVENT_RETENTION_DAYS`, 30).
    package var notifications: NotificationSettings

    package init(settings: DaemonSettings, environment: [String: String]) throws {
        func pick(_ flag: String?, _ flagName: String, _ variable: String) -> (value: String, source: String)? {
            if let flag { return (flag, flagName) }
            if let value = environment[variable], !value.isEmpty { return (value, variable) }
            return nil
        }
        let host = pick(settings.host, "--host", "COUNCIL_HOST")?.value ?? "127.0.0.1"
        var port = Self.defaultPort
        if let (text, source) = pick(settings.port, "--port", "COUNCIL_PORT") {
            guard let value = Int(text), (0...65535).contains(value) else {
                throw ConfigurationError("\(source): '\(text)' is not a port number (0-65535)")
            }
            port = value
        }
        address = ServerAddress(host: host, port: port)

        if let (url, source) = pick(settings.databaseURL, "--database-url", "DATABASE_URL") {
            do {
                database = .url(try DatabaseConfiguration(url))
            } catch let error as ConfigurationError {
                throw ConfigurationError(error.description.replacingOccurrences(of: "DATABASE_URL", with: source))
            }
        } else {
            let path = pick(settings.dataDirectory, "--data-dir", "COUNCIL_DATA_DIR")?.value ?? Self.defaultDataDirectory
            database = .embedded(directory: URL(fileURLWithPath: path))
        }

        if let (url, source) = pick(settings.replicaURL, "--replica-url", "COUNCIL_REPLICA_URL") {
            do {
                replica = try DatabaseConfiguration(url)
            } catch let error as ConfigurationError {
                throw ConfigurationError(error.description.replacingOccurrences(of: "DATABASE_URL", with: source))
            }
        }

        poolSize = 4
        if let (text, source) = pick(settings.poolSize, "--pool-size", "COUNCIL_POOL_SIZE") {
            guard let value = Int(text), (1...64).contains(value) else {
                throw ConfigurationError("\(source): '\(text)' is not a pool size from 1 to 64")
            }
            poolSize = value
        }

        logLevel = .info
        if let (text, source) = pick(settings.logLevel, "--log-level", "COUNCIL_LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw ConfigurationError("\(source): '\(text)' is not one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            logLevel = level
        }

        maxAttachmentSize = AttachmentRoutes.defaultMaxSize
        if let (text, source) = pick(settings.maxAttachmentMB, "--max-attachment-mb", "COUNCIL_MAX_ATTACHMENT_MB") {
            guard let value = Int(text), (1...1_000).contains(value) else {
                throw ConfigurationError("\(source): '\(text)' is not a size in MB from 1 to 1000")
            }
            maxAttachmentSize = value * 1_000_000
        }

        publicURL = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        if let (text, source) = pick(settings.publicURL, "--public-url", "COUNCIL_PUBLIC_URL") {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil,
                url.query == nil, url.fragment == nil
            else {
                throw ConfigurationError("\(source): '\(text)' is not an http:// or https:// address such as https://council.example.go.jp")
            }
            publicURL = text.hasSuffix("/") ? String(text.dropLast()) : text
        }

        notifications = NotificationSettings()
        if let (text, source) = pick(settings.webhookAllow, "--webhook-allow", "COUNCIL_WEBHOOK_ALLOW") {
            do {
                notifications.targets = WebhookTargetPolicy(allowList: try WebhookTargetPolicy.parse(text))
            } catch let error as ConfigurationError {
                throw ConfigurationError("\(source): \(error.description)")
            }
        }
        if let (text, source) = pick(settings.eventRetentionDays, "--event-retention-days", "COUNCIL_EVENT_RETENTION_DAYS") {
            guard let days = Int(text), (1...3650).contains(days) else {
                throw ConfigurationError("\(source): '\(text)' is not a number of days from 1 to 3650")
            }
            notifications.retention = .seconds(days * 24 * 3600)
        }
        // Environment only: a password on the command line would show in `ps`.
        if let text = environment["COUNCIL_SMTP_URL"], !text.isEmpty {
            do {
                notifications.mail = MailSettings(relay: try MailRelay(url: text))
            } catch let error as ConfigurationError {
                throw ConfigurationError("COUNCIL_SMTP_URL: \(error.description)")
            }
            if let path = environment["COUNCIL_SMTP_CA"], !path.isEmpty {
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw ConfigurationError("COUNCIL_SMTP_CA: cannot read \(path)")
                }
                notifications.mail?.trustRoots = path
            }
            if let from = environment["COUNCIL_MAIL_FROM"], !from.isEmpty {
                guard EmailAddress(rawValue: from) != nil else { throw ConfigurationError("COUNCIL_MAIL_FROM: '\(from)' is not an e-mail address") }
                notifications.mail?.from = from
            }
        }
    }
}
