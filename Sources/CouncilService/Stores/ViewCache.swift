import CouncilDatabase
import NIOConcurrencyHelpers

/// Computed read-only views (who blocks whom, reports) kept while the data they come from is
/// unchanged. Validity is decided by the database: `sql/0008_change_counters.sql` bumps a
/// counter on every committed change of the tables these views read, so each request reads the
/// counters (one small query) and a cached view is used only when they have not moved. Several
/// daemons each keep their own cache, all validated the same way.
final class ViewCache: Sendable {
    private struct Entry {
        let version: Int64
        let value: any Sendable
    }

    private let entries = NIOLockedValueBox([String: Entry]())
    private let capacity: Int

    /// Room for every 団体's view (1,788), every vendor's and the common groupings at once.
    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    static let versionQuery = Query("viewCache.version", "SELECT sum(value)::bigint AS version FROM change_counters")

    /// The change version now (committed changes only).
    static func version(on connection: Connection) throws -> Int64 {
        try connection.query(Self.versionQuery).single().decode("version")
    }

    /// The entry under `key` when it was stored at `version`.
    func lookup<Value: Sendable>(_ key: String, version: Int64, as type: Value.Type) -> Value? {
        guard let entry = entries.withLockedValue({ $0[key] }), entry.version == version else { return nil }
        return entry.value as? Value
    }

    func store(_ key: String, version: Int64, _ value: any Sendable) {
        entries.withLockedValue { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.version == version }
                if entries.count >= capacity { entries.removeAll() }
            }
            entries[key] = Entry(version: version, value: value)
        }
    }

    /// The view under `key`: cached if computed at the current version, else computed on the
    /// same connection. The version is read before computing, so what is stored is at least as
    /// new as the version it is stored under.
    ///
    /// One computation per key and version at a time: requests that ask meanwhile wait for it
    /// rather than computing it again (after a change, every open dashboard asks at once for a
    /// national view that takes seconds). A waiter whose computation failed computes its own.
    func value<Value: Sendable>(_ key: String, on connection: Connection, compute: () throws -> Value) throws -> Value {
        let version = try Self.version(on: connection)
        if let value = lookup(key, version: version, as: Value.self) { return value }
        let (flight, leads) = flights.withLockedValue { flights -> (Flight, Bool) in
            if let flight = flights[key], flight.version == version { return (flight, false) }
            let flight = Flight(version: version)
            flights[key] = flight
            return (flight, true)
        }
        guard leads else {
            if let value = flight.wait() as? Value { return value }
            return try compute()
        }
        var result: (any Sendable)?
        defer {
            flights.withLockedValue { flights in
                if flights[key] === flight { flights[key] = nil }
            }
            flight.finish(result)
        }
        // A computation that finished between the first look and this flight is used as it is.
        if let value = lookup(key, version: version, as: Value.self) {
            result = value
            return value
        }
        let value = try compute()
        store(key, version: version, value)
        result = value
        return value
    }

    /// The view under `key` without a connection while it is kept at `known`, a version the
    /// caller has already read (a page reads it with its session; see `WebSession`); otherwise
    /// `value(_:on:compute:)` on a connection that `lease` lends.
    func value<Value: Sendable>(
        _ key: String, known version: Int64?,
        lease: (@escaping @Sendable (Connection) throws -> Value) async throws -> Value,
        compute: @escaping @Sendable (Connection) throws -> Value
    ) async throws -> Value {
        if let version, let value = lookup(key, version: version, as: Value.self) { return value }
        return try await lease { connection in try self.value(key, on: connection) { try compute(connection) } }
    }

    private let flights = NIOLockedValueBox([String: Flight]())

    /// A computation under way, and what it gave once done (nil when it failed).
    private final class Flight: @unchecked Sendable {
        let version: Int64
        /// 0 while computing, 1 when done; `value` is written before and read after.
        private let done = ConditionLock(value: 0)
        private var value: (any Sendable)?

        init(version: Int64) { self.version = version }

        func finish(_ value: (any Sendable)?) {
            done.lock()
            self.value = value
            done.unlock(withValue: 1)
        }

        func wait() -> (any Sendable)? {
            done.lock(whenValue: 1)
            defer { done.unlock() }
            return value
        }
    }
}
