import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Kept views (`ViewCache`): one computation per key and version however many ask at once.
@Suite struct ViewCacheTests {
    /// Two requests on two connections ask for the same view while it is being computed.
    func askTwice(_ cache: ViewCache, _ env: TestEnvironment, failFirst: Bool) async throws -> (runs: Int, values: [Int]) {
        let runs = NIOLockedValueBox(0)
        let started = NIOLockedValueBox(false)
        func ask() async throws -> Int {
            try await env.pool.withConnection { connection in
                try cache.value("view", on: connection) { () throws -> Int in
                    let run = runs.withLockedValue { runs in
                        runs += 1
                        return runs
                    }
                    started.withLockedValue { $0 = true }
                    Thread.sleep(forTimeInterval: 0.3)
                    if failFirst && run == 1 { throw Problem.unavailable }
                    return 42
                }
            }
        }
        async let first = outcome(of: ask)
        // The second asks once the first is computing.
        while !started.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        let second = try await ask()
        return (runs.withLockedValue { $0 }, [await first, second].compactMap { $0 })
    }

    @Test func requestsThatAskDuringAComputationWaitForIt() async throws {
        try await withApp { _, env in
            let shared = try await askTwice(ViewCache(), env, failFirst: false)
            #expect(shared.runs == 1 && shared.values == [42, 42])
            // A failed computation is not handed on: the waiter computes its own.
            let failed = try await askTwice(ViewCache(), env, failFirst: true)
            #expect(failed.runs == 2 && failed.values == [42])
        }
    }

    /// A transaction moves the change version once, however many changes it makes: a bump per
    /// statement wrote a version of a counter row each, and the table kept every page they took
    /// (sql/0035). A savepoint rolled back takes its bump with it, so a later change still counts.
    @Test func aTransactionMovesTheVersionOnceHoweverManyChangesItMakes() async throws {
        try await withApp { _, env in
            let cache = ViewCache()
            func version() async throws -> Int64 { try await env.pool.withConnection { try ViewCache.version(on: $0) } }
            let touch = Query("test.touchOrganizations", "UPDATE organizations SET name = name")
            let before = try await version()
            try await env.pool.withTransaction { connection in
                for _ in 0..<1000 { try connection.query(touch) }
            }
            #expect(try await version() == before + 1)
            try await env.pool.withTransaction { connection in
                try connection.execute(script: "SAVEPOINT first", name: "test.savepoint")
                try connection.query(touch)
                try connection.execute(script: "ROLLBACK TO SAVEPOINT first", name: "test.rollbackToSavepoint")
                try connection.query(touch)
            }
            #expect(try await version() == before + 2)
            try await env.pool.withTransaction { connection in
                try connection.execute(script: "SAVEPOINT first", name: "test.savepoint")
                try connection.query(touch)
                try connection.execute(script: "ROLLBACK TO SAVEPOINT first", name: "test.rollbackToSavepoint")
            }
            #expect(try await version() == before + 2, "nothing that stayed changed")
            let pages: Int = try await env.pool.withConnection {
                try $0.query(Query("test.counterPages", "SELECT pg_relation_size('change_counters') / 8192 AS pages")).single().decode("pages")
            }
            // A bump per statement left about six pages (185 row versions fit one); the setup's
            // own transactions may leave a second.
            #expect(pages <= 2, "\(pages) pages")
        }
    }

    /// A bump never waits for another transaction that holds its backend's shard (sql/0037): a
    /// writer whose shard is held takes a free one, and the sums still move by one each.
    @Test func aBumpTakesAFreeShardRatherThanWaiting() async throws {
        try await withTestPool { _, configuration in
            let holder = try Connection.connect(configuration), writer = try Connection.connect(configuration)
            let sums = Query(
                "test.sums",
                "SELECT (SELECT sum(value) FROM change_counters)::bigint AS changes, (SELECT sum(value) FROM issue_edit_counters)::bigint AS edits")
            func read() throws -> (Int64, Int64) {
                let row = try holder.query(sums).single()
                return (try row.decode("changes"), try row.decode("edits"))
            }
            let before = try read()
            let pid: Int = try writer.query(Query("test.pid", "SELECT pg_backend_pid() AS pid")).single().decode("pid")
            try holder.execute(script: "BEGIN", name: "test.begin")
            try holder.query(
                Query(
                    "test.holdShards",
                    """
                    SELECT (SELECT count(*) FROM (SELECT 1 FROM change_counters WHERE shard = \(pid % 16) FOR UPDATE) c)
                         + (SELECT count(*) FROM (SELECT 1 FROM issue_edit_counters WHERE shard = \(pid % 16) FOR UPDATE) e) AS held
                    """))
            try writer.execute(script: "BEGIN; SET LOCAL lock_timeout = '2s'", name: "test.begin")
            try writer.query(Query("test.touchOrganizations", "UPDATE organizations SET name = name"))
            try writer.query(Query("test.touchIssues", "UPDATE issues SET title = title WHERE false"))
            try writer.execute(script: "COMMIT", name: "test.commit")
            try holder.execute(script: "COMMIT", name: "test.commit")
            let after = try read()
            #expect(after.0 == before.0 + 1 && after.1 == before.1 + 1)
        }
    }

    /// The vendors of the pages' issue tables are named from the names kept at the page's
    /// version; one added after that version (and linked before the rows were read) is read by id.
    @Test func namesKeptAtAKnownVersionAreCompletedByIdForNewerOrganizations() async throws {
        try await withApp { _, env in
            let organizations = OrganizationStore(pool: env.pool)
            let version = try await env.pool.withConnection { try ViewCache.version(on: $0) }
            let before = try await organizations.names(including: [], known: version)
            let added = try await organizations.create(
                OrganizationDraft(kind: .vendor, category: nil, ministry: nil, name: "株式会社後から", shortName: "後から", corporateNumber: nil),
                by: .system)
            #expect(before[added.id] == nil)
            let names = try await organizations.names(including: [added.id], known: version)
            #expect(names[added.id] == "株式会社後から" && names.count == before.count + 1)
        }
    }

    /// A version the caller already read serves what is kept at it without a connection; any
    /// other version, or none, leases one and asks the database.
    @Test func aKnownVersionServesWhatIsKeptWithoutAConnection() async throws {
        try await withApp { _, env in
            let cache = ViewCache()
            let leases = NIOLockedValueBox(0), computed = NIOLockedValueBox(0)
            @Sendable func lease(_ body: @escaping @Sendable (Connection) throws -> Int) async throws -> Int {
                leases.withLockedValue { $0 += 1 }
                return try await env.pool.withConnection(body)
            }
            @Sendable func compute(_ connection: Connection) throws -> Int {
                computed.withLockedValue { $0 += 1 }
                return 42
            }
            let version = try await env.pool.withConnection { try ViewCache.version(on: $0) }
            #expect(try await cache.value("view", known: version, lease: lease, compute: compute) == 42)
            #expect(leases.withLockedValue { $0 } == 1 && computed.withLockedValue { $0 } == 1)
            #expect(try await cache.value("view", known: version, lease: lease, compute: compute) == 42)
            #expect(leases.withLockedValue { $0 } == 1, "kept at the known version: no connection")
            // Without a version, or with another one, the database decides (kept: not computed).
            #expect(try await cache.value("view", known: nil, lease: lease, compute: compute) == 42)
            #expect(try await cache.value("view", known: version - 1, lease: lease, compute: compute) == 42)
            #expect(leases.withLockedValue { $0 } == 3 && computed.withLockedValue { $0 } == 1)
        }
    }
}

/// What `body` gave, or nil when it threw.
private func outcome(of body: () async throws -> Int) async -> Int? {
    try? await body()
}
