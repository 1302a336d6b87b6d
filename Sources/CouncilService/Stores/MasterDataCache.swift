import CouncilDatabase
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// The JSON of single municipalities, kept in memory: national master data changes only when
/// MIC's list is imported, and `GET /v1/municipalities/{code}` is the most frequent lookup.
///
/// Exactness: a copy is used only while this daemon is listening on `council_master_data`
/// (sql/0011 notifies on every committed change of `municipalities`, from any daemon or any
/// other client); a notification, a local import and every (re)connection of the listener drop
/// all copies. A copy is kept only if no drop happened while it was being read, so nothing read
/// before a change outlives that change's notification. While the listener is down the cache is
/// not used at all.
package final class MasterDataCache: Service, Sendable {
    static let channel = "council_master_data"

    private struct State {
        var listening = false
        var generation: UInt64 = 0
        var entries: [String: ByteBuffer] = [:]
    }

    private let state = NIOLockedValueBox(State())
    private let listener: DatabaseListener

    package init(configuration: DatabaseConfiguration, logger: Logger) {
        listener = DatabaseListener(configuration: configuration, channel: Self.channel, logger: logger)
    }

    /// The current generation, to pass back to `store` after reading the database.
    var generation: UInt64 { state.withLockedValue { $0.generation } }

    var isListening: Bool { state.withLockedValue { $0.listening } }

    func lookup(_ key: String) -> ByteBuffer? {
        state.withLockedValue { $0.listening ? $0.entries[key] : nil }
    }

    /// Keeps `body` if nothing was dropped since `generation` was read (before the database).
    func store(_ key: String, _ body: ByteBuffer, readAt generation: UInt64) {
        state.withLockedValue { state in
            guard state.listening, state.generation == generation else { return }
            if state.entries.count >= 8192 { state.entries.removeAll() }
            state.entries[key] = body
        }
    }

    /// Drops every copy: after a change this daemon committed, on a notification, on reconnecting.
    func invalidate() {
        state.withLockedValue { Self.dropAll(&$0) }
    }

    private func setListening(_ listening: Bool) {
        state.withLockedValue { state in
            state.listening = listening
            Self.dropAll(&state)
        }
    }

    private static func dropAll(_ state: inout State) {
        state.generation &+= 1
        state.entries.removeAll()
    }

    /// Listens until graceful shutdown, reconnecting (every second) when the connection is lost.
    package func run() async throws {
        try await listener.run(
            until: { try? await gracefulShutdown() }, onListening: { self.setListening($0) }, onNotify: { self.invalidate() })
    }
}
