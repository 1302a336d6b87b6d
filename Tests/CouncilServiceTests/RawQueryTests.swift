import Foundation
import NIOCore
import NIOPosix
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
            let raw = Array("GET /v1/municipalities?q=さっぽろ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
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

    /// Sends bytes on a plain socket and reads until the server closes.
    static func exchange(_ bytes: [UInt8], port: Int) async throws -> String {
        try await TestDatabases.blocking {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(descriptor) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { return "connect failed" }
            _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                received += buffer.prefix(count)
            }
            return String(decoding: received, as: UTF8.self)
        }
    }
}
