import Logging

/// A position in PostgreSQL's write-ahead log (`0/16B3748`): how far a write has gone, and how
/// far a standby has replayed.
public struct WALPosition: Sendable, Equatable, CustomStringConvertible {
    public let description: String

    /// Two hexadecimal numbers of up to 8 digits around a slash, as PostgreSQL prints a pg_lsn.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2,
            parts.allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy { $0.isHexDigit && $0.isASCII } })
        else { return nil }
        description = text.uppercased()
    }
}

/// Where the reads that may lag go (lists, searches, cross-reference views, exports): a
/// streaming standby when one is configured, else the primary. A caller who has just written
/// names the position of that write (`ReadPool.$after`, from the `Council-Read-After` header or
/// cookie): the standby serves it once it has replayed that far, waiting up to `maxWait`, else
/// the primary does — so nobody misses their own write. A standby that cannot be reached sends
/// its reads to the primary too.
public struct ReadPool: Sendable {
    @TaskLocal public static var after: WALPosition?

    public let primary: DatabasePool
    public let standby: DatabasePool?
    public let maxWait: Duration
    private let logger: Logger?

    public init(primary: DatabasePool, standby: DatabasePool? = nil, maxWait: Duration = .milliseconds(500), logger: Logger? = nil) {
        self.primary = primary
        self.standby = standby
        self.maxWait = maxWait
        self.logger = logger
    }

    private enum Attempt<Value: Sendable>: Sendable {
        case served(Value)
        case behind
    }

    public func withConnection<Result: Sendable>(_ body: @escaping @Sendable (Connection) throws -> Result) async throws -> Result {
        guard let standby else { return try await primary.withConnection(body) }
        let required = Self.after
        let deadline = ContinuousClock.now + maxWait
        while true {
            let attempt: Attempt<Result>
            do {
                attempt = try await standby.withConnection { connection in
                    if let required, try !Self.hasReplayed(required, on: connection) { return .behind }
                    return .served(try body(connection))
                }
            } catch let error as DatabaseError where error.isUnavailable {
                logger?.warning("standby unavailable, reading from the primary: \(error)")
                return try await primary.withConnection(body)
            }
            if case .served(let result) = attempt { return result }
            if ContinuousClock.now >= deadline { return try await primary.withConnection(body) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Whether this server holds everything up to `position`: a standby that replayed that far,
    /// or a server that is no standby at all.
    static func hasReplayed(_ position: WALPosition, on connection: Connection) throws -> Bool {
        try connection.query(
            Query(
                "replica.hasReplayed",
                """
                SELECT NOT pg_is_in_recovery() OR coalesce(pg_last_wal_replay_lsn() >= \(position.description)::pg_lsn, false) AS replayed
                """)
        ).single().decode("replayed")
    }

    /// How far the primary's log goes: past the commit record of every write that returned
    /// before this call. The insert position, not the write position: with asynchronous commit
    /// a commit record may still be in the WAL buffers.
    public func writtenPosition() async throws -> WALPosition? {
        try await primary.withConnection { connection in
            WALPosition(
                try connection.query(Query("replica.writtenPosition", "SELECT pg_current_wal_insert_lsn()::text AS lsn")).single().decode("lsn"))
        }
    }
}
