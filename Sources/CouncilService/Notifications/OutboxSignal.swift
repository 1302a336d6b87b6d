import CouncilDatabase
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Wakes whoever waits for new outbox events (the delivery workers, the event streams) when a
/// transaction that wrote some commits: sql/0022 notifies `council_outbox`, any daemon's change
/// included. Waiters also wake on their own timeout, so nothing depends on a notification
/// arriving; without the listener they simply poll.
package final class OutboxSignal: Service, Sendable {
    static let channel = "council_outbox"

    private struct State {
        var generation: UInt64 = 0
        var listening = false
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = NIOLockedValueBox(State())
    private let listener: DatabaseListener?

    /// Listens on the database; `nil` configuration: only local `notify()` calls wake waiters.
    package init(configuration: DatabaseConfiguration?, logger: Logger) {
        listener = configuration.map { DatabaseListener(configuration: $0, channel: Self.channel, logger: logger) }
    }

    var generation: UInt64 { state.withLockedValue { $0.generation } }

    /// Whether notifications arrive now; while not, waiters must poll.
    var isListening: Bool { state.withLockedValue { $0.listening } }

    /// Wakes every waiter.
    func notify() {
        let waiters = state.withLockedValue { state in
            state.generation &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the generation moved past `generation` (read before looking at the outbox, so
    /// no notification falls between), after `timeout`, or when the task is cancelled.
    func wait(since generation: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForNotification(since: generation) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForNotification(since generation: UInt64) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLockedValue { state -> Bool in
                    if state.generation != generation || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLockedValue { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    package func run() async throws {
        guard let listener else {
            try? await gracefulShutdown()
            return
        }
        // (Re)connecting wakes everyone too: a notification may have been missed meanwhile.
        try await listener.run(
            until: { try? await gracefulShutdown() },
            onListening: { listening in
                self.state.withLockedValue { $0.listening = listening }
                self.notify()
            }, onNotify: { self.notify() })
    }
}
