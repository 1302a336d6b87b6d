import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Sign-in for people: invitation links, passwords, sessions, CSRF, throttling — over HTTP
/// against the real application and a real PostgreSQL.
@Suite struct WebSignInTests {
    @Test func anInvitationSetsThePasswordOnceAndSignsIn() async throws {
        try await withApp { client, env in
            // The organization administrator invites a colleague through the API.
            let account = env.ids.identity(.vendorB).account
            let link = try await client.execute(
                uri: "/v1/accounts/\(account.id)/password-link", method: .post, headers: env.headers(.admin)
            ) { response in
                #expect(response.status == .created)
                return try JSONBody(response.body)
            }
            #expect(link["purpose"] as? String == "invitation")
            let url = try #require(link["url"] as? String)
            #expect(url.hasPrefix("http://council.test/password/cl_"))
            let path = String(url.dropFirst("http://council.test".count))

            let browser = WebBrowser(client)
            let form = try await browser.get(path)
            #expect(form.status == .ok && form.html.contains(account.email.rawValue))
            // Too short, then two that differ: refused, the link still works.
            let short = try await browser.post(path, [("password", "short"), ("password_again", "short")])
            #expect(short.status == .unprocessableContent && short.html.contains("10文字以上"))
            let differ = try await browser.post(path, [("password", "協議会のパスワード1"), ("password_again", "協議会のパスワード2")])
            #expect(differ.html.contains("一致しません"))
            let done = try await browser.post(path, [("password", "協議会のパスワード1"), ("password_again", "協議会のパスワード1")])
            #expect(done.status == .seeOther && done.location == "/")
            let cookie = try #require(done.headers[values: .setCookie].first { $0.hasPrefix("council_session=cs_") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/") && !cookie.contains("Secure"))
            let dashboard = try await browser.get("/")
            #expect(dashboard.status == .ok && dashboard.html.contains("vendorB さん"))

            // Used once: the link is gone, for this browser and any other.
            #expect(try await WebBrowser(client).get(path).status == .notFound)
            // Only a hash of the password is stored.
            let stored: String = try await env.pool.withConnection {
                try $0.query(Query("test.hash", "SELECT password_hash FROM accounts WHERE id = \(account.id)")).single().decode("password_hash")
            }
            #expect(stored.hasPrefix("$2b$04$") && !stored.contains("協議会"))

            // Sign out: the session ends in the database, not just in this browser.
            let before = browser.cookies["council_session"]
            let out = try await browser.post("/sign-out", [])
            #expect(out.status == .seeOther && out.location == "/sign-in?signed_out=1")
            let stale = WebBrowser(client)
            stale.cookies["council_session"] = before
            let page = try await stale.get("/")
            #expect(page.status == .seeOther && page.location?.hasPrefix("/sign-in?next=%2F") == true)
        }
    }

    @Test func aWrongPasswordAndAnUnknownAddressLookAlikeAndFiveFailuresLockOut() async throws {
        try await withApp { client, env in
            try await env.setPassword(.vendorA)
            let email = env.ids.identity(.vendorA).account.email.rawValue
            let browser = WebBrowser(client)
            try await browser.get("/sign-in")
            let wrong = try await browser.post("/sign-in", [("email", email), ("password", "違うパスワードです")])
            let unknown = try await browser.post("/sign-in", [("email", "nobody@example.jp"), ("password", "違うパスワードです")])
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            let message = "メールアドレスまたはパスワードが正しくありません。"
            #expect(wrong.html.contains(message) && unknown.html.contains(message))
            // What was typed comes back (escaped), the password never.
            #expect(wrong.html.contains("value=\"\(email)\"") && !wrong.html.contains("違うパスワードです"))
            #expect(browser.cookies["council_session"] == nil)

            for _ in 0..<4 { try await browser.post("/sign-in", [("email", email.uppercased()), ("password", "まだ違うパスワード")]) }
            // Five failures: even the right password waits, and says so without naming the account.
            let locked = try await browser.post("/sign-in", [("email", email), ("password", "協議会のパスワード2026")])
            #expect(locked.status == .tooManyRequests && locked.html.contains("15分"))
            // Another address is not locked by these.
            try await env.setPassword(.vendorB)
            let other = try await browser.post(
                "/sign-in", [("email", env.ids.identity(.vendorB).account.email.rawValue), ("password", "協議会のパスワード2026")])
            #expect(other.status == .seeOther)
            // Every failure is in the audit log, against the account or the address as typed.
            let audited: [String] = try await env.pool.withConnection { connection in
                try connection.query(
                    Query("test.refusals", "SELECT entity_type || ':' || entity_id AS e FROM audit_log WHERE action = 'session.refused' ORDER BY id")
                ).rows.map { try $0.decode("e") }
            }
            // Five wrong passwords and the locked-out attempt against the account, one unknown address.
            #expect(audited.count == 7)
            #expect(audited.contains("sign_in:nobody@example.jp"))
            #expect(audited.filter { $0 == "account:\(env.ids.identity(.vendorA).account.id)" }.count == 6)
        }
    }

    @Test func aFormWithoutItsTokenIsRefusedAndChangesNothing() async throws {
        try await withApp { client, env in
            let issue = try await env.issue("CSRF の確認")
            let browser = try await env.signedIn(.vendorA, client)
            try await browser.get("/issues/\(issue.number)")
            for token: String? in [nil, "forged-token"] {
                let refused = try await browser.post("/issues/\(issue.number)/comments", [("body", "勝手なコメント")], csrf: .some(token))
                #expect(refused.status == .forbidden && refused.html.contains("何も変更されていません"))
            }
            let comments = try await IssueCommentStore(pool: env.pool).comments(
                issue.number, after: nil, limit: 10, for: try await env.principal(.vendorA))
            #expect(comments.items.isEmpty)
            // With its token the same form works.
            let posted = try await browser.post("/issues/\(issue.number)/comments", [("body", "正しいコメント")])
            #expect(posted.status == .seeOther)
            // Signing in needs the browser's own token too.
            let fresh = WebBrowser(client)
            let bare = try await fresh.post("/sign-in", [("email", "vendorA@example.jp"), ("password", "協議会のパスワード2026")], csrf: .some(nil))
            #expect(bare.status == .forbidden)
        }
    }

    /// A visit restarts the idle clock, noted at most once a minute (a statement of its own).
    @Test func aVisitIsNotedAtMostOnceAMinute() async throws {
        try await withApp { client, env in
            let browser = try await env.signedIn(.vendorA, client)
            func lastSeen(_ set: String? = nil) async throws -> Double {
                try await env.pool.withConnection { connection in
                    if let set {
                        try connection.query(Query("test.setSeen", "UPDATE web_sessions SET last_seen_at = now() - \(set)::interval"))
                    }
                    return try connection.query(
                        Query("test.seen", "SELECT extract(epoch FROM now() - max(last_seen_at))::float8 AS ago FROM web_sessions")
                    ).single().decode("ago")
                }
            }
            // Idle for 90 minutes (under the two hours): the visit is noted, the clock restarts.
            _ = try await lastSeen("90 minutes")
            #expect(try await browser.get("/").status == .ok)
            #expect(try await lastSeen() < 60)
            // Noted 30 seconds ago: this visit writes nothing.
            _ = try await lastSeen("30 seconds")
            #expect(try await browser.get("/").status == .ok)
            let ago = try await lastSeen()
            #expect(ago >= 30 && ago < 60)
        }
    }

    @Test func sessionsEndByTimeByDeactivationAndByAPasswordChange() async throws {
        try await withApp { client, env in
            let first = try await env.signedIn(.vendorB, client)
            let second = try await env.signedIn(.vendorB, client)
            #expect(try await first.get("/").status == .ok)
            // Idle for longer than two hours.
            _ = try await env.pool.withConnection {
                try $0.query(Query("test.idle", "UPDATE web_sessions SET last_seen_at = now() - interval '3 hours'"))
            }
            let idle = try await first.get("/issues")
            #expect(idle.status == .seeOther && idle.location?.contains("ended=1") == true)
            // The cookie that named no session is cleared.
            #expect(first.cookies["council_session"] == nil)

            let third = try await env.signedIn(.vendorB, client)
            _ = try await env.pool.withConnection {
                try $0.query(Query("test.absolute", "UPDATE web_sessions SET expires_at = now() - interval '1 second'"))
            }
            #expect(try await third.get("/").status == .seeOther)

            // A password change ends every other session; this browser gets a new one.
            let a = try await env.signedIn(.vendorB, client), b = try await env.signedIn(.vendorB, client)
            try await a.get("/account")
            let changed = try await a.post(
                "/account/password",
                [("current_password", "協議会のパスワード2026"), ("password", "新しいパスワード2026"), ("password_again", "新しいパスワード2026")])
            #expect(changed.status == .seeOther && changed.location == "/account?changed=1")
            #expect(try await a.get("/account?changed=1").html.contains("パスワードを変更しました"))
            #expect(try await b.get("/").status == .seeOther)
            _ = second

            // Deactivation ends them all.
            let c = try await env.signedIn(.vendorB, client, password: "新しいパスワード2026")
            try await client.execute(
                uri: "/v1/accounts/\(env.ids.identity(.vendorB).account.id)", method: .patch,
                headers: env.headers(.admin, [.contentType: "application/json"]), body: ByteBuffer(string: #"{"active": false}"#)
            ) { #expect($0.status == .ok) }
            #expect(try await c.get("/").status == .seeOther)
            let count: Int = try await env.pool.withConnection {
                try $0.query(
                    Query("test.sessions", "SELECT count(*) AS n FROM web_sessions WHERE account_id = \(env.ids.identity(.vendorB).account.id)")
                )
                .single().decode("n")
            }
            #expect(count == 0)
        }
    }

    @Test func cookiesAreSecureBehindAnHTTPSAddress() async throws {
        try await withTestPool { pool, _ in
            let identities = try await TestIdentities.create(pool)
            let env = TestEnvironment(pool: pool, ids: identities)
            let web = WebSettings(publicURL: "https://council.example.go.jp/", hasher: PasswordHasher(cost: 4))
            let app = Application(router: buildRouter(AppDependencies(pool: pool, web: web)), logger: TestDatabases.logger)
            try await app.test(.router) { client in
                let page = try await WebBrowser(client).get("/sign-in")
                #expect(page.headers[values: .setCookie].allSatisfy { $0.contains("Secure") && $0.contains("HttpOnly") })
                let link = try await client.execute(
                    uri: "/v1/accounts/\(identities.identity(.vendorA).account.id)/password-link", method: .post, headers: env.headers(.admin)
                ) { try JSONBody($0.body) }
                #expect((link["url"] as? String)?.hasPrefix("https://council.example.go.jp/password/cl_") == true)
            }
        }
    }

    @Test func linksAreOnlyForAccountsTheCallerManagesAndANewOneVoidsTheOld() async throws {
        try await withApp { client, env in
            let target = env.ids.identity(.vendorA).account.id
            for (caller, status) in [(TestIdentities.Caller.vendorB, HTTPResponse.Status.notFound), (.member, .forbidden), (.observer, .notFound)] {
                try await client.execute(uri: "/v1/accounts/\(target)/password-link", method: .post, headers: env.headers(caller)) {
                    #expect($0.status == status, "\(caller)")
                }
            }
            func link() async throws -> String {
                try await client.execute(uri: "/v1/accounts/\(target)/password-link", method: .post, headers: env.headers(.admin)) {
                    String(((try JSONBody($0.body))["url"] as! String).dropFirst("http://council.test".count))
                }
            }
            let old = try await link(), new = try await link()
            let oldPage = try await WebBrowser(client).get(old), newPage = try await WebBrowser(client).get(new)
            #expect(oldPage.status == .notFound && newPage.status == .ok)
            // With a password set, the next link is a reset.
            try await env.setPassword(.vendorA)
            let reset = try await client.execute(uri: "/v1/accounts/\(target)/password-link", method: .post, headers: env.headers(.admin)) {
                try JSONBody($0.body)
            }
            #expect(reset["purpose"] as? String == "reset")
            // The API's account list finds an account by its address, ignoring case.
            let found = try await client.execute(uri: "/v1/accounts?email=VENDORA@example.jp", method: .get, headers: env.headers(.admin)) {
                try JSONBody($0.body)
            }
            #expect(found.items.map { $0["id"] as? Int } == [target])
        }
    }
}
