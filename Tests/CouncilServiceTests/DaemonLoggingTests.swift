import Foundation
import Testing

@testable import CouncilService

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's log lines carry the request id: the caller's, or the one it made up and sent
/// back in `X-Request-Id`.
@Suite struct DaemonLoggingTests {
    @Test func everyLogLineOfARequestNamesItsID() async throws {
        try await withTestDatabase { configuration in
            let daemon = try await DaemonProcess.start(configuration, arguments: ["--log-level", "info"])
            do {
                let given = try await daemon.request(.GET, "/v1/prefectures", headers: ["X-Request-Id": "trace-log-1"])
                #expect(given.headers["x-request-id"] == "trace-log-1")
                let made = try await daemon.request(.GET, "/v1/no-such-thing")
                let id = try #require(made.headers["x-request-id"])
                #expect(made.body.contains("\"request_id\":\"\(id)\""))
                let other = try await daemon.request(.GET, "/v1/blocks")
                #expect(other.headers["x-request-id"] != id)
                daemon.signal(SIGTERM)
                #expect(try await daemon.waitExit() == 0)
                let lines = daemon.logText.split(separator: "\n")
                #expect(
                    lines.contains { $0.contains(" info council:") && $0.contains("hb.request.id=trace-log-1") && $0.contains("/v1/prefectures") })
                #expect(lines.contains { $0.contains("hb.request.id=\(id)") && $0.contains("/v1/no-such-thing") })
                #expect(lines.contains { $0.contains(" notice council:") && $0.contains("Council stopped") })
            } catch {
                await daemon.dispose()
                throw error
            }
            await daemon.dispose()
        }
    }
}
