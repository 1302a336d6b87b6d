import CLibPQ
import Foundation

/// One PostgreSQL connection. Blocking: call it from a thread of the database pool, never from
/// Swift's cooperative executors, and from one thread at a time (the pool guarantees both).
public final class Connection: @unchecked Sendable {
    private let handle: OpaquePointer
    /// Statements that completed since the pool last handed this connection out.
    var statementsSinceLease = 0
    /// Statements prepared on this session, by SQL text: named queries are parsed and planned
    /// once per connection instead of once per call.
    private var prepared: [String: String] = [:]
    static let maxPreparedStatements = 500

    /// Whether the session plans prepared statements generically (`Query.Planning.generic`).
    private var genericPlans = false

    /// Set when the server ended the session (e.g. FATAL 57P01): libpq still reports the
    /// connection as OK until it reads end-of-file, but it must never be reused.
    private var serverEndedSession = false

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQfinish(handle)
    }

    /// Connects, or throws with libpq's message; the handle is freed on every path.
    public static func connect(_ configuration: DatabaseConfiguration) throws -> Connection {
        let parameters = configuration.parameters
        // libpq reads both arrays up to a NULL entry.
        let keys = parameters.map { strdup($0.key) } + [nil]
        let values = parameters.map { strdup($0.value) } + [nil]
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        let handle: OpaquePointer? = withCStringArray(keys) { keyPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keyPointers, valuePointers, 1)
            }
        }
        guard let handle else {
            throw DatabaseError(.connection, "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle)).trimmed
            PQfinish(handle)
            throw DatabaseError(.connection, "cannot connect to PostgreSQL (\(configuration)): \(message)")
        }
        // Notices (e.g. "does not exist, skipping") would go to stderr; they carry nothing we act on.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let connection = Connection(handle: handle)
        // Every session speaks UTC, so timestamps decode the same whatever the server's zone.
        // Index reads are priced for memory and SSD, not spinning disks (PostgreSQL's default of
        // 4 made the planner hash all 150,000 blocked links to find one vendor's 8,500).
        // No JIT compilation: it pays off for long analytic queries, and ours are short; a generic
        // plan's estimates (an API list by state: 7,390 rows for the 51 it reads) crossed its
        // threshold and each call compiled for 310 ms what ran in 3 (bench/RESULTS.md).
        try connection.execute(script: "SET TIME ZONE 'UTC'; SET random_page_cost = 1.1; SET jit = off", name: "session.setup")
        return connection
    }

    /// False once libpq has seen the connection break.
    public var isOpen: Bool { !serverEndedSession && PQstatus(handle) == CONNECTION_OK }

    /// Waits up to `milliseconds` for NOTIFY messages (after `LISTEN`) and returns how many
    /// arrived. Throws when the connection is lost, so a listener knows it heard nothing.
    package func waitForNotifications(milliseconds: Int32) throws -> Int {
        guard isOpen else { throw DatabaseError(.connection, "the listening connection is closed") }
        let socket = PQsocket(handle)
        guard socket >= 0 else { throw DatabaseError(.connection, "the listening connection has no socket") }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready < 0 && errno != EINTR { throw DatabaseError(.connection, "poll failed on the listening connection") }
        guard ready > 0 else { return 0 }
        guard PQconsumeInput(handle) == 1, isOpen else {
            throw DatabaseError(.connection, String(cString: PQerrorMessage(handle)).trimmed)
        }
        var count = 0
        while let notification = PQnotifies(handle) {
            PQfreemem(notification)
            count += 1
        }
        return count
    }

    /// Checks an idle connection without a round trip: a server that terminated this backend has
    /// already sent its FATAL message, so readable data on an idle socket means trouble.
    func isUsableAfterIdle() -> Bool {
        guard isOpen else { return false }
        let socket = PQsocket(handle)
        guard socket >= 0 else { return false }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, 0)
        if ready == 0 { return true }
        if ready < 0 { return false }
        // Read what arrived (a notice, or the termination) and look again.
        guard PQconsumeInput(handle) == 1 else { return false }
        return isOpen && PQisBusy(handle) == 0
    }

    /// Runs one statement with bound parameters and returns its rows. The statement is prepared
    /// on first use and reused afterwards (up to `maxPreparedStatements` per connection).
    @discardableResult
    public func query(_ query: Query) throws -> QueryResult {
        try self.query(query, whileRunning: {}).result
    }

    /// Sends one statement, runs `meanwhile` on this thread while the server executes it, then
    /// reads its result: a long statement and the building of the next one overlap (the adoption
    /// import writes its chunks so). Should `meanwhile` throw, the statement's result is read
    /// and discarded first, so the connection stays usable.
    public func query<Next>(_ query: Query, whileRunning meanwhile: () throws -> Next) throws -> (result: QueryResult, next: Next) {
        let (text, bindings) = query.sql.render()
        // Without parameters every plan is the generic one: such a statement, like an `.either`
        // one, runs in the session's mode as it is (the dashboard's change versions switched it
        // back and forth: 3.6 extra round trips a page).
        if !bindings.isEmpty && query.planning != .either {
            try planCacheMode(generic: query.planning == .generic, queryName: query.name)
        }
        let values = bindings.map { $0.map { strdup($0) } ?? nil }
        defer { values.forEach { free($0) } }
        // A NUL byte ends the C string early (found by strlen, not a substring search: Foundation's
        // `contains("\0")` was a tenth of a national import's time in the daemon).
        for (value, copy) in zip(bindings, values) where value.map({ $0.utf8.count }) != copy.map({ strlen($0) }) {
            throw DatabaseError(
                .invalidParameter, "text contains a NUL character, which PostgreSQL cannot store",
                queryName: query.name)
        }
        let count = Int32(bindings.count)
        let name = query.planning == .everyCall ? nil : try statementName(for: text, parameterCount: count, queryName: query.name)
        let sent = withCStringArray(values) { pointers in
            if let name { return PQsendQueryPrepared(handle, name, count, pointers, nil, nil, 0) }
            return PQsendQueryParams(handle, text, count, nil, pointers, nil, nil, 0)
        }
        guard sent == 1 else {
            throw DatabaseError(.connection, String(cString: PQerrorMessage(handle)).trimmed, queryName: query.name)
        }
        let next: Next
        do {
            next = try meanwhile()
        } catch {
            _ = try? result(queryName: query.name)
            throw error
        }
        return (try result(queryName: query.name), next)
    }

    /// The result of the statement sent last: the first of libpq's results, the rest (none for
    /// one statement) read until the end so the connection is ready for the next.
    private func result(queryName: String) throws -> QueryResult {
        var first: OpaquePointer?
        while let result = PQgetResult(handle) {
            if first == nil { first = result } else { PQclear(result) }
        }
        return try consume(first, queryName: queryName)
    }

    /// The prepared statement for `text`, preparing it now if needed; nil once the cache is full
    /// (rare, ad hoc shapes then run unprepared).
    private func statementName(for text: String, parameterCount: Int32, queryName: String) throws -> String? {
        if let name = prepared[text] { return name }
        guard prepared.count < Self.maxPreparedStatements else { return nil }
        let name = "council_\(prepared.count + 1)"
        let result = PQprepare(handle, name, text, parameterCount, nil)
        // A statement that fails to prepare (syntax, missing table) reports the same error it
        // would have reported when run; the count of completed statements is not changed.
        let before = statementsSinceLease
        _ = try consume(result, queryName: queryName)
        statementsSinceLease = before
        prepared[text] = name
        return name
    }

    /// Switches the session between generic plans and the server's default, between statements
    /// outside a transaction only (a transaction's statements, BEGIN included, run with the
    /// default, so a rollback cannot undo the switch behind our back). Not counted as a statement.
    private func planCacheMode(generic: Bool, queryName: String) throws {
        guard generic != genericPlans, PQtransactionStatus(handle) == PQTRANS_IDLE else { return }
        let result = PQexec(handle, generic ? "SET plan_cache_mode = force_generic_plan" : "RESET plan_cache_mode")
        let before = statementsSinceLease
        _ = try consume(result, queryName: queryName)
        statementsSinceLease = before
        genericPlans = generic
    }

    /// Runs a script of several statements without parameters (migrations, transaction control).
    public func execute(script: String, name: String) throws {
        try planCacheMode(generic: false, queryName: name)
        let result = PQexec(handle, script)
        _ = try consume(result, queryName: name)
    }

    /// Reads a result into Swift values and clears it on every path.
    private func consume(_ result: OpaquePointer?, queryName: String) throws -> QueryResult {
        guard let result else {
            throw DatabaseError(.connection, String(cString: PQerrorMessage(handle)).trimmed, queryName: queryName)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            statementsSinceLease += 1
            return Self.read(result, queryName: queryName)
        default:
            throw error(from: result, queryName: queryName)
        }
    }

    private static func read(_ result: OpaquePointer, queryName: String) -> QueryResult {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var values: [[String?]] = []
        values.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var rowValues: [String?] = []
            rowValues.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    rowValues.append(nil)
                } else {
                    rowValues.append(String(cString: PQgetvalue(result, row, column)))
                }
            }
            values.append(rowValues)
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return QueryResult(queryName: queryName, columns: columns, values: values, affectedRows: affected)
    }

    private func error(from result: OpaquePointer, queryName: String) -> DatabaseError {
        func field(_ code: Character) -> String? {
            guard let pointer = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: pointer)
        }
        let sqlState = field("C")
        let message = field("M") ?? String(cString: PQresultErrorMessage(result)).trimmed
        let kind: DatabaseError.Kind = (sqlState == nil && !isOpen) ? .connection : .query
        let error = DatabaseError(
            kind, message.isEmpty ? String(cString: PQerrorMessage(handle)).trimmed : message,
            sqlState: sqlState, detail: field("D"), hint: field("H"), constraint: field("n"),
            table: field("t"), column: field("c"), queryName: queryName)
        if error.isUnavailable { serverEndedSession = true }
        return error
    }
}

/// Passes an array of C strings (NULL entries allowed) to libpq as `const char * const *`.
private func withCStringArray<R>(_ strings: [UnsafeMutablePointer<CChar>?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    strings.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return body(nil) }
        return base.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
    }
}
