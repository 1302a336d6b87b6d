import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// A real streaming standby, made with `pg_basebackup` from a primary of its own: lists read the
/// standby, a caller's own writes stay visible to it, and a standby that is gone costs nothing
/// but speed.
@Suite struct ReadReplicaTests {
    /// A primary and a standby of it, both throwaway clusters in one temporary directory.
    struct Pair {
        let primary: EmbeddedPostgres
        let standby: EmbeddedPostgres

        static func start() throws -> Pair {
            let directory = URL(fileURLWithPath: "/tmp/council-replica-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            let primary = EmbeddedPostgres(
                directory: directory.appending(path: "primary"), durability: .throwaway, databaseName: "council", logger: TestDatabases.logger)
            try primary.start()
            try Migrator(logger: TestDatabases.logger).migrate(try Connection.connect(try primary.configuration()))
            let standby = EmbeddedPostgres(
                directory: directory.appending(path: "standby"), durability: .throwaway, databaseName: "council", logger: TestDatabases.logger)
            // The standby's data directory is a base backup of the primary, told (-R) to follow it.
            let runAs = try RunAsUser.forPostgres()
            try FileManager.default.createDirectory(at: standby.directory, withIntermediateDirectories: true)
            try runAs.takeOwnership(of: [directory, standby.directory])
            let basebackup = URL(fileURLWithPath: try PostgresBinaries.locate().initdb).deletingLastPathComponent().appending(path: "pg_basebackup")
            try runAs.run(
                basebackup.path,
                [
                    "-D", standby.dataDirectory.path, "-R", "-X", "stream", "-c", "fast", "-h", primary.socketDirectory.path, "-p", "5432", "-U",
                    "postgres",
                ])
            try standby.start()
            return Pair(primary: primary, standby: standby)
        }

        func stop() {
            try? standby.stop()
            try? primary.stop()
            try? FileManager.default.removeItem(at: primary.directory.deletingLastPathComponent())
        }
    }

    static func titles(_ response: TestResponse) throws -> [String] {
        try response.json.items.compactMap { $0["title"] as? String }
    }

    @Test func listsReadTheStandbyAndEveryoneSeesTheirOwnWrites() async throws {
        let pair = try Pair.start()
        defer { pair.stop() }
        let primary = DatabasePool(configuration: try pair.primary.configuration(), options: .init(maxConnections: 2), logger: TestDatabases.logger)
        let standby = DatabasePool(configuration: try pair.standby.configuration(), options: .init(maxConnections: 2), logger: TestDatabases.logger)
        try await importSampleMunicipalities(primary)
        let env = TestEnvironment(pool: primary, ids: try await TestIdentities.create(primary))
        let app = Application(router: buildRouter(AppDependencies(pool: primary, web: .testing, standby: standby)), logger: TestDatabases.logger)
        let readAfter = ReadYourWritesMiddleware.header
        try await app.test(.router) { client in
            func create(_ title: String) async throws -> (number: Int, position: String) {
                let response = try await env.send(
                    client, .post, "/v1/issues", as: .vendorA, json: ["title": title, "category": "spec", "severity": "low"])
                #expect(response.status == .created)
                let position = try #require(response.headers[readAfter])
                #expect(WALPosition(position) != nil)
                #expect(response.headers[.setCookie]?.hasPrefix("\(ReadYourWritesMiddleware.cookie)=\(position);") == true)
                return (try #require(try response.json["number"] as? Int), position)
            }
            func list(after position: String? = nil, cookie: Bool = false) async throws -> [String] {
                var headers: HTTPFields = [:]
                if let position { headers[cookie ? .cookie : readAfter] = cookie ? "\(ReadYourWritesMiddleware.cookie)=\(position)" : position }
                let response = try await env.send(client, .get, "/v1/issues?sort=number", as: .vendorA, headers: headers)
                #expect(response.status == .ok, "\(response.text)")
                return try Self.titles(response)
            }
            // A caller's own write is in the list it reads next, sent back by header or by cookie.
            let first = try await create("一件目")
            #expect(try await list(after: first.position) == ["一件目"])
            #expect(try await list(after: first.position, cookie: true) == ["一件目"])
            // With the standby's replay paused, lists without a position show what the standby has:
            // the reads go there. With the position they wait, then read the primary.
            _ = try await standby.withConnection { try $0.query(Query("test.pause", "SELECT pg_wal_replay_pause()")) }
            for _ in 0..<400 {  // a pause is requested, then taken at the next record
                let state: String = try await standby.withConnection {
                    try $0.query(Query("test.pauseState", "SELECT pg_get_wal_replay_pause_state() AS s")).single().decode("s")
                }
                if state == "paused" { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            let second = try await create("二件目")
            #expect(try await list() == ["一件目"])
            let seen = try await list(after: second.position)
            #expect(seen == ["一件目", "二件目"], "\(seen) \(second.position)")
            // A single issue is always read from the primary.
            #expect(try await env.send(client, .get, "/v1/issues/\(second.number)", as: .vendorA).status == .ok)
            // Replay resumed: the standby catches up and serves the write to everyone.
            _ = try await standby.withConnection { try $0.query(Query("test.resume", "SELECT pg_wal_replay_resume()")) }
            var caughtUp = false
            for _ in 0..<200 where !caughtUp {
                caughtUp = try await list() == ["一件目", "二件目"]
                if !caughtUp { try await Task.sleep(for: .milliseconds(25)) }
            }
            #expect(caughtUp)
            // A position that is not one is a 400 naming the header, and changes nothing.
            let bad = try await env.send(client, .get, "/v1/issues", as: .vendorA, headers: [readAfter: "yesterday"])
            try expectProblem(bad, .badRequest, field: "Council-Read-After")
            // A standby that is gone: lists come from the primary, with the newest writes.
            try pair.standby.stop()
            _ = try await create("三件目")
            #expect(try await list() == ["一件目", "二件目", "三件目"])
        }
        await primary.close()
        await standby.close()
    }
}
