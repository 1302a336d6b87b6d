import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Testing

@testable import CouncilDatabase
@testable import CouncilService

@Suite struct GracefulShutdownTests {
    /// SIGTERM's path: readiness flips to draining, the in-flight request completes, the server
    /// stops accepting, and only then is the database pool closed.
    @Test func inFlightRequestsFinishBeforeTheServerAndPoolStop() async throws {
        try await withTestPool(maxConnections: 2) { pool, configuration in
            try await importSampleMunicipalities(pool)

            let state = ServerState()
            let server = try await RunningServer.start(
                AppDependencies(pool: pool, state: state), before: [pool],
                after: [DrainSignalService(state: state)])
            let port = server.port
            let url = "http://127.0.0.1:\(port)/v1/municipalities/011002"

            // Hold the request inside the database: the table is locked until we commit.
            let locker = try Connection.connect(configuration)
            // Waits for every transaction that touched the table: off the test's cooperative threads.
            try await TestDatabases.blocking {
                try locker.execute(script: "BEGIN; LOCK TABLE municipalities IN ACCESS EXCLUSIVE MODE", name: "test.lock")
            }
            let inFlight = Task { () throws -> (UInt, String) in
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
                let body = try await response.body.collect(upTo: 1 << 20)
                return (response.status.code, String(buffer: body))
            }
            try await waitUntil(within: .seconds(30)) { try Self.requestsWaitingOnLocks(locker) == 1 }

            await server.group.triggerGracefulShutdown()
            try await waitUntil { state.isDraining }
            // The request is still held; release it and it completes normally.
            try locker.execute(script: "COMMIT", name: "test.unlock")
            let (status, body) = try await inFlight.value
            #expect(status == 200)
            #expect(body.contains("札幌市"))

            try await server.task.value
            // After the server stopped, new connections are refused and the pool is closed.
            await #expect(throws: (any Error).self) {
                _ = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
            }
            let closed = await #expect(throws: DatabaseError.self) {
                try await pool.withConnection { try $0.query(Query("test.afterShutdown", "SELECT 1")) }
            }
            #expect(closed?.kind == .poolClosed)
        }
    }

    private static func requestsWaitingOnLocks(_ connection: Connection) throws -> Int {
        try connection.query(
            Query(
                "test.waiting",
                """
                SELECT count(*) AS n FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
                  AND backend_type = 'client backend' -- not autovacuum, which may wait on the same lock
                """)
        ).single().decode("n")
    }
}

/// Polls a condition every 20 ms for at most `limit` (10 s).
func waitUntil(
    within limit: Duration = .seconds(10), _ condition: () throws -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition not met within \(limit)", sourceLocation: sourceLocation)
}
