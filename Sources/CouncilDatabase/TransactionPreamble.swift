import NIOConcurrencyHelpers

/// Work that rides in the first transaction a task opens, right after its BEGIN, so it commits
/// or rolls back with that transaction (an `Idempotency-Key`'s claim rides in the handler's own
/// transaction instead of one of its own). Bound with `TransactionPreamble.$current.withValue`;
/// run at most once per binding — again only if the transaction that ran it rolled back.
public final class TransactionPreamble: Sendable {
    @TaskLocal public static var current: TransactionPreamble?

    private let work: @Sendable (Connection) throws -> Void
    private let committedOrRunning = NIOLockedValueBox(false)

    public init(_ work: @escaping @Sendable (Connection) throws -> Void) {
        self.work = work
    }

    /// Runs the work if no transaction has yet; true when this call ran it.
    func runIfFirst(on connection: Connection) throws -> Bool {
        let first = committedOrRunning.withLockedValue { taken in
            defer { taken = true }
            return !taken
        }
        guard first else { return false }
        do {
            try work(connection)
        } catch {
            rolledBack()
            throw error
        }
        return true
    }

    /// The transaction that ran the work rolled back: the next one runs it again.
    func rolledBack() {
        committedOrRunning.withLockedValue { $0 = false }
    }
}
