import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// `GET /v1/events/stream` on a real server: live events as the caller may see them, resumed
/// with `Last-Event-ID` without gaps or repeats, even while many transactions commit out of
/// order; a revoked token ends the stream.
@Suite struct EventStreamTests {
    struct Event {
        let id: String
        let type: String
        let data: [String: Any]
        var issueNumber: Int? { ((data["data"] as? [String: Any])?["issue"] as? [String: Any])?["number"] as? Int }

        init(_ block: Substring) {
            var id = "", type = "", json = ""
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { json = String(line.dropFirst(6)) }
            }
            self.id = id
            self.type = type
            self.data = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// Splits a stream's text into its events (comments and the retry line left out).
    static func events(_ text: String) -> [Event] {
        text.split(separator: "\n\n").filter { $0.contains("event: ") }.map(Event.init)
    }

    static func withServer(
        heartbeat: Duration = .seconds(15), _ body: @escaping @Sendable (Int, TestEnvironment) async throws -> Void
    ) async throws {
        // Four connections: the server's streams, its outbox fan-out and the tests' own writers
        // (forty at once in one test) share this pool; with two, a catch-up stream once ended
        // mid-body in the loaded first minute of the whole suite, most likely waiting for a lease.
        try await withTestPool(maxConnections: 4) { pool, configuration in
            try await importSampleMunicipalities(pool)
            let environment = TestEnvironment(pool: pool, ids: try await TestIdentities.create(pool))
            let signal = OutboxSignal(configuration: configuration, logger: TestDatabases.logger)
            var settings = NotificationSettings()
            settings.heartbeat = heartbeat
            settings.poll = .milliseconds(200)
            let state = ServerState()
            let server = try await RunningServer.start(
                AppDependencies(pool: pool, state: state, web: .testing, notifications: settings, outboxSignal: signal), before: [signal],
                after: [DrainSignalService(state: state)])
            do {
                try await body(server.port, environment)
            } catch {
                try? await server.stop()
                throw error
            }
            try await server.stop()
        }
    }

    static func request(_ port: Int, _ path: String, as secret: String, lastEventID: String? = nil) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(secret)")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        return request
    }

    /// Everything there is after `lastEventID`, without waiting for more (`follow=false`).
    static func catchUp(
        _ port: Int, as secret: String, after lastEventID: String?, query: String = ""
    ) async throws -> (status: UInt, events: [Event], text: String) {
        let response = try await HTTPClient.shared.execute(
            request(port, "/v1/events/stream?follow=false\(query)", as: secret, lastEventID: lastEventID), timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 16 << 20))
        return (response.status.code, events(text), text)
    }

    @Test func liveEventsFollowVisibilityAndResumeFromLastEventID() async throws {
        try await Self.withServer { port, env in
            let vendorB = env.ids.identity(.vendorB).secret
            let response = try await HTTPClient.shared.execute(Self.request(port, "/v1/events/stream", as: vendorB), timeout: .seconds(30))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
            let first = try await env.issue("一件目の公開課題")
            let restricted = try await env.restrictedIssue()
            let second = try await env.issue("二件目の公開課題")
            var text = ""
            var iterator = response.body.makeAsyncIterator()
            while Self.events(text).count < 2, let chunk = try await iterator.next() {
                text += String(buffer: chunk)
            }
            let live = Self.events(text)
            #expect(live.map(\.issueNumber) == [first.number, second.number])
            #expect(live.allSatisfy { $0.type == "issue.created" })
            #expect(!text.contains("限定公開"), "vendor B does not see the restricted issue #\(restricted.number)")
            #expect(live[1].data["type"] as? String == "issue.created")

            // Disconnected: two more changes; the reconnect gets exactly them.
            let third = try await env.issue("三件目")
            _ = try await env.comment(on: third.number, by: .vendorA, "補足です")
            // Events show once every older transaction of the cluster has ended (other tests' too).
            var resumed = try await Self.catchUp(port, as: vendorB, after: live[1].id)
            try await eventually(within: .seconds(30)) {
                resumed = try await Self.catchUp(port, as: vendorB, after: live[1].id)
                return resumed.events.count >= 2
            }
            #expect(resumed.status == 200)
            #expect(resumed.events.map(\.type) == ["issue.created", "issue.commented"])
            #expect(resumed.events.map(\.issueNumber) == [third.number, third.number])
            // The reporter's organization sees the restricted issue in the same range.
            let vendorA = try await Self.catchUp(port, as: env.ids.identity(.vendorA).secret, after: live[0].id)
            #expect(vendorA.events.contains { $0.issueNumber == restricted.number })

            let filtered = try await Self.catchUp(port, as: vendorB, after: live[1].id, query: "&types=issue.commented&issue=\(third.number)")
            #expect(filtered.events.map(\.type) == ["issue.commented"])
        }
    }

    /// Many transactions commit in another order than they took their ids; a reader catching up
    /// again and again never skips one that committed late, nor gets one twice.
    @Test func resumingWhileManyWritersCommitLeavesNoGap() async throws {
        try await Self.withServer { port, env in
            let secret = env.ids.identity(.admin).secret
            let start = try await Self.catchUp(port, as: secret, after: nil)
            #expect(start.events.isEmpty)
            let startID = try #require(start.text.split(separator: "\n").first { $0.hasPrefix(": council events from ") }).dropFirst(22)
            let writers = Task {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<40 {
                        group.addTask {
                            // Some transactions hold their event a while before committing.
                            try await env.pool.withTransaction { connection in
                                try Outbox.record(connection, .meetingUpdated, .council, .system, data: ["n": .number(Double(index))])
                                if index % 3 == 0 { usleep(UInt32.random(in: 10_000...80_000)) }
                            }
                            return index
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
            }
            var seen: [Int] = []
            var last = String(startID)
            let deadline = ContinuousClock.now + .seconds(30)
            while seen.count < 40 && ContinuousClock.now < deadline {
                let batch = try await Self.catchUp(port, as: secret, after: last)
                for event in batch.events {
                    seen.append(((event.data["data"] as? [String: Any])?["n"] as? Int) ?? -1)
                    last = event.id
                }
                if batch.events.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            }
            _ = try await writers.value
            let rest = try await Self.catchUp(port, as: secret, after: last)
            #expect(rest.events.isEmpty)
            #expect(seen.sorted() == Array(0..<40), "\(seen.sorted())")
        }
    }

    @Test func aRevokedTokenEndsTheStreamAndABadLastEventIDIsRefused() async throws {
        try await Self.withServer(heartbeat: .milliseconds(300)) { port, env in
            let identity = env.ids.identity(.vendorB)
            let response = try await HTTPClient.shared.execute(Self.request(port, "/v1/events/stream", as: identity.secret), timeout: .seconds(30))
            #expect(response.status == .ok)
            _ = try await TokenStore(pool: env.pool).revoke(identity.tokenID, by: .system)
            let started = ContinuousClock.now
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            // Checked at every 0.3 s heartbeat; the bound is loose because the whole suite shares two
            // cores (10–13 s was seen there) — without the check the stream would never end.
            #expect(ContinuousClock.now - started < .seconds(25))
            #expect(text.hasPrefix("retry: "))

            // Events flowing do not keep a revoked token's stream alive either.
            let busy = env.ids.identity(.vendorA)
            let flowing = try await HTTPClient.shared.execute(Self.request(port, "/v1/events/stream", as: busy.secret), timeout: .seconds(30))
            // Events for 30 s: a stream kept alive by them would outlast the bound below by far,
            // while a loaded machine (the whole suite at once) may take seconds to end it.
            let writer = Task {
                for index in 0..<300 {
                    try await env.issue("流れ続ける課題 \(index)", by: .admin)
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { writer.cancel() }
            var seen = ""
            var iterator = flowing.body.makeAsyncIterator()
            while !seen.contains("event: issue.created"), let chunk = try await iterator.next() { seen += String(buffer: chunk) }
            _ = try await TokenStore(pool: env.pool).revoke(busy.tokenID, by: .system)
            let revokedAt = ContinuousClock.now
            while try await iterator.next() != nil {}
            #expect(ContinuousClock.now - revokedAt < .seconds(15), "the stream ended at the next check, while events still came")

            let bad = try await HTTPClient.shared.execute(
                Self.request(port, "/v1/events/stream", as: env.ids.identity(.observer).secret, lastEventID: "'; DROP TABLE"), timeout: .seconds(30))
            #expect(bad.status == .badRequest)
            let problem = String(buffer: try await bad.body.collect(upTo: 1 << 20))
            #expect(problem.contains("Last-Event-ID"))
        }
    }
}
