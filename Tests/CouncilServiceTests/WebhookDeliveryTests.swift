import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Webhooks against a real receiver on loopback: signed as Standard Webhooks says (checked by
/// its reference library), retried, timed out, ordered, at least once across a killed daemon,
/// once across two, never to an organization that may not see the event.
@Suite struct WebhookDeliveryTests {
    /// Quick timings; loopback targets allowed as the operator's list would allow them.
    static func settings(
        timeout: Duration = .seconds(10), lease: Duration = .seconds(30), giveUpAfter: Duration = .seconds(3600)
    ) -> NotificationSettings {
        var settings = NotificationSettings(targets: WebhookTargetPolicy(allowList: try! WebhookTargetPolicy.parse("127.0.0.1")))
        settings.timeout = timeout
        settings.lease = lease
        settings.retryBase = .milliseconds(100)
        settings.maxDelay = .milliseconds(400)
        settings.giveUpAfter = giveUpAfter
        settings.poll = .milliseconds(100)
        return settings
    }

    /// A dispatcher running until the returned task is cancelled (as a killed daemon: no lease released).
    static func dispatch(_ env: TestEnvironment, _ settings: NotificationSettings, listening: DatabaseConfiguration? = nil) -> Task<Void, any Error> {
        let signal = OutboxSignal(configuration: listening, logger: TestDatabases.logger)
        let dispatcher = NotificationDispatcher(
            pool: env.pool, signal: signal, settings: settings, publicURL: "http://council.test", logger: TestDatabases.logger)
        return Task {
            async let listener: Void = signal.run()
            try await dispatcher.run()
            _ = try? await listener
        }
    }

    static func endpoint(
        _ env: TestEnvironment, _ client: any TestClientProtocol, as caller: TestIdentities.Caller, url: String, types: [String] = []
    ) async throws -> (id: Int, secret: String) {
        let response = try await env.send(client, .post, "/v1/webhooks", as: caller, json: ["url": url, "event_types": types])
        #expect(response.status == .created, "\(response.text)")
        let body = try response.json
        return (try #require(body["id"] as? Int), try #require(body["secret"] as? String))
    }

    static func withWebhookApp(
        _ settings: NotificationSettings = settings(), _ body: @escaping @Sendable (any TestClientProtocol, TestEnvironment) async throws -> Void
    ) async throws {
        // Six connections: the dispatcher's workers and fan-out share this pool with the app and
        // the test's polling (the daemon gives the dispatcher a pool of its own); with two, a
        // failing endpoint once went undisabled for 30 s in a loaded clean-clone run.
        try await withTestPool(maxConnections: 6) { pool, _ in
            try await importSampleMunicipalities(pool)
            let environment = TestEnvironment(pool: pool, ids: try await TestIdentities.create(pool))
            let app = Application(
                router: buildRouter(AppDependencies(pool: pool, web: .testing, notifications: settings)), logger: TestDatabases.logger)
            try await app.test(.router) { client in try await body(client, environment) }
        }
    }

    @Test func failuresAreRetriedWithTheSameIdAndEverySignatureVerifies() async throws {
        let receiver = try await WebhookReceiver.start { index, _ in .init(status: index < 2 ? .internalServerError : .ok) }
        defer { Task { await receiver.stop() } }
        try await Self.withWebhookApp { client, env in
            let (id, secret) = try await Self.endpoint(env, client, as: .vendorA, url: receiver.url(), types: ["issue.created"])
            let dispatcher = Self.dispatch(env, Self.settings())
            defer { dispatcher.cancel() }
            let issue = try await env.issue("通知のテスト 帳票")
            try await waitUntil(within: .seconds(90)) { receiver.requests.count >= 3 }
            let requests = receiver.requests
            #expect(requests.count == 3)
            #expect(Set(requests.map(\.id)).count == 1, "every attempt carries the same webhook-id")
            #expect(requests.allSatisfy { $0.type == "issue.created" })
            #expect((requests[0].data["issue"] as? [String: Any])?["title"] as? String == "通知のテスト 帳票")
            #expect(requests[0].data["html_url"] as? String == "http://council.test/issues/\(issue.number)")
            #expect(try StandardWebhooksVerifier.verify(requests, secret: secret) == [true, true, true])
            #expect(try StandardWebhooksVerifier.verify(requests, secret: WebhookSecret.generate().text) == [false, false, false])

            try await eventually(within: .seconds(90)) {
                // The log is written just after the answer: wait for it.
                try await Self.deliveries(env, client, id).first?["state"] as? String == "delivered"
            }
            let delivery = try #require(try await Self.deliveries(env, client, id).first)
            #expect(delivery["attempts"] as? Int == 3)
            let log = try #require(delivery["log"] as? [[String: Any]])
            #expect(log.map { $0["status"] as? Int } == [500, 500, 200])
            #expect(log.allSatisfy { ($0["response"] as? String)?.hasPrefix("answer") == true })
        }
    }

    static func deliveries(_ env: TestEnvironment, _ client: any TestClientProtocol, _ id: Int) async throws -> [[String: Any]] {
        try await env.send(client, .get, "/v1/webhooks/\(id)/deliveries", as: .vendorA).json.items
    }

    @Test func aSlowReceiverTimesOutAndARedirectIsNotFollowed() async throws {
        let receiver = try await WebhookReceiver.start { _, path in
            path == "/slow"
                ? .init(delay: .seconds(30))
                : .init(status: .found, headers: [.location: "http://127.0.0.1:1/elsewhere"])
        }
        defer { Task { await receiver.stop() } }
        try await Self.withWebhookApp(Self.settings(timeout: .seconds(2))) { client, env in
            let slow = try await Self.endpoint(env, client, as: .vendorA, url: receiver.url("/slow"), types: ["issue.created"])
            let moved = try await Self.endpoint(env, client, as: .vendorA, url: receiver.url("/moved"), types: ["issue.created"])
            let dispatcher = Self.dispatch(env, Self.settings(timeout: .seconds(2)))
            defer { dispatcher.cancel() }
            try await env.issue()
            try await eventually(within: .seconds(60)) {
                let slowLog = try await Self.deliveries(env, client, slow.id).first?["log"] as? [[String: Any]] ?? []
                let movedLog = try await Self.deliveries(env, client, moved.id).first?["log"] as? [[String: Any]] ?? []
                // A loaded machine may cut a redirect's answer by the timeout too (1.3 s was seen
                // for a local 302 with the whole suite on two cores): one attempt is answered in time.
                return slowLog.count >= 2 && movedLog.contains { $0["status"] as? Int == 302 }
            }
            let slowDelivery = try #require(try await Self.deliveries(env, client, slow.id).first)
            #expect(slowDelivery["state"] as? String == "pending")
            let slowLog = try #require(slowDelivery["log"] as? [[String: Any]])
            #expect(slowLog.allSatisfy { $0["status"] == nil && ($0["error"] as? String)?.isEmpty == false })
            // Cut by the 2 s timeout, well before the receiver's 30 s (a loaded machine adds its own
            // delay: 4.9 s was seen once with both test suites and a build sharing two cores).
            #expect(slowLog.allSatisfy { ($0["latency_ms"] as? Int ?? 0) < 25_000 }, "\(slowLog)")
            let movedLog = try #require(try await Self.deliveries(env, client, moved.id).first?["log"] as? [[String: Any]])
            // (On a loaded machine an attempt may time out instead; none is followed.)
            #expect(movedLog.allSatisfy { $0["status"] as? Int == 302 || $0["status"] == nil })
            #expect(receiver.requests("/elsewhere").isEmpty)
        }
    }

    @Test func aRestrictedIssueReachesOnlyThoseWhoSeeIt() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        try await Self.withWebhookApp { client, env in
            _ = try await Self.endpoint(env, client, as: .vendorA, url: receiver.url("/a"))
            _ = try await Self.endpoint(env, client, as: .admin, url: receiver.url("/b"))
            // Vendor B's endpoint, registered by the secretariat for it.
            let response = try await env.send(
                client, .post, "/v1/webhooks", as: .admin, json: ["url": receiver.url("/vendor-b"), "organization_id": env.ids.vendorB.id])
            #expect(response.status == .created)
            let dispatcher = Self.dispatch(env, Self.settings())
            defer { dispatcher.cancel() }
            let restricted = try await env.restrictedIssue()
            _ = try await env.comment(on: restricted.number, by: .vendorA, "限定公開の返答")
            let open = try await env.issue("公開の課題")
            // Who receives what is the point here, not how soon: under a loaded machine a delivery
            // has been seen to stall for more than 30 s (cause not yet found; see the issue's notes).
            try await waitUntil(within: .seconds(90)) {
                receiver.messages("/vendor-b").count >= 1 && receiver.messages("/a").count >= 3 && receiver.messages("/b").count >= 3
            }
            try await Task.sleep(for: .milliseconds(300))
            let seenByB = receiver.messages("/vendor-b")
            #expect(seenByB.count == 1)
            #expect(seenByB.allSatisfy { !$0.body.contains("限定公開") })
            #expect((seenByB.first?.data["issue"] as? [String: Any])?["number"] as? Int == open.number)
            #expect(receiver.messages("/a").map(\.type) == ["issue.created", "issue.commented", "issue.created"])
            #expect(receiver.messages("/b").count == 3, "the secretariat sees everything")
        }
    }

    /// The audience is asked again before a send once a second has passed since it was read: an
    /// issue restricted while a slow receiver takes the batch's first events is not sent to an
    /// organization that may no longer see it.
    @Test func anIssueRestrictedDuringASlowBatchIsNotSent() async throws {
        let receiver = try await WebhookReceiver.start { _, _ in .init(delay: .milliseconds(1500)) }
        defer { Task { await receiver.stop() } }
        try await Self.withWebhookApp { client, env in
            // Vendor B's endpoint hears of every event it may see.
            let response = try await env.send(
                client, .post, "/v1/webhooks", as: .admin, json: ["url": receiver.url("/vendor-b"), "organization_id": env.ids.vendorB.id])
            #expect(response.status == .created)
            let first = try await env.issue("一件目")
            let second = try await env.issue("二件目")
            let third = try await env.issue("三件目")
            var settings = Self.settings()
            settings.workers = 1
            let dispatcher = Self.dispatch(env, settings)
            defer { dispatcher.cancel() }
            // All three are in the first batch; the third is restricted while the first is sent.
            try await waitUntil(within: .seconds(90)) { !receiver.requests.isEmpty }
            let etag = try #require(try await env.send(client, .get, "/v1/issues/\(third.number)", as: .vendorA).headers[.eTag])
            let patched = try await env.send(
                client, .patch, "/v1/issues/\(third.number)", as: .vendorA, json: ["visibility": "restricted"], headers: [.ifMatch: etag])
            #expect(patched.status == .ok, "\(patched.text)")
            try await eventually(within: .seconds(90)) {
                try await env.pool.withConnection {
                    try $0.query(Query("test.pending", "SELECT count(*) AS n FROM webhook_deliveries WHERE state = 'pending'")).single()
                        .decode("n") as Int
                } == 0
            }
            let numbers = receiver.requests.map { ($0.data["issue"] as? [String: Any])?["number"] as? Int ?? 0 }
            #expect(numbers == [first.number, second.number], "\(numbers)")
        }
    }

    @Test func aRolledBackChangeNotifiesNobody() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        try await Self.withWebhookApp { client, env in
            _ = try await Self.endpoint(env, client, as: .admin, url: receiver.url())
            let issue = try await env.issue("取り消される変更")
            let principal = try await env.principal(.admin)
            struct Abandoned: Error {}
            await #expect(throws: Abandoned.self) {
                try await env.pool.withTransaction { connection in
                    _ = try IssueStore.transition(
                        issue.number, .init(to: .triaged), principal, AuditActor(principal, requestID: "rollback"), on: connection)
                    throw Abandoned()
                }
            }
            try await env.issue("次の課題")
            let dispatcher = Self.dispatch(env, Self.settings())
            defer { dispatcher.cancel() }
            try await waitUntil(within: .seconds(90)) { receiver.messages.count >= 2 }
            try await Task.sleep(for: .milliseconds(300))
            #expect(receiver.messages.map(\.type) == ["issue.created", "issue.created"])
            let events: Int = try await env.pool.withConnection {
                try $0.query(Query("test.transitions", "SELECT count(*) AS n FROM outbox_events WHERE kind = 'issue.transitioned'")).single().decode(
                    "n")
            }
            #expect(events == 0)
        }
    }

    /// The first daemon is killed while the receiver holds its request; its lease runs out and
    /// the second sends the event again, with the same id. Nothing is lost; order holds.
    @Test func aDaemonKilledMidDeliveryLosesNothing() async throws {
        let receiver = try await WebhookReceiver.start { index, _ in .init(delay: index == 0 ? .seconds(3) : .zero) }
        defer { Task { await receiver.stop() } }
        try await Self.withWebhookApp { client, env in
            let (_, secret) = try await Self.endpoint(env, client, as: .admin, url: receiver.url())
            let first = try await env.issue("一件目")
            let second = try await env.issue("二件目")
            var settings = Self.settings(lease: .seconds(1))
            settings.workers = 1
            let killed = Self.dispatch(env, settings)
            try await waitUntil(within: .seconds(90)) { receiver.requests.count == 1 }
            killed.cancel()
            let survivor = Self.dispatch(env, settings)
            defer { survivor.cancel() }
            try await waitUntil(within: .seconds(40)) { Set(receiver.requests.map(\.id)).count == 2 && receiver.requests.count >= 3 }
            let numbers = receiver.requests.map { ($0.data["issue"] as? [String: Any])?["number"] as? Int }
            #expect(numbers.first == first.number)
            #expect(numbers.last == second.number)
            #expect(Set(numbers.dropLast()) == [first.number], "the first event is sent again before the second")
            let ids = receiver.requests.map(\.id)
            #expect(Set(ids.dropLast()).count == 1)
            #expect(try StandardWebhooksVerifier.verify(receiver.requests, secret: secret).allSatisfy { $0 })
        }
    }

    @Test func twoDaemonsDeliverEachEventOnceInOrder() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        try await Self.withWebhookApp { client, env in
            for path in ["/one", "/two", "/three"] { _ = try await Self.endpoint(env, client, as: .admin, url: receiver.url(path)) }
            // Leases as the daemon's (30 s): none runs out on a loaded machine, so none is sent twice.
            let settings = Self.settings(lease: .seconds(30))
            let a = Self.dispatch(env, settings), b = Self.dispatch(env, settings)
            defer {
                a.cancel()
                b.cancel()
            }
            var numbers: [Int] = []
            for index in 0..<12 { numbers.append(try await env.issue("課題\(index)").number) }
            try await waitUntil(within: .seconds(60)) { receiver.requests.count >= 36 }
            try await Task.sleep(for: .milliseconds(500))
            for path in ["/one", "/two", "/three"] {
                let got = receiver.requests(path).map { ($0.data["issue"] as? [String: Any])?["number"] as? Int ?? 0 }
                #expect(got == numbers, "\(path): \(got)")
            }
            #expect(receiver.requests.count == 36)
        }
    }

    /// A backlog (the daemon was down) longer than a worker's turn, and events arriving while it
    /// is sent: read a batch at a time, the endpoint queued again after each turn and after each
    /// event that came during one, every event sent once and in order.
    @Test func aBacklogLongerThanATurnIsSentOnceInOrder() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        try await Self.withWebhookApp { client, env in
            _ = try await Self.endpoint(env, client, as: .admin, url: receiver.url())
            let backlog = NotificationDispatcher.batch * NotificationDispatcher.turnBatches + 25
            var numbers: [Int] = []
            for index in 0..<backlog { numbers.append(try await env.issue("滞留\(index)").number) }
            var settings = Self.settings()
            settings.workers = 3
            // No scan after the first: only the fan-out (woken by the database's notifications) and
            // the turns queue work, so a turn that forgot its endpoint leaves events unsent.
            settings.poll = .seconds(3600)
            let dispatcher = Self.dispatch(env, settings, listening: env.pool.configuration)
            defer { dispatcher.cancel() }
            try await waitUntil(within: .seconds(60)) { receiver.requests.count >= backlog }
            for index in 0..<10 { numbers.append(try await env.issue("追加\(index)").number) }
            try await waitUntil(within: .seconds(60)) { receiver.requests.count >= numbers.count }
            try await Task.sleep(for: .milliseconds(300))
            let got = receiver.requests.map { ($0.data["issue"] as? [String: Any])?["number"] as? Int ?? 0 }
            #expect(got == numbers)
        }
    }

    @Test func aFailingEndpointIsDisabledAndItsOrganizationIsTold() async throws {
        let receiver = try await WebhookReceiver.start { _, _ in .init(status: .serviceUnavailable) }
        defer { Task { await receiver.stop() } }
        let settings = Self.settings(giveUpAfter: .milliseconds(600))
        try await Self.withWebhookApp(settings) { client, env in
            let (id, _) = try await Self.endpoint(env, client, as: .vendorA, url: receiver.url(), types: ["issue.created"])
            let dispatcher = Self.dispatch(env, settings)
            defer { dispatcher.cancel() }
            try await env.issue()
            try await eventually(within: .seconds(90)) {
                try await env.send(client, .get, "/v1/webhooks/\(id)", as: .vendorA).json["enabled"] as? Bool == false
            }
            let endpoint = try await env.send(client, .get, "/v1/webhooks/\(id)", as: .vendorA).json
            #expect((endpoint["disabled_reason"] as? String)?.contains("HTTP 503") == true)
            #expect(try await Self.deliveries(env, client, id).first?["state"] as? String == "failed")
            // The stream shows events up to the horizon (every transaction begun before them
            // ended): a dispatcher's transaction still open may hold it back a moment.
            try await eventually(within: .seconds(10)) {
                try await env.send(client, .get, "/v1/events/stream?follow=false&after=0-0&types=webhook.disabled", as: .vendorA).text
                    .contains("event: webhook.disabled")
            }
            let other = try await env.send(client, .get, "/v1/events/stream?follow=false&after=0-0&types=webhook.disabled", as: .vendorB)
            #expect(!other.text.contains("event: webhook.disabled"))
            // Enabled again, the pending work resumes (here: none is left, the delivery failed).
            let enabled = try await env.send(client, .patch, "/v1/webhooks/\(id)", as: .vendorA, json: ["enabled": true])
            #expect(enabled.status == .ok)
            #expect(try enabled.json["disabled_reason"] == nil)
        }
    }

    @Test func anEndpointScopedToItsOwnHearsOnlyWhatConcernsItsOrganization() async throws {
        let receiver = try await WebhookReceiver.start()
        let everything = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        defer { Task { await everything.stop() } }
        try await Self.withWebhookApp { client, env in
            let response = try await env.send(
                client, .post, "/v1/webhooks", as: .vendorA, json: ["url": receiver.url(), "scope": "own", "event_types": ["issue.created"]])
            #expect(response.status == .created)
            #expect(try response.json["scope"] as? String == "own")
            // Beside it, another vendor's endpoint (registered by the secretariat) for everything
            // that vendor may see hears all three.
            let all = try await env.send(
                client, .post, "/v1/webhooks", as: .admin,
                json: ["url": everything.url(), "organization_id": env.ids.vendorB.id, "scope": "all", "event_types": ["issue.created"]])
            #expect(all.status == .created)
            let dispatcher = Self.dispatch(env, Self.settings())
            defer { dispatcher.cancel() }
            let others = try await env.issue("ベンダーBだけの課題", by: .vendorB)
            let naming = try await env.issue("ベンダーAも名指しする課題", by: .vendorB, vendors: [env.ids.vendorA.id, env.ids.vendorB.id])
            let own = try await env.issue("ベンダーAの課題", by: .vendorA)
            try await waitUntil(within: .seconds(90)) { receiver.messages.count >= 2 && everything.messages.count >= 3 }
            try await Task.sleep(for: .milliseconds(500))
            func numbers(_ receiver: WebhookReceiver) -> [Int?] { receiver.messages.map { ($0.data["issue"] as? [String: Any])?["number"] as? Int } }
            #expect(numbers(receiver) == [naming.number, own.number])
            #expect(numbers(everything) == [others.number, naming.number, own.number])
        }
    }

    @Test func aRotatedSecretSignsBesideTheOldOne() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        try await Self.withWebhookApp { client, env in
            let (id, old) = try await Self.endpoint(env, client, as: .vendorA, url: receiver.url(), types: ["issue.created"])
            let rotated = try await env.send(client, .post, "/v1/webhooks/\(id)/secret", as: .vendorA)
            #expect(rotated.status == .ok)
            let new = try #require(try rotated.json["secret"] as? String)
            #expect(new != old && new.hasPrefix("whsec_"))
            #expect(try rotated.json["previous_secret_until"] != nil)
            #expect(try await env.send(client, .get, "/v1/webhooks/\(id)", as: .vendorA).json["secret"] == nil, "shown once")
            let dispatcher = Self.dispatch(env, Self.settings())
            defer { dispatcher.cancel() }
            try await env.issue()
            try await waitUntil(within: .seconds(90)) { receiver.requests.count >= 1 }
            #expect(receiver.requests[0].signature.split(separator: " ").count == 2)
            #expect(try StandardWebhooksVerifier.verify(receiver.requests, secret: new) == [true])
            #expect(try StandardWebhooksVerifier.verify(receiver.requests, secret: old) == [true])
        }
    }

    @Test func targetsMustBePublicHTTPSUnlessTheOperatorAllowsThem() async throws {
        try await Self.withWebhookApp(NotificationSettings()) { client, env in
            for url in [
                "http://hooks.example.jp/x", "https://127.0.0.1/x", "https://10.1.2.3/x", "https://[::1]/x", "https://169.254.169.254/latest",
                "https://localhost/x", "https://user:pw@hooks.example.jp/x", "ftp://hooks.example.jp/x", "hooks.example.jp",
                "https://[::ffff:192.168.0.1]/x",
            ] {
                let response = try await env.send(client, .post, "/v1/webhooks", as: .vendorA, json: ["url": url])
                try expectProblem(response, .unprocessableContent, field: "url")
            }
            let unknownType = try await env.send(
                client, .post, "/v1/webhooks", as: .vendorA, json: ["url": "https://hooks.example.jp/x", "event_types": ["issue.deleted"]])
            #expect(unknownType.status == .badRequest)
            let other = try await env.send(
                client, .post, "/v1/webhooks", as: .vendorA, json: ["url": "https://hooks.example.jp/x", "organization_id": env.ids.vendorB.id])
            #expect(other.status == .forbidden)
            let count: Int = try await env.pool.withConnection {
                try $0.query(Query("test.endpoints", "SELECT count(*) AS n FROM webhook_endpoints")).single().decode("n")
            }
            #expect(count == 0)
        }
        let allowing = WebhookTargetPolicy(allowList: try WebhookTargetPolicy.parse("127.0.0.1, 10.20.0.0/16, hooks.lgwan.example"))
        #expect(allowing.refusal(of: "http://127.0.0.1:9000/x") == nil)
        #expect(allowing.refusal(of: "http://10.20.3.4/x") == nil)
        #expect(allowing.refusal(of: "http://hooks.lgwan.example/x") == nil)
        #expect(allowing.refusal(of: "https://10.21.0.1/x") != nil)
        #expect(throws: WebhookTargetRefused.self) { try WebhookTargetPolicy().check(resolving: "https://127.0.0.1/x") }
        #expect(throws: ConfigurationError.self) { try WebhookTargetPolicy.parse("10.0.0.0/33") }
        for (address, isPublic) in [
            ("8.8.8.8", true), ("10.0.0.1", false), ("172.16.5.4", false), ("172.32.0.1", true), ("100.64.0.1", false),
            ("169.254.169.254", false), ("::ffff:127.0.0.1", false), ("fe80::1", false), ("fd00::1", false), ("2001:4860:4860::8888", true),
        ] {
            #expect(IPAddress(address)?.isPublic == isPublic, "\(address)")
        }
    }
}

/// Polls an asynchronous condition every 50 ms for at most `limit`.
func eventually(
    within limit: Duration = .seconds(10), _ condition: () async throws -> Bool, sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("condition not met within \(limit)", sourceLocation: sourceLocation)
}

/// Delivered events go after the retention; events still owed to someone stay.
@Suite struct OutboxPruneTests {
    @Test func oldDeliveredEventsArePrunedAndPendingOnesKept() async throws {
        try await WebhookDeliveryTests.withWebhookApp { client, env in
            let (endpoint, _) = try await WebhookDeliveryTests.endpoint(env, client, as: .admin, url: "https://hooks.example.jp/council")
            try await env.pool.withConnection { connection in
                // Events as old as the retention ago (the daemon's role may add events, not rewrite them).
                _ = try connection.query(
                    Query(
                        "test.events",
                        """
                        INSERT INTO outbox_events (kind, at, data)
                        VALUES ('meeting.updated', now() - interval '40 days', '{"t": "古い届いた"}'),
                               ('meeting.updated', now() - interval '40 days', '{"t": "古い未配達"}'),
                               ('meeting.updated', now(), '{"t": "新しい"}')
                        """))
                _ = try connection.query(
                    Query(
                        "test.deliveries",
                        """
                        INSERT INTO webhook_deliveries (endpoint_id, event_id, state)
                        SELECT \(endpoint), id, CASE WHEN data->>'t' = '古い届いた' THEN 'delivered' ELSE 'pending' END
                        FROM outbox_events
                        """))
            }
            let pruned = try await env.pool.withConnection {
                try WebhookQueue.prune(before: Date().addingTimeInterval(-30 * 86400), limit: 100, on: $0)
            }
            #expect(pruned == 1)
            let left: [String] = try await env.pool.withConnection { connection in
                try connection.query(Query("test.left", "SELECT data->>'t' AS t FROM outbox_events ORDER BY id")).rows.map {
                    try $0.decode("t")
                }
            }
            #expect(left == ["古い未配達", "新しい"])
        }
    }
}
