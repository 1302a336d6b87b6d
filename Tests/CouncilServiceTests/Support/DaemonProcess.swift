import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

@testable import CouncilDatabase
@testable import CouncilService

#if canImport(Glibc)
    import Glibc
#endif

/// The real `council serve` as a child process on a free port, for faults only a process can
/// suffer: SIGKILL, SIGTERM, two daemons on one database. Its log goes to a file that failed
/// tests print.
final class DaemonProcess: Sendable {
    let pid: pid_t
    let port: Int
    let log: URL
    var url: String { "http://127.0.0.1:\(port)" }

    private init(pid: pid_t, port: Int, log: URL) {
        self.pid = pid
        self.port = port
        self.log = log
    }

    /// Starts `council serve` on `database` (migrating it unless told not to; nil: its embedded
    /// PostgreSQL, given `--data-dir` in `arguments`) and waits until `/health/ready` answers 200.
    static func start(_ database: DatabaseConfiguration?, arguments: [String] = [], waitReady: Bool = true) async throws -> DaemonProcess {
        guard let binary = CLIRunner.binary else { throw ConfigurationError("the council binary was not built next to the tests") }
        // A free port can be taken by another process of the test run between `freePort` and
        // the daemon's bind (a client's ephemeral port): the daemon then exits at once, and is
        // started again on another port.
        for attempt in 1... {
            let port = try freePort()
            let log = FileManager.default.temporaryDirectory.appending(path: "council-daemon-\(UUID().uuidString).log")
            let pid = try spawnChild(
                binary.path, ["serve", "--host", "127.0.0.1", "--port", String(port), "--log-level", "notice"] + arguments,
                environment: (database.map { ["DATABASE_URL": $0.description] } ?? [:]).merging(
                    ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]) { $1 },
                stdout: log, stderr: log, append: true)
            let daemon = DaemonProcess(pid: pid, port: port, log: log)
            guard waitReady else { return daemon }
            do {
                try await daemon.waitReady()
                return daemon
            } catch let exited as ExitedWhileStarting where exited.log.contains("Address already in use") && attempt < 3 {
                continue
            }
        }
        preconditionFailure("unreachable")
    }

    struct ExitedWhileStarting: Error, CustomStringConvertible {
        let log: String
        var description: String { "council serve exited while starting:\n\(log)" }
    }

    func waitReady(within limit: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let status = try? await get("/health/ready").status, status == 200 { return }
            // An exited child stays a zombie until reaped, so `kill(pid, 0)` would not see it.
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { throw ExitedWhileStarting(log: logText) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ConfigurationError("council serve was not ready within \(limit):\n\(logText)")
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the process to end and returns its exit status (128 + n for signal n).
    func waitExit(within limit: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + limit
        var status: Int32 = 0
        while ContinuousClock.now < deadline {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return exitCode(waitStatus: status) }
            if result == -1, errno != EINTR { throw ConfigurationError("waitpid failed") }
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(pid, SIGKILL)
        throw ConfigurationError("council serve did not exit within \(limit):\n\(logText)")
    }

    /// Stops the process (SIGKILL) if it still runs, and removes its log.
    func dispose() async {
        if kill(pid, 0) == 0 {
            kill(pid, SIGKILL)
            _ = try? await waitExit(within: .seconds(10))
        }
        try? FileManager.default.removeItem(at: log)
    }

    struct Answer: Sendable {
        let status: UInt
        let headers: [String: String]
        let body: String
    }

    /// One request; `timeout` bounds the whole exchange.
    func request(
        _ method: HTTPMethod, _ path: String, token: String? = nil, headers extra: [String: String] = [:],
        json: String? = nil, body: [UInt8]? = nil, contentType: String? = nil, timeout: Duration = .seconds(30)
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        } else if let body {
            request.headers.add(name: "Content-Type", value: contentType ?? "application/octet-stream")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
        let collected = try await response.body.collect(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Answer(status: response.status.code, headers: headers, body: String(buffer: collected))
    }

    func get(_ path: String, token: String? = nil) async throws -> Answer {
        try await request(.GET, path, token: token, timeout: .seconds(5))
    }

    /// A port nobody listens on now (bound to port 0, read, closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ConfigurationError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ConfigurationError("bind failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
