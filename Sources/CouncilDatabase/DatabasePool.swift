import Logging
import NIOConcurrencyHelpers
import NIOPosix
import ServiceLifecycle

/// A bounded pool of connections whose blocking libpq calls run on a dedicated thread pool.
/// It is a lifecycle service: it runs until graceful shutdown, then closes its connections,
/// so it must be listed before the HTTP server (services stop in reverse order).
public final class DatabasePool: Service, Sendable {
    public struct Options: Sendable {
        public var maxConnections: Int
        /// How long a caller waits for a free connection before getting `.poolTimeout`.
        public var leaseTimeout: Duration
        public init(maxConnections: Int = 4, leaseTimeout: Duration = .seconds(10)) {
            self.maxConnections = maxConnections
            self.leaseTimeout = leaseTimeout
        }
    }

    public let configuration: DatabaseConfiguration
    public let options: Options
    private let threads: NIOThreadPool
    private let state = NIOLockedValueBox(State())
    private let logger: Logger

    private struct Waiter {
        let id: Int
        let deadline: ContinuousClock.Instant
        /// Resumed with a connection, or with `nil`: "a slot is free, open a new one".
        let continuation: CheckedContinuation<Connection?, any Error>
    }

    private struct State {
        var idle: [Connection] = []
        var open = 0
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var closed = false
    }

    private enum Lease {
        case reuse(Connection)
        case create
        case wait
    }

    public init(configuration: DatabaseConfiguration, options: Options = .init(), logger: Logger) {
        precondition(options.maxConnections > 0)
        self.configuration = configuration
        self.options = options
        self.logger = logger
        self.threads = NIOThreadPool(numberOfThreads: options.maxConnections)
        self.threads.start()
        // One reaper times out waiting leases; a timer per waiter cost more than the query.
        let interval = min(Duration.milliseconds(50), options.leaseTimeout / 4)
        reaper = Task.detached { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                self?.expireWaiters()
            }
        }
    }

    private nonisolated(unsafe) var reaper: Task<Void, Never>?

    private func expireWaiters() {
        let now = ContinuousClock.now
        let expired = state.withLockedValue { state -> [Waiter] in
            let expired = state.waiters.filter { $0.deadline <= now }
            if !expired.isEmpty { state.waiters.removeAll { $0.deadline <= now } }
            return expired
        }
        for waiter in expired {
            waiter.continuation.resume(
                throwing: DatabaseError(
                    .poolTimeout, "no database connection became free within \(options.leaseTimeout)"))
        }
    }

    /// Runs `body` on a pooled connection, off the cooperative executors.
    ///
    /// A connection that the server closed while it sat idle (e.g. `pg_terminate_backend`) is
    /// replaced; if it breaks on the first statement of a lease, the body runs once more on a
    /// fresh connection, since nothing it sent took effect.
    public func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (Connection) throws -> Result
    ) async throws -> Result {
        var retried = false
        while true {
            let (connection, reused) = try await lease(fresh: retried)
            do {
                let result = try await threads.runIfActive { () throws -> Result in
                    connection.statementsSinceLease = 0
                    return try body(connection)
                }
                release(connection)
                return result
            } catch {
                let broken = !connection.isOpen
                let untouched = connection.statementsSinceLease == 0
                release(connection)
                if broken, reused, untouched, !retried {
                    retried = true
                    logger.warning("database connection was closed by the server; retrying on a new one")
                    continue
                }
                throw error
            }
        }
    }

    /// Runs `body` inside BEGIN … COMMIT, rolling back when it throws. With `retryable`, a
    /// serialization failure or deadlock re-runs the whole body (at most 3 attempts). With
    /// `rollback` (a dry run) the body's result is returned and its changes are rolled back.
    public func withTransaction<Result: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        retryable: Bool = false,
        rollback: Bool = false,
        _ body: @escaping @Sendable (Connection) throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                let preamble = TransactionPreamble.current
                return try await withConnection { connection in
                    try connection.execute(script: "BEGIN ISOLATION LEVEL \(isolation.rawValue)", name: "transaction.begin")
                    var ranPreamble = false
                    do {
                        ranPreamble = try preamble?.runIfFirst(on: connection) ?? false
                        let result = try body(connection)
                        try connection.execute(
                            script: rollback ? "ROLLBACK" : "COMMIT",
                            name: rollback ? "transaction.dryRun" : "transaction.commit")
                        if rollback && ranPreamble { preamble?.rolledBack() }
                        return result
                    } catch {
                        if connection.isOpen {
                            try? connection.execute(script: "ROLLBACK", name: "transaction.rollback")
                        }
                        if ranPreamble { preamble?.rolledBack() }
                        throw error
                    }
                }
            } catch let error as DatabaseError where retryable && error.isRetryableTransactionFailure && attempt < 3 {
                attempt += 1
                logger.debug("retrying transaction after \(error.sqlState ?? "")")
            }
        }
    }

    public enum IsolationLevel: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    /// Connections open now (idle or leased): for metrics and tests.
    public var openConnections: Int { state.withLockedValue { $0.open } }

    // MARK: Service

    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Refuses new leases, fails waiters and closes idle connections; leased ones close on return.
    public func close() async {
        reaper?.cancel()
        let (waiters, idle) = state.withLockedValue { state -> ([Waiter], [Connection]) in
            state.closed = true
            let waiters = state.waiters
            let idle = state.idle
            state.waiters = []
            state.idle = []
            state.open -= idle.count
            return (waiters, idle)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: DatabaseError(.poolClosed, "the database pool is shutting down"))
        }
        withExtendedLifetime(idle) {}  // PQfinish runs as the last reference goes
        try? await threads.shutdownGracefully()
    }

    // MARK: Leasing

    /// A connection; with `fresh`, a newly opened one (an idle one, which may have been ended by
    /// the same server event, is closed to make room).
    private func lease(fresh: Bool = false) async throws -> (Connection, reused: Bool) {
        var discarded: Connection?
        defer { withExtendedLifetime(discarded) {} }
        let decision = try state.withLockedValue { state -> Lease in
            if state.closed { throw DatabaseError(.poolClosed, "the database pool is shutting down") }
            if fresh, let connection = state.idle.popLast() {
                discarded = connection
                return .create
            }
            if let connection = state.idle.popLast() { return .reuse(connection) }
            if state.open < options.maxConnections {
                state.open += 1
                return .create
            }
            return .wait
        }
        switch decision {
        case .reuse(let connection):
            if connection.isUsableAfterIdle() { return (connection, true) }
            logger.info("discarding a pooled connection the server has closed")
            return (try await open(), false)
        case .create:
            return (try await open(), false)
        case .wait:
            if let connection = try await waitForConnection() {
                return (connection, true)
            }
            return (try await open(), false)
        }
    }

    /// Opens a connection for a slot already counted in `open`; gives the slot back on failure.
    private func open() async throws -> Connection {
        do {
            let configuration = self.configuration
            return try await threads.runIfActive { try Connection.connect(configuration) }
        } catch {
            freeSlot()
            throw error
        }
    }

    private func waitForConnection() async throws -> Connection? {
        let id = state.withLockedValue { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let deadline = ContinuousClock.now + options.leaseTimeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // Decided again under the lock that enqueues: a connection returned between `lease`
                // deciding to wait and this point went to the idle list, and nobody would wake us
                // for it (a waiter then sat out the whole lease timeout beside an idle connection).
                let outcome = state.withLockedValue { state -> Enqueued in
                    guard !state.closed else { return .closed }
                    if let connection = state.idle.popLast() { return .ready(connection) }
                    if state.open < options.maxConnections {
                        state.open += 1
                        return .slot
                    }
                    state.waiters.append(Waiter(id: id, deadline: deadline, continuation: continuation))
                    return .queued
                }
                switch outcome {
                case .closed: continuation.resume(throwing: DatabaseError(.poolClosed, "the database pool is shutting down"))
                case .ready(let connection): continuation.resume(returning: connection)
                case .slot: continuation.resume(returning: nil)
                case .queued: break
                }
            }
        } onCancel: {
            failWaiter(id, CancellationError())
        }
    }

    private enum Enqueued {
        case closed, ready(Connection), slot, queued
    }

    private func failWaiter(_ id: Int, _ error: any Error) {
        let waiter = state.withLockedValue { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    /// Returns a connection: to a waiter, to the idle list, or (when broken or closing) closes it.
    private func release(_ connection: Connection) {
        let usable = connection.isOpen
        let waiter = state.withLockedValue { state -> Waiter? in
            if usable, !state.closed {
                if !state.waiters.isEmpty { return state.waiters.removeFirst() }
                state.idle.append(connection)
                return nil
            }
            if !state.closed, !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.open -= 1
            return nil
        }
        // A broken connection's slot passes to the waiter as "open a new one".
        waiter?.continuation.resume(returning: usable ? connection : nil)
    }

    private func freeSlot() {
        let waiter = state.withLockedValue { state -> Waiter? in
            if !state.closed, !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.open -= 1
            return nil
        }
        waiter?.continuation.resume(returning: nil)
    }
}
