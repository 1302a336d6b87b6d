/// A failure from PostgreSQL or from the client side of the connection, with the context
/// needed to act on it: SQLSTATE, constraint, and the name of the query that failed.
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// Could not connect, or the connection broke.
        case connection
        /// The server rejected the statement.
        case query
        /// A value could not be bound (e.g. text containing NUL, which PostgreSQL cannot store).
        case invalidParameter
        /// A result value did not decode as the expected type.
        case decoding
        /// No connection became free within the lease timeout.
        case poolTimeout
        /// The pool is shutting down or closed.
        case poolClosed
    }

    public var kind: Kind
    public var message: String
    public var sqlState: String?
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    public var queryName: String?

    public init(
        _ kind: Kind, _ message: String, sqlState: String? = nil, detail: String? = nil,
        hint: String? = nil, constraint: String? = nil, table: String? = nil, column: String? = nil,
        queryName: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.queryName = queryName
    }

    public var description: String {
        var text = "database error"
        if let queryName { text += " in query '\(queryName)'" }
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        text += ": \(message)"
        if let detail { text += " (detail: \(detail))" }
        if let constraint { text += " (constraint: \(constraint))" }
        return text
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    public var isCheckViolation: Bool { sqlState == "23514" }
    /// 40001 serialization failure, 40P01 deadlock: the transaction may be retried as a whole.
    public var isRetryableTransactionFailure: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// The server or the link to it is unavailable (as opposed to a bad statement).
    public var isUnavailable: Bool {
        switch kind {
        case .connection, .poolTimeout, .poolClosed: return true
        default: break
        }
        guard let sqlState else { return false }
        // 08: connection exception, 57P01-03: admin/crash shutdown, cannot connect now.
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }
}
