import CouncilDatabase
import Logging
import ServiceLifecycle

/// Deletes sessions that ended by time and sign-in failures that no longer count, every ten
/// minutes. Both are already ignored when read; this only keeps the tables small. Any daemon may
/// do it, so several daemons doing it at once is harmless.
package struct SignInHousekeeping: Service {
    let pool: DatabasePool
    let logger: Logger
    let interval: Duration

    package init(pool: DatabasePool, logger: Logger, interval: Duration = .seconds(600)) {
        self.pool = pool
        self.logger = logger
        self.interval = interval
    }

    package func run() async throws {
        let sessions = SessionStore(pool: pool)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let ended = try await sessions.pruneExpired()
                try await SignIn.pruneFailures(pool)
                if ended > 0 { logger.debug("deleted \(ended) ended sessions") }
            } catch {
                logger.warning("sign-in housekeeping failed (retried later): \(error)")
            }
            // A SIGTERM ends the wait at once, so the daemon stops without waiting for it.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
