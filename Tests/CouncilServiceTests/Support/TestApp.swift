import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceLifecycle
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// What a test of the HTTP API gets: the database pool and a caller for every role.
struct TestEnvironment: Sendable {
    let pool: DatabasePool
    let ids: TestIdentities

    func headers(_ caller: TestIdentities.Caller, _ extra: HTTPFields = [:]) -> HTTPFields { ids.headers(caller, extra) }
}

/// Builds the same application the daemon runs, on a fresh database, and drives it in-process.
func withApp(
    seed: Bool = true,
    _ body: @escaping @Sendable (any TestClientProtocol, TestEnvironment) async throws -> Void
) async throws {
    try await withTestPool { pool, _ in
        if seed {
            try await importSampleMunicipalities(pool)
        }
        let environment = TestEnvironment(pool: pool, ids: try await TestIdentities.create(pool))
        let app = Application(router: buildRouter(AppDependencies(pool: pool, web: .testing)), logger: TestDatabases.logger)
        try await app.test(.router) { client in try await body(client, environment) }
    }
}

extension WebSettings {
    /// bcrypt at its lowest cost: real hashes, quick tests. The daemon uses cost 12.
    static let testing = WebSettings(publicURL: "http://council.test", hasher: PasswordHasher(cost: 4))
}

/// A response body as JSON, for checks on its shape.
struct JSONBody {
    let object: Any

    init(_ buffer: ByteBuffer) throws {
        object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView), options: [.fragmentsAllowed])
    }

    subscript(key: String) -> Any? { (object as? [String: Any])?[key] }
    var items: [[String: Any]] { (self["items"] as? [[String: Any]]) ?? [] }
}

extension TestResponse {
    var json: JSONBody { get throws { try JSONBody(body) } }
    var text: String { String(buffer: body) }
}

/// Checks a response is a problem+json with the given status, and returns its body.
@discardableResult
func expectProblem(
    _ response: TestResponse, _ status: HTTPResponse.Status, field: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> JSONBody {
    #expect(response.status == status, sourceLocation: sourceLocation)
    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true, sourceLocation: sourceLocation)
    let body = try response.json
    #expect(body["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
    #expect((body["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(body["request_id"] as? String == response.headers[HTTPField.Name("X-Request-Id")!], sourceLocation: sourceLocation)
    if let field {
        let fields = (body["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
        #expect(fields.contains(field), "problem does not name \(field): \(response.text)", sourceLocation: sourceLocation)
    }
    return body
}

extension TestEnvironment {
    /// One request as `caller`, with an optional JSON body; the response is returned whole.
    func send(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, as caller: TestIdentities.Caller,
        json object: [String: Any]? = nil, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = self.headers(caller, extra)
        var body: ByteBuffer?
        if let object {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: body) { $0 }
    }
}

extension TestEnvironment {
    /// One request with a raw body.
    func send(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, as caller: TestIdentities.Caller,
        headers extra: HTTPFields, body: ByteBuffer
    ) async throws -> TestResponse {
        try await client.execute(uri: path, method: method, headers: self.headers(caller, extra), body: body) { $0 }
    }
}

/// The daemon's application on a free port of 127.0.0.1, in one service group with the services
/// it needs (listed before it, so they start first and stop last).
struct RunningServer {
    let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>

    static func start(_ dependencies: AppDependencies, before: [any Service] = [], after: [any Service] = []) async throws -> RunningServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = buildApplication(
            dependencies, address: ServerAddress(host: "127.0.0.1", port: 0),
            logger: TestDatabases.logger, onServerRunning: { continuation.yield($0) })
        let group = ServiceGroup(
            services: before + [application] + after, gracefulShutdownSignals: [], cancellationSignals: [],
            logger: TestDatabases.logger)
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ConfigurationError("the server did not start") }
        return RunningServer(port: port, group: group, task: task)
    }

    /// Graceful shutdown, waiting for every service to stop.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

/// The project's small hand-written municipality list, imported.
func importSampleMunicipalities(_ pool: DatabasePool) async throws {
    let rows = try MunicipalityList.parse(try CSVTextEncoding.auto.decode(try TestFixtureData.sample).text)
    _ = try await MunicipalityStore(pool: pool).importList(rows, format: .utf8, dryRun: false)
}
