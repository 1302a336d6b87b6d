import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import ServiceLifecycle
import Testing

@testable import CouncilService

/// Security review, low finding: the CLI's bearer token goes over plain http only to this
/// machine, and never follows a redirect to another origin unless `--insecure` is given.
@Suite struct CLITokenSafetyTests {
    /// A server on a free loopback port answering every request with `answer`, noting the
    /// Authorization headers it receives.
    final class Peer: Sendable {
        let port: Int
        private let seen: NIOLockedValueBox<[String]>
        private let group: ServiceGroup
        private let task: Task<Void, any Error>

        init(_ answer: @escaping @Sendable (Request) -> Response) async throws {
            let router = Router()
            let seen = NIOLockedValueBox<[String]>([])
            router.get("**") { request, _ -> Response in
                seen.withLockedValue { $0.append(request.headers[.authorization] ?? "") }
                return answer(request)
            }
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            let application = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: TestDatabases.logger)
            let group = ServiceGroup(services: [application], gracefulShutdownSignals: [], cancellationSignals: [], logger: TestDatabases.logger)
            self.group = group
            self.task = Task { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            self.port = await iterator.next() ?? 0
            self.seen = seen
        }

        var received: [String] { seen.withLockedValue { $0 } }

        func stop() async throws {
            await group.triggerGracefulShutdown()
            try await task.value
        }
    }

    @Test func aRedirectToAnotherOriginDoesNotCarryTheToken() async throws {
        let trap = try await Peer { _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let redirector = try await Peer { request in
            Response(status: .found, headers: [.location: "http://127.0.0.1:\(trap.port)\(request.uri.path)"])
        }
        let cli = CLIRunner(environment: [
            "PATH": "/usr/bin:/bin", "HOME": "/tmp", "COUNCIL_CONFIG": "/nonexistent",
            "COUNCIL_TOKEN": "council_secret-of-the-test",
        ])
        let refused = try await cli.run(["whoami", "--url", "http://127.0.0.1:\(redirector.port)"])
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("another origin"), "\(refused.stderr)")
        #expect(redirector.received == ["Bearer council_secret-of-the-test"])
        #expect(trap.received.isEmpty)
        // Told to, it follows.
        _ = try await cli.run(["whoami", "--insecure", "--url", "http://127.0.0.1:\(redirector.port)"])
        #expect(trap.received.count == 1)
        try await redirector.stop()
        try await trap.stop()
    }

    @Test func plainHTTPGoesOnlyToThisMachine() async throws {
        let peer = try await Peer { _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let cli = CLIRunner(environment: ["PATH": "/usr/bin:/bin", "HOME": "/tmp", "COUNCIL_CONFIG": "/nonexistent", "COUNCIL_TOKEN": "council_x"])
        // Refused before any connection is made.
        let refused = try await cli.run(["whoami", "--url", "http://council.example.invalid:8080"])
        #expect(refused.status == 64 && refused.stderr.contains("plain http"), "\(refused.stderr)")
        // This machine, by name or address, is fine.
        for host in ["localhost", "127.0.0.1"] {
            let local = try await cli.run(["whoami", "--url", "http://\(host):\(peer.port)"])
            #expect(local.status != 64, "\(host): \(local.stderr)")
        }
        #expect(peer.received.count == 2)
        try await peer.stop()
    }
}
