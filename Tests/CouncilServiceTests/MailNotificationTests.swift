import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// E-mail against a real SMTP server (aiosmtpd), parsed by Python's `email`: who is told, in
/// Japanese with encoded headers and threading; visibility when it is sent; digests and the
/// one-click unsubscribe; a refused address; STARTTLS with AUTH.
@Suite struct MailNotificationTests {
    static func settings(_ catcher: MailCatcher, host: String = "127.0.0.1", credentials: (String, String)? = nil) -> NotificationSettings {
        var settings = WebhookDeliveryTests.settings()
        settings.mail = MailSettings(
            relay: .smtp(host: host, port: catcher.port, implicitTLS: false, username: credentials?.0, password: credentials?.1),
            trustRoots: catcher.caFile, from: "council@council.test")
        return settings
    }

    /// The app with `settings`, its notification dispatcher running while `body` runs. (Waits for
    /// deliveries allow 90 s: the whole suite starts at once on two cores, and 30 s was missed
    /// there by deliveries that arrive in well under a second alone.)
    static func withDispatchingApp(
        _ settings: NotificationSettings, _ body: @escaping @Sendable (any TestClientProtocol, TestEnvironment) async throws -> Void
    ) async throws {
        try await WebhookDeliveryTests.withWebhookApp(settings) { client, env in
            let dispatcher = WebhookDeliveryTests.dispatch(env, settings)
            defer { dispatcher.cancel() }
            try await body(client, env)
        }
    }

    @Test func thoseConcernedGetJapaneseMailThreadedPerIssue() async throws {
        let catcher = try await MailCatcher.start()
        defer { catcher.stop() }
        let settings = Self.settings(catcher)
        try await Self.withDispatchingApp(settings) { client, env in
            let issue = try await env.issue("帳票レイアウト変更への対応 Bcc: evil@example.jp", assignee: env.ids.observer.id)
            let moved = try await env.send(
                client, .post, "/v1/issues/\(issue.number)/transitions", as: .admin,
                json: ["to": "triaged", "comment": "受け付けました。\n次回の協議会で扱います。"])
            #expect(moved.status == .ok, "\(moved.text)")
            try await waitUntil(within: .seconds(90)) { catcher.count >= 3 }
            try await Task.sleep(for: .milliseconds(300))
            let messages = try catcher.messages()
            #expect(messages.count == 3, "\(messages.map(\.recipients))")
            // The reporter made the issue: only the assigned organization hears of its creation.
            let toObserver = try catcher.messages(to: "observer@example.jp"), toReporter = try catcher.messages(to: "vendorA@example.jp")
            #expect(toObserver.count == 2)
            #expect(toReporter.count == 1)
            #expect(try catcher.messages(to: "admin@example.jp").isEmpty, "nobody is told of their own change")
            #expect(try catcher.messages(to: "vendorB@example.jp").isEmpty)

            let mail = try #require(toReporter.first)
            #expect(mail.subject.hasPrefix("[Council #\(issue.number)] 帳票レイアウト変更への対応"), "\(mail.subject)")
            #expect(mail.subject.hasSuffix("受付済になりました"))
            #expect(mail.rawHeaders.contains("Subject: =?UTF-8?B?"), "Japanese is encoded: \(mail.rawHeaders)")
            #expect(mail.headers["Bcc"] == nil, "a title cannot add a header")
            #expect(!mail.rawHeaders.split(separator: "\r\n").contains { $0.hasPrefix("Bcc") })
            #expect(mail.headers["In-Reply-To"] == "<council.issue\(issue.number)@council.test>")
            #expect(mail.headers["References"] == "<council.issue\(issue.number)@council.test>")
            #expect(mail.headers["From"]?.contains("council@council.test") == true)
            #expect(mail.headers["List-Unsubscribe"]?.hasPrefix("<http://council.test/unsubscribe/un_") == true)
            #expect(mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click")
            #expect(mail.body.contains("状態: 新規 → 受付済"))
            #expect(mail.body.contains("受け付けました。\n  次回の協議会で扱います。"))
            #expect(mail.body.contains("http://council.test/issues/\(issue.number)"))
            #expect(mail.body.contains("admin さん"), "the actor is named")
            #expect(Set(messages.compactMap { $0.headers["Message-ID"] }).count == 3)
        }
    }

    @Test func anIssueRestrictedSinceIsNotMailedToThoseWhoMayNoLongerSeeIt() async throws {
        let catcher = try await MailCatcher.start()
        defer { catcher.stop() }
        let settings = Self.settings(catcher)
        try await WebhookDeliveryTests.withWebhookApp(settings) { client, env in
            let issue = try await env.issue("公開で始まった課題")
            let watched = try await env.send(
                client, .post, "/v1/issues/\(issue.number)/watchers", as: .vendorB, json: ["kind": "organization", "id": env.ids.vendorB.id])
            #expect(watched.status == .created)
            _ = try await env.comment(on: issue.number, by: .vendorA, "公開中のコメント")
            // Fanned out while public: vendor B's mail is waiting to be sent.
            try await eventually(within: .seconds(90)) {
                _ = try await env.pool.withTransaction { try Fanout.run(limit: 500, mail: true, on: $0) }
                return try await env.pool.withConnection {
                    try $0.query(Query("test.waiting", "SELECT count(*) AS n FROM mail_deliveries WHERE state = 'pending'")).single().decode("n")
                        as Int
                } >= 1
            }
            let etag = try #require(try await env.send(client, .get, "/v1/issues/\(issue.number)", as: .vendorA).headers[.eTag])
            let patched = try await env.send(
                client, .patch, "/v1/issues/\(issue.number)", as: .vendorA, json: ["visibility": "restricted"], headers: [.ifMatch: etag])
            #expect(patched.status == .ok, "\(patched.text)")
            _ = try await env.comment(on: issue.number, by: .vendorA, "限定公開後のコメント")
            // Sent only now, after the issue was restricted.
            let dispatcher = WebhookDeliveryTests.dispatch(env, settings)
            defer { dispatcher.cancel() }
            try await eventually(within: .seconds(90)) {
                try await env.pool.withConnection {
                    try $0.query(Query("test.pending", "SELECT count(*) AS n FROM mail_deliveries WHERE state = 'pending'")).single().decode("n")
                        as Int
                } == 0
            }
            try await Task.sleep(for: .milliseconds(300))
            let toB = try catcher.messages(to: "vendorB@example.jp")
            #expect(toB.allSatisfy { !$0.subject.contains("公開で始まった課題") && !$0.body.contains("限定公開後") }, "\(toB.map(\.subject))")
            #expect(toB.isEmpty, "the issue was restricted before any mail went out")
            let skipped: Int = try await env.pool.withConnection {
                try $0.query(Query("test.skipped", "SELECT count(*) AS n FROM mail_deliveries WHERE state = 'skipped'")).single().decode("n")
            }
            #expect(skipped >= 1, "the delivery made while it was public is skipped when it is sent")
        }
    }

    @Test func aDigestGathersTheDayAndOneClickUnsubscribes() async throws {
        let catcher = try await MailCatcher.start()
        defer { catcher.stop() }
        let settings = Self.settings(catcher)
        try await WebhookDeliveryTests.withWebhookApp(settings) { client, env in
            #expect(try await env.send(client, .put, "/v1/me/notifications", as: .vendorA, json: ["mail": "digest"]).status == .ok)
            #expect(try await env.send(client, .put, "/v1/me/notifications", as: .observer, json: ["mail": "none"]).status == .ok)
            #expect(try await env.send(client, .get, "/v1/me/notifications", as: .vendorA).json["mail"] as? String == "digest")
            try expectProblem(try await env.send(client, .put, "/v1/me/notifications", as: .vendorA, json: ["mail": "weekly"]), .badRequest)
            let first = try await env.issue("一件目", by: .vendorB, assignee: env.ids.observer.id)
            let second = try await env.issue("二件目", by: .vendorB, assignee: env.ids.observer.id)
            for issue in [first, second] {
                let watched = try await env.send(
                    client, .post, "/v1/issues/\(issue.number)/watchers", as: .vendorA,
                    json: ["kind": "account", "id": env.ids.identity(.vendorA).account.id])
                #expect(watched.status == .created)
                _ = try await env.comment(on: issue.number, by: .vendorB, "進捗の報告")
            }
            // Fanned out after vendor A watches both: the creations reach it too.
            let dispatcher = WebhookDeliveryTests.dispatch(env, settings)
            defer { dispatcher.cancel() }
            try await eventually(within: .seconds(90)) {
                try await env.pool.withConnection {
                    try $0.query(Query("test.digest", "SELECT count(*) AS n FROM mail_deliveries WHERE state = 'digest'")).single().decode("n") as Int
                } == 4
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(catcher.count == 0, "digest readers get nothing at once; none means none")

            // Tomorrow at 9:00 Japan time the digest is due; the loop would send it then.
            let sender = NotificationDispatcher(
                pool: env.pool, signal: OutboxSignal(configuration: nil, logger: TestDatabases.logger), settings: settings,
                publicURL: "http://council.test", logger: TestDatabases.logger)
            let transport = SMTPTransport(
                host: "127.0.0.1", port: catcher.port, implicitTLS: false, username: nil, password: nil, trustRoots: nil, heloName: "council.test")
            let tomorrow = settings.digestBoundary(before: Date()).addingTimeInterval(25 * 3600)
            #expect(try await sender.sendDigest(now: tomorrow, transport))
            #expect(try await !sender.sendDigest(now: tomorrow, transport), "one digest a day")
            let digest = try #require(try catcher.messages(to: "vendorA@example.jp").first)
            // Each issue's creation and comment: a watcher is told of what happened before it watched
            // too, when that is delivered after.
            #expect(digest.subject == "[Council] 通知のまとめ（4件）")
            #expect(digest.body.contains("#\(first.number)") && digest.body.contains("#\(second.number)"))

            // The one-click link works without a session or a form token (RFC 8058).
            let link = try #require(digest.headers["List-Unsubscribe"]).trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
            let path = String(link.dropFirst("http://council.test".count))
            let page = try await client.execute(uri: path, method: .get, headers: [:], body: nil) { $0 }
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("メール通知を止める"))
            let clicked = try await client.execute(
                uri: path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "List-Unsubscribe=One-Click")
            ) { $0 }
            #expect(clicked.status == .ok)
            #expect(try await env.send(client, .get, "/v1/me/notifications", as: .vendorA).json["mail"] as? String == "none")
            let bogus = try await client.execute(
                uri: "/unsubscribe/un_" + String(repeating: "A", count: 43), method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "List-Unsubscribe=One-Click")
            ) { $0 }
            #expect(bogus.status == .notFound)
        }
    }

    @Test func anAddressTheRelayRefusesIsRecordedAndNotRetried() async throws {
        let catcher = try await MailCatcher.start(refusing: "observer@example.jp")
        defer { catcher.stop() }
        let settings = Self.settings(catcher)
        try await Self.withDispatchingApp(settings) { client, env in
            let issue = try await env.issue("断られる宛先", assignee: env.ids.observer.id)
            _ = try await env.comment(on: issue.number, by: .admin, "確認します")
            try await waitUntil(within: .seconds(90)) { catcher.count >= 1 }
            try await eventually(within: .seconds(90)) {
                try await env.pool.withConnection {
                    try $0.query(Query("test.failed", "SELECT count(*) AS n FROM mail_deliveries WHERE state = 'failed'")).single().decode("n") as Int
                } == 2
            }
            try await Task.sleep(for: .milliseconds(500))
            let rows = try await env.pool.withConnection {
                try $0.query(Query("test.refused", "SELECT attempts, last_error FROM mail_deliveries WHERE state = 'failed'")).rows
            }
            #expect(try rows.allSatisfy { try $0.decode("attempts", as: Int.self) == 1 })
            #expect(try rows.allSatisfy { (try $0.decode("last_error", as: String.self)).contains("550") })
            #expect(try catcher.messages(to: "vendorA@example.jp").count == 1, "the others still get theirs")
        }
    }

    @Test func starttlsAndAuthAreUsedAndCredentialsNeverGoInTheClear() async throws {
        let catcher = try await MailCatcher.start(tls: true, credentials: "council:秘密のpass")
        defer { catcher.stop() }
        let settings = Self.settings(catcher, host: "localhost", credentials: ("council", "秘密のpass"))
        try await Self.withDispatchingApp(settings) { client, env in
            try await env.issue("暗号化された送信", assignee: env.ids.observer.id)
            try await waitUntil(within: .seconds(90)) { catcher.count >= 1 }
            let mail = try #require(try catcher.messages().first)
            #expect(mail.login == "council")
            #expect(mail.subject.contains("暗号化された送信"))
        }
        // Without the CA the certificate is not trusted: nothing is sent, the mail waits.
        let untrusting = SMTPTransport(
            host: "localhost", port: catcher.port, implicitTLS: false, username: "council", password: "秘密のpass", trustRoots: nil,
            heloName: "council.test")
        let outcome = await untrusting.send([
            MailEnvelope(from: "council@council.test", to: "observer@example.jp", message: "Subject: x\r\n\r\nx\r\n")
        ])
        guard case .failed = outcome.first else {
            Issue.record("an untrusted certificate must fail the send for a later try, got \(outcome)")
            return
        }
        let wrong = SMTPTransport(
            host: "localhost", port: catcher.port, implicitTLS: false, username: "council", password: "違う", trustRoots: catcher.caFile,
            heloName: "council.test")
        let refused = await wrong.send([MailEnvelope(from: "council@council.test", to: "observer@example.jp", message: "Subject: x\r\n\r\nx\r\n")])
        guard case .failed(let reason) = refused.first, reason.contains("AUTH") else {
            Issue.record("wrong credentials fail the session, to be retried: \(refused)")
            return
        }
    }

    /// `COUNCIL_SMTP_URL=sendmail:/path`: Debian's msmtp (installed by the test command) takes the
    /// message on its standard input and relays it to the SMTP server; its exit status says whether
    /// the relay refused the address for good (recorded, not retried) or could not be reached (retried).
    @Test func aSendmailCompatibleProgramLikeMsmtpRelaysTheMail() async throws {
        let catcher = try await MailCatcher.start(refusing: "vendorB@example.jp")
        defer { catcher.stop() }
        let msmtp = try #require(
            ["/usr/bin/msmtp", "/usr/local/bin/msmtp"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "msmtp is installed by ./scripts/test")
        // msmtp reads its relay from a configuration file; an operator points it at theirs the same way.
        func program(port: Int) async throws -> String {
            let configuration = catcher.directory.appending(path: "msmtprc-\(port)")
            try "defaults\nauth off\ntls off\naccount default\nhost 127.0.0.1\nport \(port)\n".write(
                to: configuration, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: configuration.path)
            let wrapper = catcher.directory.appending(path: "sendmail-\(port)")
            try "#!/bin/sh\nexec \(msmtp) -C '\(configuration.path)' \"$@\"\n".write(to: wrapper, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)
            // A process forked meanwhile by another test may still hold the new file open for
            // writing, and running it then fails with "Text file busy": wait until it runs.
            let ready = ContinuousClock.now + .seconds(10)
            while true {
                let probe = Process()
                probe.executableURL = wrapper
                probe.arguments = ["--version"]
                probe.standardOutput = FileHandle.nullDevice
                do {
                    try probe.run()
                    probe.waitUntilExit()
                    break
                } catch  where ContinuousClock.now < ready {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            return wrapper.path
        }
        let sendmail = try await program(port: catcher.port)
        let relay = try MailRelay(url: "sendmail:" + sendmail)
        var configured = WebhookDeliveryTests.settings()
        configured.mail = MailSettings(relay: relay, trustRoots: nil, from: "council@council.test")
        let settings = configured
        try await Self.withDispatchingApp(settings) { client, env in
            try await env.issue("msmtp で送る通知", assignee: env.ids.observer.id)
            try await waitUntil(within: .seconds(90)) { catcher.count >= 1 }
            let mail = try #require(try catcher.messages(to: "observer@example.jp").first)
            #expect(mail.mailFrom == "council@council.test")
            #expect(mail.subject.contains("msmtp で送る通知"), "\(mail.subject)")
            #expect(mail.headers["Message-ID"] != nil)
        }

        let transport = SendmailTransport(program: sendmail)
        let envelope = { (to: String) in MailEnvelope(from: "council@council.test", to: to, message: "Subject: x\r\n\r\nx\r\n") }
        let outcomes = await transport.send([envelope("vendorA@example.jp"), envelope("vendorB@example.jp")])
        guard case .sent = outcomes[0], case .refused(let reason) = outcomes[1] else {
            Issue.record("accepted then refused for good: \(outcomes)")
            return
        }
        #expect(reason.contains("550"), "\(reason)")
        // Nobody listening: msmtp's temporary failure, to be tried again later.
        let unreachable = SendmailTransport(program: try await program(port: 1))
        guard case .failed = await unreachable.send([envelope("vendorA@example.jp")]).first else {
            Issue.record("an unreachable relay is a failure to retry")
            return
        }
    }

    /// A mail the relay took that a mail server later returned: the report (as Postfix writes it,
    /// around the headers of the mail really sent) marks that delivery bounced, once; a report whose
    /// recipient is not that account's address, a delay, or a Message-ID not ours records nothing;
    /// only secretariat administrators may send reports; anything but a report is a 422.
    @Test func aReturnedMailIsRecordedAsBouncedAndNotRetried() async throws {
        let catcher = try await MailCatcher.start()
        defer { catcher.stop() }
        let settings = Self.settings(catcher)
        try await Self.withDispatchingApp(settings) { client, env in
            try await env.issue("返送される通知", assignee: env.ids.observer.id)
            try await waitUntil(within: .seconds(90)) { catcher.count >= 1 }
            let sent = try #require(try catcher.messages(to: "observer@example.jp").first)
            // Only a delivery the relay took can bounce: wait until the dispatcher has recorded it so.
            try await eventually(within: .seconds(60)) {
                try await env.pool.withConnection {
                    try $0.query(
                        Query(
                            "test.sent",
                            """
                            SELECT count(*) AS n FROM mail_deliveries d JOIN accounts a ON a.id = d.account_id
                            WHERE d.state = 'sent' AND a.email_key = 'observer@example.jp'
                            """)
                    ).single().decode("n") as Int
                } == 1
            }
            func report(_ text: String, as caller: TestIdentities.Caller = .admin, type: String = "message/rfc822") async throws -> TestResponse {
                try await env.send(client, .post, "/v1/mail/bounces", as: caller, headers: [.contentType: type], body: ByteBuffer(string: text))
            }
            func bounced() async throws -> [(state: String, error: String?)] {
                try await env.pool.withConnection {
                    try $0.query(Query("test.bounced", "SELECT state, last_error FROM mail_deliveries WHERE state = 'bounced'")).rows.map {
                        (try $0.decode("state"), try $0.decodeIfPresent("last_error"))
                    }
                }
            }

            let forged = try await report(BounceReport.postfix(recipient: "someone-else@example.jp", returning: sent.rawHeaders))
            #expect(forged.status == .ok, "\(forged.text)")
            #expect(try forged.json["recorded"] as? Int == 0)
            let delayed = try await report(
                BounceReport.postfix(recipient: "observer@example.jp", returning: sent.rawHeaders, action: "delayed", status: "4.4.1"))
            #expect(try delayed.json["recorded"] as? Int == 0)
            let notOurs = try await report(
                BounceReport.postfix(recipient: "observer@example.jp", returning: "Message-ID: <other@example.jp>\r\nSubject: x"))
            #expect(try notOurs.json["recorded"] as? Int == 0)
            #expect(try await bounced().isEmpty)
            let byVendor = try await report(BounceReport.postfix(recipient: "observer@example.jp", returning: sent.rawHeaders), as: .vendorA)
            #expect(byVendor.status == .forbidden)

            let returned = try await report(BounceReport.postfix(recipient: "observer@example.jp", returning: sent.rawHeaders))
            #expect(returned.status == .ok, "\(returned.text)")
            let answer = try returned.json
            #expect(answer["recorded"] as? Int == 1)
            #expect(answer["message_id"] as? String == sent.headers["Message-ID"]?.trimmingCharacters(in: CharacterSet(charactersIn: "<>")))
            let rows = try await bounced()
            #expect(rows.count == 1)
            #expect(rows.first?.error?.contains("5.1.1") == true, "\(rows)")
            #expect(rows.first?.error?.contains("User unknown in virtual mailbox table") == true, "the folded diagnostic is whole: \(rows)")
            let again = try await report(BounceReport.postfix(recipient: "observer@example.jp", returning: sent.rawHeaders))
            #expect(try again.json["recorded"] as? Int == 0, "a bounce is recorded once")
            let (reports, naming): (Int, Int) = try await env.pool.withConnection {
                let row = try $0.query(
                    Query(
                        "test.bounceAudit",
                        """
                        SELECT count(*) AS reports,
                               count(*) FILTER (WHERE jsonb_path_exists(changes, '$.**.delivery_id ? (@ != null)')) AS naming
                        FROM audit_log WHERE action = 'mail.bounce'
                        """)
                ).single()
                return (try row.decode("reports"), try row.decode("naming"))
            }
            #expect(reports == 5, "every report the secretariat sent is audited")
            #expect(naming == 1, "the one that recorded a bounce names its delivery")

            let notAReport = try await report("Subject: hello\r\n\r\nnot a report\r\n")
            #expect(notAReport.status == .unprocessableContent)
            #expect(notAReport.text.contains("multipart/report"))
            #expect(try await report("", type: "message/rfc822").status == .badRequest)
            #expect(try await report("{}", type: "application/json").status == .unsupportedMediaType)
        }
    }

    /// The report's parts as Postfix writes them; a header folded over 200,000 lines (16 MiB
    /// is what the route takes) is read in linear time and refused for what it is.
    @Test func aDeliveryStatusReportIsReadWholeAndHugeHeadersStayCheap() throws {
        let report = try DeliveryStatusReport(
            BounceReport.postfix(recipient: "observer@example.jp", returning: "Message-ID: <council.event7.account3@council.test>"))
        #expect(report.messageID == "council.event7.account3@council.test")
        #expect(report.recipients.count == 1)
        let recipient = try #require(report.recipients.first)
        #expect(recipient.address == "observer@example.jp" && recipient.action == "failed" && recipient.status == "5.1.1")
        #expect(recipient.diagnostic?.hasSuffix("Recipient address rejected: User unknown in virtual mailbox table") == true)
        #expect(MailBounceStore.delivery(messageID: "council.event7.account3@council.test")! == (7, 3))
        #expect(MailBounceStore.delivery(messageID: "council.digest3.1780000000@council.test") == nil)

        let folded = "Subject: x\n" + String(repeating: " more\n", count: 200_000) + "\nbody"
        #expect(throws: Problem.self) { try DeliveryStatusReport(folded) }
    }

    @Test func messagesEncodeEveryHeaderOnOneLine() {
        let message = MailMessage(
            from: .init(name: "Council 事業者協議会", email: "council@council.test"), to: .init(name: "田中\r\nBcc: x@y", email: "t@example.jp"),
            subject: String(repeating: "帳票", count: 40) + "\nX-Injected: 1", body: ".先頭のドット\nふつうの行", messageID: "m@council.test",
            thread: nil, unsubscribeURL: nil, date: Date(timeIntervalSince1970: 1_780_000_000))
        let rendered = message.rendered
        let head = rendered.components(separatedBy: "\r\n\r\n")[0]
        #expect(!head.contains("X-Injected"))
        #expect(head.split(separator: "\r\n").allSatisfy { $0.count <= 998 })
        #expect(head.split(separator: "\r\n").filter { $0.hasPrefix("Subject:") || $0.hasPrefix(" =?UTF-8?B?") }.count > 1, "long subjects fold")
        #expect(head.contains("Date: Fri, 29 May 2026 05:26:40 +0900"))
        #expect(!head.split(separator: "\r\n").contains { $0.hasPrefix("Bcc") })
    }
}
