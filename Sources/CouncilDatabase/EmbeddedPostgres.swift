import Foundation
import Logging

/// A private PostgreSQL cluster in a directory of ours, run with the PostgreSQL binaries found on
/// the machine, reachable only through a unix socket in that directory. When we run as root it
/// runs as the `postgres` user (PostgreSQL refuses root). Data survives restarts.
public struct EmbeddedPostgres: Sendable {
    public enum Durability: Sendable {
        /// fsync on: for the real daemon.
        case durable
        /// fsync off: only for throwaway test clusters.
        case throwaway
    }

    public let directory: URL
    public let durability: Durability
    public let databaseName: String
    private let logger: Logger

    public init(directory: URL, durability: Durability = .durable, databaseName: String = "council", logger: Logger) {
        self.directory = directory.standardizedFileURL
        self.durability = durability
        self.databaseName = databaseName
        self.logger = logger
    }

    var dataDirectory: URL { directory.appending(path: "data") }
    var logFile: URL { directory.appending(path: "postgresql.log") }
    /// unix socket paths are limited to 107 bytes; a deep directory gets a short one under /tmp.
    var socketDirectory: URL {
        let preferred = directory.appending(path: "run")
        if preferred.path.utf8.count + "/.s.PGSQL.5432".utf8.count < 100 { return preferred }
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in directory.path.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return URL(fileURLWithPath: "/tmp/council-pg-\(String(hash, radix: 36))")
    }

    /// Connection settings for a database of this cluster: as its owner (`postgres`, for
    /// migrations and maintenance) unless another role is named (`DaemonRole.embeddedLogin`).
    public func configuration(database: String? = nil, user: String = "postgres") throws -> DatabaseConfiguration {
        try DatabaseConfiguration("host=\(socketDirectory.path) port=5432 user=\(user) dbname=\(database ?? databaseName)")
    }

    /// Starts the cluster (creating it on first use) unless it already runs, and makes sure the
    /// database exists. Returns whether this call started it, so the caller knows to stop it.
    @discardableResult
    public func start() throws -> Bool {
        let binaries = try PostgresBinaries.locate()
        let runAs = try RunAsUser.forPostgres()
        try prepareDirectories(owner: runAs)
        if !FileManager.default.fileExists(atPath: dataDirectory.appending(path: "PG_VERSION").path) {
            logger.info("creating PostgreSQL cluster in \(dataDirectory.path)")
            var arguments = ["-D", dataDirectory.path, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]
            if durability == .throwaway { arguments.append("--no-sync") }
            try runAs.run(binaries.initdb, arguments)
        }
        if try isRunning(binaries, runAs) {
            logger.info("reusing the PostgreSQL cluster already running in \(dataDirectory.path)")
            try ensureDatabase()
            return false
        }
        var serverOptions = "-p 5432 -k \(socketDirectory.path) -c listen_addresses=''"
        if durability == .throwaway {
            // Tests run many pools and daemons at once, all as the daemon's (non-superuser) role,
            // which cannot use the slots kept for superusers: room for them all.
            serverOptions += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        }
        try runAs.run(binaries.pgCtl, ["-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60", "-o", serverOptions, "start"])
        logger.info("started PostgreSQL in \(dataDirectory.path), socket in \(socketDirectory.path)")
        try ensureDatabase()
        return true
    }

    /// Stops the cluster (fast shutdown: open sessions are ended, committed data is kept).
    public func stop() throws {
        let binaries = try PostgresBinaries.locate()
        let runAs = try RunAsUser.forPostgres()
        guard try isRunning(binaries, runAs) else { return }
        try runAs.run(binaries.pgCtl, ["-D", dataDirectory.path, "-m", "fast", "-w", "-t", "60", "stop"])
        logger.info("stopped PostgreSQL in \(dataDirectory.path)")
    }

    private func isRunning(_ binaries: PostgresBinaries, _ runAs: RunAsUser) throws -> Bool {
        // pg_ctl status: 0 running, 3 not running, 4 no data directory.
        try runAs.run(binaries.pgCtl, ["-D", dataDirectory.path, "status"], acceptedStatuses: [0, 3, 4]) == 0
    }

    private func prepareDirectories(owner: RunAsUser) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try PrivateDirectory.prepare(socketDirectory, owner: owner)
        try owner.takeOwnership(of: [directory, socketDirectory])
    }

    private func ensureDatabase() throws {
        let connection = try Connection.connect(try configuration(database: "postgres"))
        let exists = try connection.query(
            Query(
                "embedded.databaseExists", "SELECT count(*) AS n FROM pg_database WHERE datname = \(databaseName)"))
        if try exists.single().decode("n", as: Int.self) == 0 {
            let quoted = "\"" + databaseName.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            try connection.execute(script: "CREATE DATABASE \(quoted)", name: "embedded.createDatabase")
        }
    }
}

/// initdb and pg_ctl, from `pg_config --bindir`, PATH, or the newest `/usr/lib/postgresql/*/bin`.
struct PostgresBinaries {
    let initdb: String
    let pgCtl: String

    static func locate() throws -> PostgresBinaries {
        var candidates: [String] = []
        if let bindir = try? ProcessRunner.output("pg_config", ["--bindir"]) { candidates.append(bindir.trimmed) }
        candidates += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.compactMap(Int.init).sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
        for directory in candidates {
            let initdb = directory + "/initdb", pgCtl = directory + "/pg_ctl"
            if FileManager.default.isExecutableFile(atPath: initdb), FileManager.default.isExecutableFile(atPath: pgCtl) {
                return PostgresBinaries(initdb: initdb, pgCtl: pgCtl)
            }
        }
        throw ConfigurationError(
            """
            no PostgreSQL server binaries (initdb, pg_ctl) found via pg_config, PATH or /usr/lib/postgresql/*/bin; \
            install them (apt-get install -y postgresql) or set DATABASE_URL
            """)
    }
}

/// Runs PostgreSQL's programs as ourselves, or as `postgres` through runuser when we are root.
struct RunAsUser {
    let user: String?

    static func forPostgres() throws -> RunAsUser {
        guard geteuid() == 0 else { return RunAsUser(user: nil) }
        let name = ProcessInfo.processInfo.environment["COUNCIL_PG_USER"] ?? "postgres"
        guard getpwnam(name) != nil else {
            throw ConfigurationError("running as root, but there is no '\(name)' user to run PostgreSQL as (set COUNCIL_PG_USER)")
        }
        return RunAsUser(user: name)
    }

    /// The uid PostgreSQL's processes run as.
    var uid: uid_t { user.flatMap { getpwnam($0)?.pointee.pw_uid } ?? geteuid() }

    /// Gives the directories themselves (not what they hold: initdb and the server create their
    /// files as `user`) to `user`; `-h` changes a symlink, never what it points to.
    func takeOwnership(of urls: [URL]) throws {
        guard let user else { return }
        for url in urls {
            try ProcessRunner.run("/bin/chown", ["-h", "\(user):", url.path])
        }
        // The server must be able to reach its directory through every parent.
        let probe = urls[0].path
        if (try? run("/usr/bin/test", ["-w", probe], acceptedStatuses: [0])) == nil {
            throw ConfigurationError(
                """
                the '\(user)' user cannot reach \(probe) (a parent directory is not searchable by it); \
                choose another data directory with --data-dir (e.g. /var/lib/council)
                """)
        }
    }

    @discardableResult
    func run(_ program: String, _ arguments: [String], acceptedStatuses: Set<Int32> = [0]) throws -> Int32 {
        if let user {
            return try ProcessRunner.run("/usr/sbin/runuser", ["-u", user, "--", program] + arguments, acceptedStatuses: acceptedStatuses)
        }
        return try ProcessRunner.run(program, arguments, acceptedStatuses: acceptedStatuses)
    }
}

/// The socket directory: where anyone on the machine could have made it first (a short path under
/// /tmp), it is used only if it is a real directory (not a symlink) of ours or of PostgreSQL's
/// user that nobody else can enter; otherwise it is made afresh, mode 0700.
enum PrivateDirectory {
    static func prepare(_ url: URL, owner: RunAsUser) throws {
        var info = stat()
        if lstat(url.path, &info) != 0 {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            // mkdir fails if something appeared meanwhile; then it is checked like any other.
            if mkdir(url.path, 0o700) == 0 { return }
            guard lstat(url.path, &info) == 0 else { throw ConfigurationError("cannot create \(url.path): \(String(cString: strerror(errno)))") }
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw ConfigurationError("\(url.path) exists and is not a directory (a symlink?); remove it or choose another --data-dir")
        }
        guard info.st_uid == geteuid() || info.st_uid == owner.uid else {
            throw ConfigurationError("\(url.path) belongs to another user (uid \(info.st_uid)); remove it or choose another --data-dir")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw ConfigurationError(
                "\(url.path) is open to other users (mode \(String(info.st_mode & 0o777, radix: 8))); remove it or choose another --data-dir")
        }
    }
}
