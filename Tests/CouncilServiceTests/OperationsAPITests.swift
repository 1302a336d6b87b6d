import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

@Suite struct OperationsAPITests {
    private let requestID = HTTPField.Name("X-Request-Id")!

    @Test func healthProbes() async throws {
        try await withApp(seed: false) { client, _ in
            try await client.execute(uri: "/health/live", method: .get) { (response) throws in
                #expect(response.status == .ok && response.text == #"{"status":"live"}"#)
            }
            try await client.execute(uri: "/health/ready", method: .get) { (response) throws in
                #expect(response.status == .ok && response.text == #"{"status":"ready"}"#)
            }
        }
    }

    @Test func readinessFailsOnAnUnmigratedDatabaseAndWhileDraining() async throws {
        try await withTestDatabase(migrated: false) { configuration in
            let pool = DatabasePool(configuration: configuration, logger: TestDatabases.logger)
            let state = ServerState()
            let app = Application(router: buildRouter(AppDependencies(pool: pool, state: state)), logger: TestDatabases.logger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/health/ready", method: .get) { (response) throws in
                    let body = try expectProblem(response, .serviceUnavailable)
                    #expect(body["type"] as? String == "urn:council:problem:not-migrated")
                }
                _ = try await pool.withConnection { try Migrator(logger: TestDatabases.logger).migrate($0) }
                try await client.execute(uri: "/health/ready", method: .get) { (response) throws in
                    #expect(response.status == .ok)
                }
                state.beginDraining()
                try await client.execute(uri: "/health/ready", method: .get) { (response) throws in
                    let body = try expectProblem(response, .serviceUnavailable)
                    #expect(body["type"] as? String == "urn:council:problem:shutting-down")
                }
                try await client.execute(uri: "/health/live", method: .get) { (response) throws in
                    #expect(response.status == .ok)
                }
            }
            await pool.close()
        }
    }

    @Test func readinessAnswers503WhenTheDatabaseIsUnreachable() async throws {
        let pool = DatabasePool(
            configuration: try DatabaseConfiguration("host=/nonexistent dbname=x connect_timeout=1"),
            logger: TestDatabases.logger)
        let app = Application(router: buildRouter(AppDependencies(pool: pool)), logger: TestDatabases.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { (response) throws in
                let body = try expectProblem(response, .serviceUnavailable)
                #expect(body["type"] as? String == "urn:council:problem:database-unavailable")
            }
            try await client.execute(uri: "/v1/prefectures", method: .get) { (response) throws in
                try expectProblem(response, .serviceUnavailable)
            }
        }
        await pool.close()
    }

    @Test func metricsAndTheContractAreServed() async throws {
        try await withApp(seed: false) { client, _ in
            try await client.execute(uri: "/metrics", method: .get) { (response) throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(response.text.contains("# TYPE council_db_pool_open_connections gauge"))
            }
            try await client.execute(uri: "/openapi.yaml", method: .get) { (response) throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
                #expect(response.text.hasPrefix("openapi: 3.1"))
            }
        }
    }

    @Test func requestIDsAreEchoedOrGenerated() async throws {
        try await withApp(seed: false) { client, _ in
            try await client.execute(uri: "/health/live", method: .get, headers: [requestID: "trace-123.abc_X"]) { (response) throws in
                #expect(response.headers[requestID] == "trace-123.abc_X")
            }
            try await client.execute(uri: "/health/live", method: .get, headers: [requestID: "bad id with spaces"]) { (response) throws in
                let generated = try #require(response.headers[requestID])
                #expect(generated != "bad id with spaces" && RequestIDMiddleware.isAcceptable(generated))
            }
            // Made-up ids never repeat.
            var seen: Set<String> = []
            for _ in 0..<50 {
                try await client.execute(uri: "/health/live", method: .get) { response in
                    seen.insert(response.headers[requestID] ?? "")
                }
            }
            #expect(seen.count == 50 && !seen.contains(""))
            try await client.execute(uri: "/no/such/path", method: .get, headers: [requestID: "req-404"]) { (response) throws in
                let body = try expectProblem(response, .notFound)
                #expect(body["request_id"] as? String == "req-404")
                #expect(body["instance"] as? String == "/no/such/path")
            }
        }
    }

    @Test func unknownPathsAndWrongMethodsAreProblems() async throws {
        try await withApp(seed: false) { client, _ in
            try await client.execute(uri: "/v1/nothing-here", method: .get) { (response) throws in
                try expectProblem(response, .notFound)
            }
            try await client.execute(uri: "/v1/prefectures", method: .delete) { (response) throws in
                try expectProblem(response, .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
            }
            try await client.execute(uri: "/v1/municipalities/011002", method: .put, body: ByteBuffer(string: "{")) { (response) throws in
                try expectProblem(response, .methodNotAllowed)
            }
            try await client.execute(uri: "/v1/municipalities/import", method: .get) { (response) throws in
                try expectProblem(response, .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/v1/prefectures", method: .head) { (response) throws in
                #expect(response.status == .ok)
            }
        }
    }
}
