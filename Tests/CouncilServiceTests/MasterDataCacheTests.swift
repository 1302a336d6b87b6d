import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Single municipalities come from memory while the daemon listens for changes, and never
/// outlive a committed change: made by this daemon (at once), by anyone else (on its NOTIFY), or
/// while the listener was down (dropped when it listens again).
@Suite struct MasterDataCacheTests {
    @Test func cachedMunicipalitiesFollowEveryCommittedChange() async throws {
        try await withTestPool(maxConnections: 4) { pool, configuration in
            try await importSampleMunicipalities(pool)
            let ids = try await TestIdentities.create(pool)
            let cache = MasterDataCache(configuration: configuration, logger: TestDatabases.logger)
            let server = try await RunningServer.start(AppDependencies(pool: pool, masterData: cache), before: [pool, cache])
            do {
                try await Self.exercise(port: server.port, cache: cache, configuration: configuration, admin: ids.identity(.admin).secret)
            } catch {
                try? await server.stop()
                throw error
            }
            try await server.stop()
        }
    }

    static func name(_ port: Int, timeout: Int64 = 10) async throws -> String? {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/municipalities/011002"), timeout: .seconds(timeout))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["name"] as? String
    }

    static func exercise(port: Int, cache: MasterDataCache, configuration: DatabaseConfiguration, admin: String) async throws {
        try await waitUntil { cache.isListening }
        #expect(try await name(port) == "札幌市")

        // Cached: answered while the table is locked against every reader.
        let other = try Connection.connect(configuration)
        // Waits for every transaction that touched the table: off the test's cooperative threads.
        try await TestDatabases.blocking { try other.execute(script: "BEGIN; LOCK TABLE municipalities IN ACCESS EXCLUSIVE MODE", name: "test.lock") }
        #expect(try await name(port, timeout: 2) == "札幌市")
        try other.execute(script: "ROLLBACK", name: "test.unlock")

        // Changed by another client: dropped on its NOTIFY.
        try other.execute(script: "UPDATE municipalities SET name = '札幌市（他の接続）' WHERE code = '011002'", name: "test.rename")
        let deadline = ContinuousClock.now + .seconds(2)
        var seen = try await name(port)
        while seen != "札幌市（他の接続）", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            seen = try await name(port)
        }
        #expect(seen == "札幌市（他の接続）")

        // Imported through this daemon: visible in the very next answer.
        let sample = try String(decoding: TestFixtureData.sample, as: UTF8.self)
        var upload = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/municipalities/import")
        upload.method = .POST
        upload.headers.add(name: "Authorization", value: "Bearer \(admin)")
        upload.headers.add(name: "Content-Type", value: "text/csv")
        upload.body = .bytes(ByteBuffer(string: sample))
        let imported = try await HTTPClient.shared.execute(upload, timeout: .seconds(30))
        #expect(imported.status == .ok)
        #expect(try await name(port) == "札幌市")

        // Listener lost: nothing cached is used until it listens again (and then starts afresh).
        // Terminated again on every look, so a listener caught between connecting and LISTEN is
        // not missed.
        try await waitUntil(within: .seconds(10)) {
            _ = try other.query(
                Query(
                    "test.killListener",
                    """
                    SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
                    WHERE query = 'LISTEN council_master_data' AND datname = current_database()
                    """))
            return !cache.isListening
        }
        try other.execute(script: "UPDATE municipalities SET name = '札幌市（停止中）' WHERE code = '011002'", name: "test.renameWhileDown")
        #expect(try await name(port) == "札幌市（停止中）")
        try await waitUntil(within: .seconds(5)) { cache.isListening }
        #expect(try await name(port) == "札幌市（停止中）")
    }
}
