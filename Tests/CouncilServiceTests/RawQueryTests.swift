import Foundation
import Testing

@testable import CouncilService

/// A URL with raw UTF-8 in its query, as `curl 'localhost:8080/v1/municipalities?q=さっぽろ'`
/// sends it, is answered like its percent-encoded form.
@Suite struct RawQueryTests {
    @Test func rawUTF8InAQueryIsAnswered() async throws {
        try await withTestPool { pool, _ in
            try await importSampleMunicipalities(pool)
            let server = try await RunningServer.start(AppDependencies(pool: pool))
            defer { Task { try? await server.stop() } }
            // An empty line before the request line is allowed and skipped.
            let raw = Array("\r\nGET /v1/municipalities?q=さっぽろ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
            let answer = try await Self.exchange(raw, port: server.port)
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(400))")
            #expect(answer.contains("札幌市"), "\(answer.prefix(400))")

            // On one connection: a body with Japanese in it is passed untouched (by its length),
            // and the request after it is read as a request again.
            let ids = try await TestIdentities.create(pool)
            let body = Array(#"{"title":"帳票?q=さっぽろ","category":"spec","severity":"low"}"#.utf8)
            let pipelined =
                Array("POST /v1/issues HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(ids.identity(.vendorA).secret)\r\n".utf8)
                + Array("Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
                + Array("GET /v1/municipalities?q=札幌 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
            let answers = try await Self.exchange(pipelined, port: server.port)
            #expect(answers.hasPrefix("HTTP/1.1 201") && answers.contains(#""title":"帳票?q=さっぽろ""#), "\(answers.prefix(600))")
            #expect(answers.components(separatedBy: "HTTP/1.1 200").count == 2 && answers.contains("札幌市"), "\(answers.suffix(600))")
        }
    }

    /// Sends a request (or several) on one connection and reads until the server closes it.
    static func exchange(_ bytes: [UInt8], port: Int) async throws -> String {
        try await TestDatabases.blocking {
            let socket = try RawSocket(port: port)
            try socket.send(String(decoding: bytes, as: UTF8.self))
            return socket.receiveAll()
        }
    }
}
