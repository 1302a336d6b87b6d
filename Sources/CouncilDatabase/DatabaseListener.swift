import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix

/// One connection that LISTENs on a channel until told to stop, on a thread of its own (libpq
/// blocks), reconnecting every second when the connection is lost. `onListening(true)` once
/// LISTEN took effect (anything read before may be stale), `onNotify` per batch of
/// notifications, `onListening(false)` when it stopped hearing.
package final class DatabaseListener: Sendable {
    private let configuration: DatabaseConfiguration
    private let channel: String
    private let logger: Logger
    private let thread = NIOThreadPool(numberOfThreads: 1)
    private let stopping = NIOLockedValueBox(false)

    package init(configuration: DatabaseConfiguration, channel: String, logger: Logger) {
        // Over TCP, a peer that vanished without a word is noticed within seconds, not hours.
        var listening = configuration
        listening.overrides += [("keepalives_idle", "5"), ("keepalives_interval", "2"), ("keepalives_count", "2")]
        self.configuration = listening
        self.channel = channel
        self.logger = logger
    }

    /// Listens until `stop` (called when `until` returns), then returns.
    package func run(
        until: @escaping @Sendable () async -> Void, onListening: @escaping @Sendable (Bool) -> Void,
        onNotify: @escaping @Sendable () -> Void
    ) async throws {
        thread.start()
        let loop = Task { try await thread.runIfActive { self.listen(onListening: onListening, onNotify: onNotify) } }
        await until()
        stopping.withLockedValue { $0 = true }
        _ = try? await loop.value
        try await thread.shutdownGracefully()
    }

    private var isStopping: Bool { stopping.withLockedValue { $0 } }

    private func listen(onListening: @Sendable (Bool) -> Void, onNotify: @Sendable () -> Void) {
        var listening = false
        while !isStopping {
            do {
                let connection = try Connection.connect(configuration)
                try connection.execute(script: "LISTEN \(channel)", name: "\(channel).listen")
                listening = true
                onListening(true)
                while !isStopping {
                    if try connection.waitForNotifications(milliseconds: 250) > 0 { onNotify() }
                }
                onListening(false)
                return
            } catch {
                if listening { logger.warning("listener on \(channel) lost its connection: \(error)") }
                listening = false
                onListening(false)
                for _ in 0..<4 where !isStopping {
                    usleep(250_000)
                }
            }
        }
    }
}
