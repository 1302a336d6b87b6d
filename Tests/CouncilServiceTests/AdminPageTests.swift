import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// 管理 and my account's ways in, over HTTP: invitations with one-time links, an organization's
/// administrators kept to their own organization, deactivation and revocation that take effect
/// at once, the audit log with filters, organizations with 法人番号; my sessions and API tokens.
@Suite struct AdminPageTests {
    @Test func theSecretariatInvitesAPersonWhoseLinkSetsAPasswordAndDeactivationEndsEverything() async throws {
        try await withApp { client, env in
            let admin = try await env.signedIn(.admin, client)
            var page = try await admin.get("/admin/accounts")
            #expect(page.status == .ok && page.html.contains(env.ids.identity(.vendorB).account.email.rawValue))
            // A bad address: refused with the field named, what was typed kept.
            page = try await admin.post(
                "/admin/accounts", [("organization_id", "\(env.ids.vendorA.id)"), ("display_name", "新しい担当者"), ("email", "not-an-address")])
            #expect(page.status == .unprocessableContent && page.html.contains("メールアドレス: ") && page.html.contains("value=\"新しい担当者\""))
            page = try await admin.post(
                "/admin/accounts",
                [("organization_id", "\(env.ids.vendorA.id)"), ("display_name", "新しい担当者"), ("email", "new.person@vendor-a.example.jp")])
            #expect(page.status == .created)
            let link = try #require(WebBrowser.firstMatch(#"data-testid="password-link">[^<]*(/password/cl_[A-Za-z0-9_-]+)<"#, in: page.html))
            let account = try #require(
                try await AccountStore(pool: env.pool).accounts(
                    organization: nil, role: nil, active: nil, email: EmailAddress(rawValue: "new.person@vendor-a.example.jp"), page: Page()
                ).items.first)
            #expect(account.organizationID == env.ids.vendorA.id && account.role == .member)

            // The person follows the link, sets a password and signs in.
            let person = WebBrowser(client)
            #expect(try await person.get(link).status == .ok)
            let set = try await person.post(link, [("password", "新しいパスワード2026"), ("password_again", "新しいパスワード2026")])
            #expect(set.status == .seeOther)
            #expect(try await person.get("/").status == .ok)
            let token = try await TokenStore(pool: env.pool).issue(to: account.id, name: "連携", expiresAt: nil, by: .system)

            // Deactivated from the account's page: the session and the token stop at once.
            page = try await admin.get("/admin/accounts/\(account.id)")
            #expect(page.status == .ok && page.html.contains("連携"))
            let saved = try await admin.post(
                "/admin/accounts/\(account.id)/edit", [("display_name", "新しい担当者"), ("email", "new.person@vendor-a.example.jp"), ("role", "member")])
            #expect(saved.status == .seeOther)
            #expect(try await AccountStore(pool: env.pool).account(account.id)?.active == false)
            #expect(try await person.get("/").status == .seeOther)
            #expect(try await TokenStore(pool: env.pool).principal(for: token.secret) == nil)
            // An inactive account gets no reset link and no token.
            #expect(try await admin.post("/admin/accounts/\(account.id)/password-link", []).status == .badRequest)
            #expect(try await admin.post("/admin/accounts/\(account.id)/tokens", [("name", "連携")]).status == .unprocessableContent)
            // A token for an account the administrator manages: its secret once, and it works.
            let system = env.ids.identity(.vendorB).account.id
            page = try await admin.post("/admin/accounts/\(system)/tokens", [("name", "B社システム連携"), ("expires_on", "2099/3/31")])
            #expect(page.status == .created)
            let secret = try #require(WebBrowser.firstMatch(#"data-testid="token-secret">([^<]+)<"#, in: page.html))
            #expect(try await TokenStore(pool: env.pool).principal(for: secret)?.accountID == system)
            #expect(!(try await admin.get("/admin/accounts/\(system)").html.contains(secret)))
        }
    }

    @Test func anOrganizationsAdministratorManagesOnlyItsOwnPeople() async throws {
        try await withApp { client, env in
            let a = try await env.signedIn(.vendorA, client)
            let list = try await a.get("/admin/accounts")
            #expect(list.status == .ok)
            #expect(list.html.contains(env.ids.identity(.vendorA).account.email.rawValue))
            #expect(!list.html.contains(env.ids.identity(.vendorB).account.email.rawValue) && !list.html.contains("account-role"))
            #expect(
                try await a.get("/admin/accounts?organization_id=\(env.ids.vendorB.id)").html.contains(
                    env.ids.identity(.vendorB).account.email.rawValue) == false)
            #expect(try await a.get("/admin/accounts/\(env.ids.identity(.vendorB).account.id)").status == .notFound)
            // Inviting always lands in its own organization, and never with a secretariat role.
            var page = try await a.post(
                "/admin/accounts", [("organization_id", "\(env.ids.vendorB.id)"), ("display_name", "同僚"), ("email", "colleague@vendor-a.example.jp")])
            #expect(page.status == .created)
            let colleague = try #require(
                try await AccountStore(pool: env.pool).accounts(
                    organization: nil, role: nil, active: nil, email: EmailAddress(rawValue: "colleague@vendor-a.example.jp"), page: Page()
                ).items.first)
            #expect(colleague.organizationID == env.ids.vendorA.id)
            page = try await a.post(
                "/admin/accounts", [("display_name", "管理者もどき"), ("email", "fake.admin@vendor-a.example.jp"), ("role", "admin")])
            #expect(page.status == .unprocessableContent || page.status == .forbidden)
            // Another organization's address is refused without saying whose it is.
            page = try await a.post("/admin/accounts", [("display_name", "重複"), ("email", env.ids.identity(.vendorB).account.email.rawValue)])
            #expect(page.status == .unprocessableContent && !page.html.contains(env.ids.vendorB.name))
            // The audit log: its own people's actions only.
            let audit = try await a.get("/admin/audit")
            #expect(audit.status == .ok && audit.html.contains("<code>account.create</code>") && !audit.html.contains("audit-organization"))
            let b = try await env.signedIn(.vendorB, client)
            _ = try await b.post("/account/tokens", [("name", "B社の連携")])
            #expect(!(try await a.get("/admin/audit").html.contains("<code>token.create</code>")))
            // Organizations: read its own, add none.
            #expect(!(try await a.get("/admin/organizations").html.contains(env.ids.vendorB.name)))
            #expect(try await a.post("/admin/organizations", [("kind", "vendor"), ("name", "x"), ("short_name", "x")]).status == .forbidden)
            // Someone who administers nothing gets 403 pages.
            let member = try await env.signedIn(.member, client)
            for path in ["/admin", "/admin/accounts", "/admin/audit", "/admin/organizations"] {
                #expect(try await member.get(path).status == .forbidden, "\(path)")
            }
            #expect(!(try await member.get("/account").html.contains("href=\"/admin\"")))
            #expect(try await a.get("/account").html.contains("href=\"/admin\""))
        }
    }

    @Test func theAuditLogFiltersByWhatWhoAndWhenAndSaysWhatToFix() async throws {
        try await withApp { client, env in
            let admin = try await env.signedIn(.admin, client)
            let issue = try await env.issue("監査の対象")
            var page = try await admin.get("/admin/audit?entity_type=issue&entity_id=\(issue.number)")
            #expect(page.status == .ok && page.html.contains("課題の作成 <code>issue.create</code>") && page.html.contains("監査の対象"))
            #expect(page.html.contains(">課題 \(issue.number)</td>") && page.html.contains("<option value=\"issue\" selected>課題</option>"))
            // The action filter offers every action by its name, the one asked for selected; a
            // slug it does not know is kept as asked (it finds nothing).
            page = try await admin.get("/admin/audit?action=issue.create")
            #expect(page.html.contains("<option value=\"issue.create\" selected>課題の作成</option>"))
            #expect(AuditAction.allCases.allSatisfy { page.html.contains("<option value=\"\($0.rawValue)\"") })
            page = try await admin.get("/admin/audit?action=issue.delete")
            #expect(page.status == .ok && page.html.contains("<option value=\"issue.delete\" selected>issue.delete</option>"))
            #expect(page.html.contains("該当する記録はありません"))
            page = try await admin.get("/admin/audit?action=issue.create&organization=\(env.ids.vendorB.id)")
            #expect(page.html.contains("該当する記録はありません"))
            page = try await admin.get("/admin/audit?since=令和8年1月1日&until=2099/12/31&action=issue.create")
            #expect(page.html.contains("監査の対象"))
            page = try await admin.get("/admin/audit?since=2000/1/1&until=2000/1/2&action=issue.create")
            #expect(!page.html.contains("監査の対象"))
            page = try await admin.get("/admin/audit?since=きのう&actor=x")
            #expect(page.status == .badRequest && page.html.contains("この日から: ") && page.html.contains("value=\"きのう\""))
            // The organizations' names (kept between pages) follow a rename at once.
            try await client.execute(
                uri: "/v1/organizations/\(env.ids.vendorB.id)", method: .patch, headers: env.headers(.admin, [.contentType: "application/json"]),
                body: ByteBuffer(string: #"{"name": "改称後のベンダーB"}"#)
            ) { #expect($0.status == .ok) }
            #expect(try await admin.get("/admin/audit").html.contains("改称後のベンダーB"))
        }
    }

    @Test func theSecretariatAddsAVendorWithItsCorporateNumberAndStopsIt() async throws {
        try await withApp { client, env in
            let admin = try await env.signedIn(.admin, client)
            _ = try await admin.get("/admin/organizations")
            var page = try await admin.post(
                "/admin/organizations", [("kind", "vendor"), ("name", "株式会社テスト"), ("short_name", "テスト"), ("corporate_number", "1234567890123")])
            #expect(page.status == .unprocessableContent && page.html.contains("法人番号: ") && page.html.contains("value=\"株式会社テスト\""))
            page = try await admin.post(
                "/admin/organizations", [("kind", "vendor"), ("name", "株式会社テスト"), ("short_name", "テスト"), ("corporate_number", "7000012050002")])
            #expect(page.status == .seeOther)
            let added = try #require(
                try await OrganizationStore(pool: env.pool).organizations(kind: .vendor, active: nil, page: Page()).items.first {
                    $0.name == "株式会社テスト"
                })
            #expect(added.corporateNumber?.rawValue == "7000012050002")
            #expect(try await admin.post("/admin/organizations/\(added.id)/active", [("active", "false")]).status == .seeOther)
            #expect(try await OrganizationStore(pool: env.pool).organization(added.id)?.active == false)
        }
    }

    @Test func myAccountListsMyBrowsersSignsOutTheOthersAndMakesAndRevokesTokens() async throws {
        try await withApp { client, env in
            let here = try await env.signedIn(.vendorB, client), elsewhere = try await env.signedIn(.vendorB, client)
            // My name, as others see it; an empty one is refused.
            _ = try await here.get("/account")
            #expect(try await here.post("/account/profile", [("display_name", "　")]).status == .unprocessableContent)
            #expect(try await here.post("/account/profile", [("display_name", "ベンダーB 新担当")]).status == .seeOther)
            #expect(try await AccountStore(pool: env.pool).account(env.ids.identity(.vendorB).account.id)?.displayName == "ベンダーB 新担当")
            var page = try await here.get("/account")
            func sessions(_ html: String) -> Int { html.components(separatedBy: "data-testid=\"session\"").count - 1 }
            #expect(sessions(page.html) >= 2)
            #expect(page.html.contains("このブラウザー"))
            #expect(try await here.post("/account/sessions/others/end", []).status == .seeOther)
            #expect(try await elsewhere.get("/").status == .seeOther)
            #expect(try await here.get("/").status == .ok)
            #expect(sessions(try await here.get("/account").html) == 1)

            // A token: its secret once, then revoked — it stops at once.
            page = try await here.post("/account/tokens", [("name", "自社システム連携"), ("expires_on", "2000/1/1")])
            #expect(page.status == .unprocessableContent && page.html.contains("有効期限: "))
            page = try await here.post("/account/tokens", [("name", "自社システム連携"), ("expires_on", "令和20年3月31日")])
            #expect(page.status == .created)
            let secret = try #require(WebBrowser.firstMatch(#"data-testid="token-secret">([^<]+)<"#, in: page.html))
            let principal = try #require(try await TokenStore(pool: env.pool).principal(for: secret))
            #expect(principal.accountID == env.ids.identity(.vendorB).account.id)
            page = try await here.get("/account")
            #expect(!page.html.contains(secret) && page.html.contains("自社システム連携"))
            let tokenID = try #require(WebBrowser.firstMatch(#"(?s)自社システム連携</td>.*?data-testid="revoke-(\d+)""#, in: page.html))
            // Someone else's token cannot be revoked from my page.
            let other = try await env.signedIn(.vendorA, client)
            _ = try await other.get("/account")
            #expect(try await other.post("/account/tokens/\(tokenID)/revoke", []).status == .notFound)
            #expect(try await here.post("/account/tokens/\(tokenID)/revoke", []).status == .seeOther)
            #expect(try await TokenStore(pool: env.pool).principal(for: secret) == nil)
            // Signing this browser out from the list ends it too.
            page = try await here.get("/account")
            let sessionID = try #require(WebBrowser.firstMatch(#"action="/account/sessions/(\d+)/end""#, in: page.html))
            #expect(try await here.post("/account/sessions/\(sessionID)/end", []).location?.hasPrefix("/sign-in") == true)
            #expect(try await here.get("/").status == .seeOther)
        }
    }
}
