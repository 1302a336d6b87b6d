import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import CouncilDatabase
@testable import CouncilService

#if canImport(Glibc)
    import Glibc
#endif

/// Faults that need a real daemon process: SIGKILL mid-import, SIGTERM under load, and two
/// daemons sharing one database. `COUNCIL_RELIABILITY_LONG=1` runs the long variants.
@Suite struct DaemonFaultTests {
    static let long = ProcessInfo.processInfo.environment["COUNCIL_RELIABILITY_LONG"] == "1"

    /// A database with the national municipalities, the test identities and vendor A's product
    /// covering all 20 business areas.
    static func withNationalDatabase(
        _ body: @escaping @Sendable (DatabasePool, DatabaseConfiguration, TestIdentities) async throws -> Void
    ) async throws {
        try await withTestPool { pool, configuration in
            let rows = try MunicipalityList.parse(try CSVTextEncoding.auto.decode(try TestFiles.sharedData("dantai-code-utf8.csv")).text)
            _ = try await MunicipalityStore(pool: pool).importList(rows, format: .utf8, dryRun: false)
            let ids = try await TestIdentities.create(pool)
            let product = ids.productA.id
            try await pool.withConnection { connection in
                _ = try connection.query(
                    Query(
                        "test.allAreas",
                        """
                        INSERT INTO product_business_areas (product_id, business_area) SELECT \(product), slug FROM business_areas
                        ON CONFLICT DO NOTHING
                        """))
            }
            try await body(pool, configuration, ids)
        }
    }

    static func count(_ pool: DatabasePool, _ sql: SQL) async throws -> Int {
        try await pool.withConnection { try $0.query(Query("test.count", sql)).single().decode("n") }
    }

    /// Every 団体 × business area (and each prefecture's own two), as an adoption file.
    static func adoptionFile(_ pool: DatabasePool, product: Int) async throws -> [UInt8] {
        let lines: [String] = try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "test.adoptionRows",
                    """
                    SELECT code || ',' || area || ',' || \(product) || ',planned' AS line FROM (
                        SELECT m.code, a.slug AS area FROM municipalities m CROSS JOIN business_areas a
                        UNION ALL
                        SELECT p.dantai_code, a.slug FROM prefectures p JOIN business_areas a ON a.prefectures_run_it) pairs
                    ORDER BY 1
                    """)
            ).rows.map { try $0.decode("line") }
        }
        return Array((["団体コード,業務,製品ID,状態"] + lines).joined(separator: "\n").utf8)
    }

    /// SIGKILL while the import's transaction has written rows but not committed: afterwards the
    /// import is entirely absent; the same file through a new daemon is then entirely present.
    @Test func sigkillMidImportLeavesNothingHalfWritten() async throws {
        try await Self.withNationalDatabase { pool, configuration, ids in
            let file = try await Self.adoptionFile(pool, product: ids.productA.id)
            let rows = file.split(separator: UInt8(ascii: "\n")).count - 1
            #expect(rows > 30_000)
            let auditBefore = try await Self.count(pool, "SELECT count(*) AS n FROM audit_log")
            let daemon = try await DaemonProcess.start(configuration)
            do {
                let token = ids.identity(.admin).secret
                let upload = Task {
                    try await daemon.request(.POST, "/v1/adoptions/import", token: token, body: file, contentType: "text/csv", timeout: .seconds(120))
                }
                // Wait until the import's transaction holds written rows (it has an xid), then kill.
                // A thread of its own polls and kills, so a busy machine's task scheduling cannot
                // let the import commit between seeing it and killing it.
                let observer = try Connection.connect(configuration)
                let started = ContinuousClock.now
                let killer = KillWhenWriting(observer: observer, daemon: daemon.pid)
                let writer = try await killer.run(within: .seconds(120))
                print("import writing after \(ContinuousClock.now - started); killed the daemon")
                #expect(try await daemon.waitExit() == 128 + SIGKILL)
                await #expect(throws: (any Error).self) { _ = try await upload.value }
                // The server notices the dead client and rolls its transaction back.
                try await waitUntil(within: .seconds(60)) {
                    try observer.query(Query("test.gone", "SELECT count(*) AS n FROM pg_stat_activity WHERE pid = \(writer)"))
                        .single().decode("n") as Int == 0
                }
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM adoptions") == 0)
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM adoption_history") == 0)
                #expect(try await Self.count(pool, "SELECT count(*) AS n FROM audit_log") == auditBefore)
            } catch {
                await daemon.dispose()
                throw error
            }
            await daemon.dispose()

            let again = try await DaemonProcess.start(configuration)
            let answer = try await again.request(
                .POST, "/v1/adoptions/import", token: ids.identity(.admin).secret, body: file,
                contentType: "text/csv", timeout: .seconds(120))
            await again.dispose()
            #expect(answer.status == 200, "\(answer.body.prefix(300))")
            #expect(try await Self.count(pool, "SELECT count(*) AS n FROM adoptions") == rows)
            #expect(try await Self.count(pool, "SELECT count(*) AS n FROM adoption_history") == rows)
            print("SIGKILL mid-import: \(rows) rows; none present after the kill, all \(rows) after the import was sent again")
        }
    }

    /// SIGTERM while clients read and write: a request in flight completes, every acknowledged
    /// write is stored, nothing is answered with a 5xx other than 503, and the daemon exits 0.
    @Test func sigtermUnderLoadDrainsAndExitsCleanly() async throws {
        try await Self.withNationalDatabase { pool, configuration, ids in
            let daemon = try await DaemonProcess.start(configuration)
            let token = ids.identity(.vendorA).secret
            let acknowledged = NIOLockedValueBox<[Int]>([]), answers = NIOLockedValueBox<[UInt: Int]>([:])
            let stop = NIOLockedValueBox(false), readsOnly = NIOLockedValueBox(false)
            let clients = (0..<8).map { client in
                Task {
                    var sent = 0
                    while !stop.withLockedValue({ $0 }) {
                        sent += 1
                        do {
                            let answer: DaemonProcess.Answer =
                                if client % 2 == 0, !readsOnly.withLockedValue({ $0 }) {
                                    try await daemon.request(
                                        .POST, "/v1/issues", token: token,
                                        json: """
                                            {"title": "停止試験 \(client)-\(sent)", "category": "spec", "severity": "low",
                                             "municipalities": [{"dantai_code": "011002", "impact": "blocked", "business_areas": ["juki"]}]}
                                            """, timeout: .seconds(5))
                                } else {
                                    // Reads that never wait on the table lock below.
                                    try await daemon.get("/v1/business-areas")
                                }
                            answers.withLockedValue { $0[answer.status, default: 0] += 1 }
                            if answer.status == 201, let number = Self.number(answer.body) {
                                acknowledged.withLockedValue { $0.append(number) }
                            }
                        } catch {
                            // Refused connections after the listener closed are expected (the
                            // HTTP client retries connecting until its timeout, hence 5 s).
                            try? await Task.sleep(for: .milliseconds(5))
                        }
                    }
                }
            }
            try await Task.sleep(for: .seconds(Self.long ? 5 : 1))
            // A loaded machine may acknowledge few creates in that second: at least five first.
            try await waitUntil(within: .seconds(60)) { acknowledged.withLockedValue { $0.count } >= 5 }

            // Hold one request inside the database so it is certainly in flight at SIGTERM. Writes
            // (which also wait on the lock, through their links) pause first, so the waiter is it;
            // the reads never touch `municipalities`.
            readsOnly.withLockedValue { $0 = true }
            try await Task.sleep(for: .milliseconds(300))
            let locker = try Connection.connect(configuration)
            // Waits for every transaction that touched the table: off the test's cooperative threads.
            try await TestDatabases.blocking {
                try locker.execute(script: "BEGIN; LOCK TABLE municipalities IN ACCESS EXCLUSIVE MODE", name: "test.lock")
            }
            let held = Task { try await daemon.request(.GET, "/v1/municipalities/131016", timeout: .seconds(30)) }
            try await waitUntil {
                try locker.query(
                    Query(
                        "test.waiting",
                        """
                        SELECT count(*) AS n FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
                          AND backend_type = 'client backend'
                        """)
                ).single().decode("n") as Int >= 1
            }
            // Writes resume and queue behind the lock too: in flight when SIGTERM arrives.
            readsOnly.withLockedValue { $0 = false }
            try await Task.sleep(for: .milliseconds(100))
            daemon.signal(SIGTERM)
            try await Task.sleep(for: .milliseconds(300))
            try locker.execute(script: "COMMIT", name: "test.unlock")
            let heldAnswer = try await held.value
            #expect(heldAnswer.status == 200 && heldAnswer.body.contains("千代田区"))
            // The bound catches a drain that never ends and is loose enough for a loaded machine
            // (CI once took 11.9 s with the whole suite beside it).
            let status = try await daemon.waitExit(within: .seconds(60))
            stop.withLockedValue { $0 = true }
            for client in clients { await client.value }
            await daemon.dispose()

            #expect(status == 0, "\(daemon.logText.suffix(2000))")
            let counts = answers.withLockedValue { $0 }
            #expect(counts.keys.allSatisfy { [200, 201, 503].contains($0) }, "answers: \(counts)")
            let numbers = acknowledged.withLockedValue { $0 }
            #expect(numbers.count >= 5)
            // Every acknowledged issue is stored whole: its link and its creation event.
            let stored = try await Self.count(
                pool,
                """
                SELECT count(*) AS n FROM issues i
                WHERE i.number = ANY (\(numbers)::int[])
                  AND EXISTS (SELECT 1 FROM issue_municipalities m WHERE m.issue_number = i.number)
                  AND EXISTS (SELECT 1 FROM issue_events e WHERE e.issue_number = i.number)
                """)
            #expect(stored == numbers.count)
            print(
                "graceful shutdown under load: answers \(counts.sorted { $0.key < $1.key }), \(numbers.count) writes acknowledged and found, exit status \(status)"
            )
        }
    }

    static func number(_ body: String) -> Int? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["number"] as? Int
    }

    /// Two daemons started at once on an empty database, on different ports: migrations run
    /// once, idempotency keys and ETags hold across them, and cached views follow changes made
    /// through the other daemon.
    @Test func twoDaemonsOnOneDatabaseBehaveAsOne() async throws {
        try await withTestDatabase(migrated: false) { configuration in
            async let startedA = DaemonProcess.start(configuration)
            async let startedB = DaemonProcess.start(configuration)
            let (a, b) = try await (startedA, startedB)
            let pool = DatabasePool(configuration: configuration, logger: TestDatabases.logger)
            do {
                try await Self.behaveAsOne(a, b, pool)
            } catch {
                await a.dispose()
                await b.dispose()
                await pool.close()
                throw error
            }
            // Both stop cleanly.
            a.signal(SIGTERM)
            b.signal(SIGTERM)
            #expect(try await a.waitExit() == 0)
            #expect(try await b.waitExit() == 0)
            await a.dispose()
            await b.dispose()
            await pool.close()
        }
    }

    static func behaveAsOne(_ a: DaemonProcess, _ b: DaemonProcess, _ pool: DatabasePool) async throws {
        do {
            #expect(try await Self.count(pool, "SELECT count(*) AS n FROM schema_migrations") == Migration.embedded.count)
            #expect(try await Self.count(pool, "SELECT count(DISTINCT version) AS n FROM schema_migrations") == Migration.embedded.count)

            try await importSampleMunicipalities(pool)
            let ids = try await TestIdentities.create(pool)
            let vendor = ids.identity(.vendorA).secret, admin = ids.identity(.admin).secret
            let body =
                #"{"title": "二台構成", "category": "spec", "severity": "high", "municipalities": [{"dantai_code": "011002", "impact": "blocked", "business_areas": ["juki"]}]}"#

            // The same key through A then B: B replays A's answer.
            let first = try await a.request(.POST, "/v1/issues", token: vendor, headers: ["Idempotency-Key": "key-1"], json: body)
            let replay = try await b.request(.POST, "/v1/issues", token: vendor, headers: ["Idempotency-Key": "key-1"], json: body)
            #expect(first.status == 201 && replay.status == 201)
            #expect(replay.headers["idempotent-replayed"] == "true")
            #expect(Self.number(replay.body) == Self.number(first.body))
            // The same new key through both at once: one issue, whatever the interleaving.
            for round in 0..<(Self.long ? 50 : 10) {
                async let viaA = a.request(.POST, "/v1/issues", token: vendor, headers: ["Idempotency-Key": "race-\(round)"], json: body)
                async let viaB = b.request(.POST, "/v1/issues", token: vendor, headers: ["Idempotency-Key": "race-\(round)"], json: body)
                let answers = try await [viaA, viaB]
                #expect(answers.allSatisfy { $0.status == 201 || $0.status == 409 }, "\(answers.map(\.status))")
                #expect(answers.contains { $0.status == 201 && $0.headers["idempotent-replayed"] == nil })
            }
            #expect(try await Self.count(pool, "SELECT count(*) AS n FROM issues") == 1 + (Self.long ? 50 : 10))

            // ETags: read through A, write through B, the stale tag is refused by A.
            let number = try #require(Self.number(first.body))
            let read = try await a.request(.GET, "/v1/issues/\(number)", token: admin)
            let etag = try #require(read.headers["etag"])
            let edit = try await b.request(
                .PATCH, "/v1/issues/\(number)", token: admin, headers: ["If-Match": etag], json: #"{"severity": "critical"}"#)
            #expect(edit.status == 200)
            let stale = try await a.request(.PATCH, "/v1/issues/\(number)", token: admin, headers: ["If-Match": etag], json: #"{"severity": "low"}"#)
            #expect(stale.status == 412)
            #expect(stale.headers["etag"] == edit.headers["etag"])

            // A's cached view of 札幌市 follows an issue closed through B.
            let before = try await a.request(.GET, "/v1/municipalities/011002/blockers", token: admin)
            #expect(before.body.contains("\(number)"))
            let open = try await a.request(.GET, "/v1/issues?state=new", token: admin)
            let all = ((try? JSONSerialization.jsonObject(with: Data(open.body.utf8)) as? [String: Any])?["items"] as? [[String: Any]]) ?? []
            for item in all {
                let n = item["number"] as! Int
                let moved = try await b.request(.POST, "/v1/issues/\(n)/transitions", token: admin, json: #"{"to": "rejected", "comment": "二台目から"}"#)
                #expect(moved.status == 200, "\(moved.body.prefix(200))")
            }
            let after = try await a.request(.GET, "/v1/municipalities/011002/blockers", token: admin)
            #expect(!after.body.contains("\"issues\":[\(number)"), "\(after.body.prefix(400))")
        }
    }
}

/// Polls, on a thread of its own, for the import's upsert running with a transaction id (it has
/// written rows, not committed), and SIGKILLs the daemon the moment it sees it.
final class KillWhenWriting: @unchecked Sendable {
    let observer: Connection
    let daemon: pid_t

    init(observer: Connection, daemon: pid_t) {
        self.observer = observer
        self.daemon = daemon
    }

    /// The writing backend's pid, once the daemon has been killed.
    func run(within limit: Duration) async throws -> Int {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            let thread = Thread { [self] in
                let deadline = ContinuousClock.now + limit
                do {
                    while ContinuousClock.now < deadline {
                        if let pid: Int = try observer.query(
                            Query(
                                "test.writing",
                                """
                                SELECT pid FROM pg_stat_activity
                                WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL
                                  AND backend_type = 'client backend' AND query LIKE '%INSERT INTO adoptions%'
                                """)
                        ).first?.decode("pid") {
                            kill(daemon, SIGKILL)
                            continuation.resume(returning: pid)
                            return
                        }
                        usleep(5_000)
                    }
                    continuation.resume(throwing: ConfigurationError("no writing transaction seen within \(limit)"))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }
}
