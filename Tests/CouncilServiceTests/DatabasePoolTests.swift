import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import CouncilDatabase
@testable import CouncilService

@Suite struct DatabasePoolTests {
    private func backendPIDs(_ pool: DatabasePool) async throws -> Set<Int> {
        // Lease every connection at once so each reports its own backend.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<pool.options.maxConnections {
                group.addTask {
                    try await pool.withConnection { connection in
                        let pid: Int = try connection.query(Query("test.pid", "SELECT pg_backend_pid() AS pid, pg_sleep(0.05)")).single().decode(
                            "pid")
                        return pid
                    }
                }
            }
            return try await group.reduce(into: []) { $0.insert($1) }
        }
    }

    /// A backend killed by the server is replaced without any request failing.
    @Test func recoversFromTerminatedBackendsWithoutFailedRequests() async throws {
        try await withTestPool(maxConnections: 2) { pool, configuration in
            let before = try await backendPIDs(pool)
            #expect(before.count == 2)
            let admin = try Connection.connect(configuration)
            for pid in before {
                try admin.query(Query("test.terminate", "SELECT pg_terminate_backend(\(pid))"))
            }
            var failures = 0
            for _ in 0..<10 {
                do {
                    _ = try await pool.withConnection { try $0.query(Query("test.ping", "SELECT 1 AS one")) }
                } catch {
                    Issue.record("request failed after the backends were terminated: \(error)")
                    failures += 1
                }
            }
            #expect(failures == 0)
            let after = try await backendPIDs(pool)
            #expect(after.isDisjoint(with: before))
            #expect(pool.openConnections == 2)
        }
    }

    /// A `.generic` query is planned once for every value; others keep PostgreSQL's default
    /// (a plan per value for their first calls), and transactions always run with the default.
    @Test func genericPlanQueriesArePlannedOnceAndOthersAsBefore() async throws {
        try await withTestPool(maxConnections: 1) { pool, _ in
            @Sendable func plans(_ marker: String, on connection: Connection) throws -> (generic: Int, custom: Int) {
                let row = try connection.query(
                    Query("test.plans", "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE strpos(statement, \(marker)) > 0")
                ).single()
                return (try row.decode("generic_plans"), try row.decode("custom_plans"))
            }
            @Sendable func mode(on connection: Connection) throws -> String {
                try connection.query(Query("test.mode", "SELECT current_setting('plan_cache_mode') AS mode")).single().decode("mode")
            }
            try await pool.withConnection { connection in
                for value in 1...3 {
                    try connection.query(Query("test.generic", "SELECT \(value)::int AS n -- plan-generic", planning: .generic))
                    try connection.query(Query("test.custom", "SELECT \(value)::int AS n -- plan-custom"))
                }
                let generic = try plans("plan-generic", on: connection), custom = try plans("plan-custom", on: connection)
                #expect(generic.generic == 3 && generic.custom == 0, "\(generic)")
                #expect(custom.generic == 0 && custom.custom == 3, "\(custom)")
                try connection.query(Query("test.generic", "SELECT \(4)::int AS n -- plan-generic", planning: .generic))
                // A statement without parameters (this one) runs in either mode and leaves it; one
                // with parameters switches back to the default.
                #expect(try mode(on: connection) == "force_generic_plan")
                try connection.query(Query("test.custom", "SELECT \(6)::int AS n -- plan-custom"))
                #expect(try mode(on: connection) == "auto")
                try connection.query(Query("test.generic", "SELECT \(7)::int AS n -- plan-generic", planning: .generic))
                // An `.either` statement runs in the mode it finds, with its values bound.
                let either = try connection.query(Query("test.either", "SELECT \(8)::int AS n -- plan-either", planning: .either))
                #expect(try either.single().decode("n") == 8)
                #expect(try mode(on: connection) == "force_generic_plan")
            }
            // The session was left generic: a transaction starts with the default again, and a
            // generic query inside it does not switch (a rollback would undo the switch).
            try await pool.withTransaction { connection in
                #expect(try mode(on: connection) == "auto")
                try connection.query(Query("test.generic", "SELECT \(5)::int AS n -- plan-generic", planning: .generic))
                #expect(try mode(on: connection) == "auto")
            }
        }
    }

    /// Every session runs without JIT compilation, which cost a generic plan 310 ms a call.
    @Test func sessionsRunWithoutJIT() async throws {
        try await withTestPool(maxConnections: 1) { pool, _ in
            let jit: String = try await pool.withConnection { connection in
                try connection.query(Query("test.jit", "SELECT current_setting('jit') AS jit")).single().decode("jit")
            }
            #expect(jit == "off")
        }
    }

    /// An `.everyCall` query is not prepared (so it is planned against the tables as they are at
    /// each call), with its values still bound; a cached one is prepared once.
    @Test func everyCallQueriesAreNotPreparedAndStillBindTheirValues() async throws {
        try await withTestPool(maxConnections: 1) { pool, _ in
            try await pool.withConnection { connection in
                for value in ["一", "二"] {
                    let everyCall = try connection.query(Query("test.everyCall", "SELECT \(value)::text AS v -- plan-every", planning: .everyCall))
                    #expect(try everyCall.single().decode("v") == value)
                    _ = try connection.query(Query("test.cached", "SELECT \(value)::text AS v -- plan-cached"))
                }
                let prepared = try connection.query(
                    Query(
                        "test.prepared",
                        """
                        SELECT count(*) FILTER (WHERE strpos(statement, \("plan-every")) > 0) AS every,
                               count(*) FILTER (WHERE strpos(statement, \("plan-cached")) > 0) AS cached
                        FROM pg_prepared_statements
                        """
                    )
                ).single()
                #expect(try prepared.decode("every") as Int == 0)
                #expect(try prepared.decode("cached") as Int == 1)
            }
        }
    }

    @Test func aTransactionRollsBackWhenItsBodyThrows() async throws {
        try await withTestPool { pool, _ in
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await pool.withTransaction { connection in
                    try connection.query(Query("test.insert", "INSERT INTO ministries (slug, name) VALUES ('tmp', 'テスト省')"))
                    throw Abort()
                }
            }
            let count: Int = try await pool.withConnection {
                try $0.query(Query("test.count", "SELECT count(*) AS n FROM ministries WHERE slug = 'tmp'")).single().decode("n")
            }
            #expect(count == 0)
        }
    }

    /// A preamble (an Idempotency-Key's claim) commits or rolls back with the first transaction
    /// of its task, runs again after a rollback, and never twice once committed.
    @Test func aPreambleRidesInTheFirstTransactionOfItsTask() async throws {
        try await withTestPool { pool, _ in
            struct Abort: Error {}
            func count() async throws -> Int {
                try await pool.withConnection {
                    try $0.query(Query("test.count", "SELECT count(*) AS n FROM ministries WHERE slug LIKE 'pre%'")).single().decode("n")
                }
            }
            let runs = NIOLockedValueBox(0)
            let preamble = TransactionPreamble { connection in
                let run = runs.withLockedValue { runs in
                    runs += 1
                    return runs
                }
                try connection.query(Query("test.preamble", "INSERT INTO ministries (slug, name) VALUES ('pre' || \(run), '前置き')"))
            }
            try await TransactionPreamble.$current.withValue(preamble) {
                await #expect(throws: Abort.self) {
                    try await pool.withTransaction { _ in throw Abort() }
                }
                #expect(try await count() == 0)
                // Statements outside a transaction do not take it.
                _ = try await pool.withConnection { try $0.query(Query("test.ping", "SELECT 1 AS one")) }
                #expect(runs.withLockedValue { $0 } == 1)
                // The next transaction runs it again, and it commits with that transaction's work.
                let seen: Int = try await pool.withTransaction { connection in
                    try connection.query(Query("test.seen", "SELECT count(*) AS n FROM ministries WHERE slug = 'pre2'")).single().decode("n")
                }
                #expect(seen == 1)
                try await pool.withTransaction { _ in }
            }
            #expect(runs.withLockedValue { $0 } == 2)
            #expect(try await count() == 1)
            // Outside the binding, transactions run no preamble.
            try await pool.withTransaction { _ in }
            #expect(runs.withLockedValue { $0 } == 2)
        }
    }

    @Test func retryableTransactionsAreRetriedOnSerializationFailure() async throws {
        try await withTestPool { pool, _ in
            let attempts = Counter()
            let result = try await pool.withTransaction(retryable: true) { connection -> String in
                if attempts.increment() == 1 {
                    try connection.execute(
                        script: """
                            DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$
                            """, name: "test.conflict")
                }
                return "done"
            }
            #expect(result == "done")
            #expect(attempts.value == 2)

            let once = Counter()
            let error = await #expect(throws: DatabaseError.self) {
                try await pool.withTransaction(retryable: false) { connection in
                    _ = once.increment()
                    try connection.execute(
                        script: "DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = 'deadlock_detected'; END $$", name: "test.deadlock")
                }
            }
            #expect(error?.sqlState == "40P01")
            #expect(once.value == 1)
        }
    }

    @Test func leasesTimeOutWhenEveryConnectionIsBusy() async throws {
        try await withTestPool(maxConnections: 1, leaseTimeout: .milliseconds(200)) { pool, _ in
            // The holder says when it has the connection and keeps it until the waiter has timed
            // out (fixed sleeps were too short on a busy machine, either way).
            let (leased, signal) = AsyncStream<Void>.makeStream()
            let released = Counter()
            async let holder: Void = pool.withConnection { connection in
                signal.yield()
                for _ in 0..<600 where released.value == 0 {
                    _ = try connection.query(Query("test.hold", "SELECT pg_sleep(0.05)"))
                }
            }
            var waiting = leased.makeAsyncIterator()
            _ = await waiting.next()
            let error = await #expect(throws: DatabaseError.self) {
                try await pool.withConnection { try $0.query(Query("test.wait", "SELECT 1")) }
            }
            _ = released.increment()
            #expect(error?.kind == .poolTimeout)
            try await holder
            // Once free, the connection serves again.
            let one: Int = try await pool.withConnection { try $0.query(Query("test.one", "SELECT 1 AS one")).single().decode("one") }
            #expect(one == 1)
        }
    }

    @Test func waitersAreServedWhenConnectionsReturn() async throws {
        try await withTestPool(maxConnections: 2) { pool, _ in
            let values = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await pool.withConnection { try $0.query(Query("test.n", "SELECT \(index) AS n, pg_sleep(0.01)")).single().decode("n") }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(values.sorted() == Array(0..<20))
            #expect(pool.openConnections <= 2)
        }
    }

    @Test func aClosedPoolRefusesWork() async throws {
        try await withTestPool { pool, _ in
            await pool.close()
            let error = await #expect(throws: DatabaseError.self) {
                try await pool.withConnection { try $0.query(Query("test.closed", "SELECT 1")) }
            }
            #expect(error?.kind == .poolClosed)
        }
    }
}

/// A thread-safe counter for closures that run on pool threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
