import NIOConcurrencyHelpers
import ServiceLifecycle

/// Whether the daemon is draining: once graceful shutdown starts, readiness answers 503 so a
/// load balancer stops sending traffic while in-flight requests finish.
package final class ServerState: Sendable {
    private let draining = NIOLockedValueBox(false)

    package init() {}

    package var isDraining: Bool { draining.withLockedValue { $0 } }

    func beginDraining() { draining.withLockedValue { $0 = true } }
}

/// The last service of the group, so it is the first told to shut down: it flips readiness
/// before the HTTP server starts draining, then returns to let the server's shutdown begin.
package struct DrainSignalService: Service {
    let state: ServerState

    package init(state: ServerState) {
        self.state = state
    }

    package func run() async throws {
        try? await gracefulShutdown()
        state.beginDraining()
    }
}
