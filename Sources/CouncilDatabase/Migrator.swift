import Foundation
import Logging

/// One numbered file of `sql/`, e.g. `0001_master_data.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Parses `NNNN_name.sql`.
    package init(file: String, sql: String) throws {
        let stem = file.hasSuffix(".sql") ? String(file.dropLast(4)) : file
        guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
            throw ConfigurationError("migration file '\(file)' must be named NNNN_name.sql")
        }
        self.init(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql)
    }

}

/// The state of one migration in a database.
public struct MigrationStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case applied
        case pending
        /// Applied, but the file has changed since.
        case modified
        /// Recorded in the database, unknown to this binary (a newer binary migrated it).
        case unknown
    }

    public let version: Int
    public let name: String
    public let state: State
    public let appliedAt: Date?
}

public struct MigrationError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Applies `sql/` in order, each file in its own transaction, recording it in
/// `schema_migrations`. An advisory lock serializes concurrent runners (two daemons starting).
public struct Migrator: Sendable {
    public let migrations: [Migration]
    private let logger: Logger

    /// Key of the session-level advisory lock held while migrating.
    static let lockKey = 0x636F_756E_6369_6C  // "council"

    public init(migrations: [Migration], logger: Logger) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies what is pending and returns the versions applied; refuses if an applied file changed.
    @discardableResult
    public func migrate(_ connection: Connection) throws -> [Int] {
        try connection.query(Query("migrations.lock", "SELECT pg_advisory_lock(\(Self.lockKey))"))
        defer { _ = try? connection.query(Query("migrations.unlock", "SELECT pg_advisory_unlock(\(Self.lockKey))")) }
        // Only when missing: the daemon's own role may not create tables (0014), and has nothing
        // to apply once the owner migrated.
        if try !ledgerExists(connection) { try connection.execute(script: Self.ledgerDDL, name: "migrations.ledger") }

        let statuses = try status(connection)
        if let modified = statuses.first(where: { $0.state == .modified }) {
            throw MigrationError(
                description: """
                    migration \(String(format: "%04d", modified.version))_\(modified.name).sql was changed after it \
                    was applied (checksum differs); restore the file and add a new migration instead
                    """)
        }
        var applied: [Int] = []
        for migration in migrations where statuses.contains(where: { $0.version == migration.version && $0.state == .pending }) {
            try apply(migration, on: connection)
            applied.append(migration.version)
        }
        return applied
    }

    /// Every known or recorded migration and its state, without changing anything.
    public func status(_ connection: Connection) throws -> [MigrationStatus] {
        var recorded: [Int: (name: String, matches: Bool, appliedAt: Date)] = [:]
        if try ledgerExists(connection) {
            let result = try connection.query(
                Query(
                    "migrations.recorded",
                    """
                    SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version
                    """))
            let expected = try checksums(connection)
            for row in result.rows {
                let version: Int = try row.decode("version")
                let checksum: String = try row.decode("checksum")
                recorded[version] = (
                    try row.decode("name"), expected[version].map { $0 == checksum } ?? true,
                    try row.decode("applied_at")
                )
            }
        }
        var statuses = migrations.map { migration -> MigrationStatus in
            guard let record = recorded[migration.version] else {
                return MigrationStatus(version: migration.version, name: migration.name, state: .pending, appliedAt: nil)
            }
            return MigrationStatus(
                version: migration.version, name: migration.name,
                state: record.matches ? .applied : .modified, appliedAt: record.appliedAt)
        }
        for (version, record) in recorded where !migrations.contains(where: { $0.version == version }) {
            statuses.append(MigrationStatus(version: version, name: record.name, state: .unknown, appliedAt: record.appliedAt))
        }
        return statuses.sorted { $0.version < $1.version }
    }

    /// True when every migration this binary knows is applied unchanged.
    public func isUpToDate(_ connection: Connection) throws -> Bool {
        try status(connection).allSatisfy { $0.state == .applied || $0.state == .unknown }
    }

    private func apply(_ migration: Migration, on connection: Connection) throws {
        let started = ContinuousClock.now
        try connection.execute(script: "BEGIN", name: "migrations.begin")
        do {
            try connection.execute(script: migration.sql, name: "migration \(migration.version)_\(migration.name)")
            try connection.query(
                Query(
                    "migrations.record",
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), encode(sha256(convert_to(\(migration.sql)::text, 'UTF8')), 'hex'))
                    """))
            try connection.execute(script: "COMMIT", name: "migrations.commit")
        } catch {
            try? connection.execute(script: "ROLLBACK", name: "migrations.rollback")
            throw error
        }
        logger.info("applied migration \(migration.version)_\(migration.name) in \(ContinuousClock.now - started)")
    }

    /// The SHA-256 of each known file, computed by the server so no crypto library is needed.
    private func checksums(_ connection: Connection) throws -> [Int: String] {
        let result = try connection.query(
            Query(
                "migrations.checksums",
                """
                SELECT v.version, encode(sha256(convert_to(v.sql, 'UTF8')), 'hex') AS checksum
                FROM unnest(\(migrations.map(\.version))::int[], \(migrations.map(\.sql))::text[]) AS v(version, sql)
                """))
        var sums: [Int: String] = [:]
        for row in result.rows {
            sums[try row.decode("version")] = try row.decode("checksum")
        }
        return sums
    }

    private func ledgerExists(_ connection: Connection) throws -> Bool {
        try connection.query(Query("migrations.ledgerExists", "SELECT to_regclass('schema_migrations') IS NOT NULL AS present"))
            .single().decode("present")
    }

    static let ledgerDDL = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            checksum   text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """
}
