import Foundation
import Hummingbird
import ServiceLifecycle
import Testing

@testable import CouncilService

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ExpectContinueTests {
    /// A client that sends `Expect: 100-continue` gets the interim answer before sending its body.
    @Test func largeUploadsAreToldToContinueAtOnce() async throws {
        try await withTestPool { pool, _ in
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            let application = buildApplication(
                AppDependencies(pool: pool), address: ServerAddress(host: "127.0.0.1", port: 0),
                logger: TestDatabases.logger, onServerRunning: { continuation.yield($0) })
            let group = ServiceGroup(services: [application], gracefulShutdownSignals: [], cancellationSignals: [], logger: TestDatabases.logger)
            let running = Task { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())

            let (interim, final) = try await TestDatabases.blocking { () throws -> (String, String) in
                let socket = try RawSocket(port: port)
                try socket.send(
                    "POST /v1/municipalities/import HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
                        + "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                let interim = try socket.receive(timeoutMilliseconds: 2000)
                try socket.send("a,b\r\n")
                let final = try socket.receive(timeoutMilliseconds: 30_000)  // the whole suite may share two cores
                return (interim, final)
            }
            #expect(interim.hasPrefix("HTTP/1.1 100 Continue"))
            // The final answer may arrive with the interim one or after the body; either way it follows it.
            #expect((interim + final).contains("HTTP/1.1 401"))
            await group.triggerGracefulShutdown()
            try await running.value
        }
    }
}

/// A blocking TCP client on loopback, for speaking raw HTTP/1.1.
final class RawSocket {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(descriptor) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(descriptor, bytes, bytes.count, 0) == bytes.count else { throw POSIXError(.EIO) }
    }

    /// Everything until the server closes the connection.
    func receiveAll() -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while case let count = recv(descriptor, &buffer, buffer.count, 0), count > 0 { received += buffer[..<count] }
        return String(decoding: received, as: UTF8.self)
    }

    /// What arrives within the timeout (empty if nothing does).
    func receive(timeoutMilliseconds: Int32) throws -> String {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, timeoutMilliseconds) > 0 else { return "" }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
    }
}
