import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// The pages over HTTP: what each shows to whom (the API's policy), forms with post/redirect/get,
/// escaping, headers and words. The same flows run in a real Chromium in `Tests/Browser`.
@Suite struct WebPageTests {
    @Test func aRestrictedIssueIsA404PageAndInNoListOrCountForAnotherVendor() async throws {
        try await withApp { client, env in
            let sapporo = MunicipalityCode(rawValue: "011002")!
            let hidden = try await env.issue(
                "限定公開の課題", visibility: .restricted, assignee: env.ids.observer.id,
                municipalities: [IssueMunicipality(dantaiCode: sapporo, impact: .blocked, businessAreas: [.juki])])
            let open = try await env.issue("公開の課題")
            let a = try await env.signedIn(.vendorA, client), b = try await env.signedIn(.vendorB, client)

            #expect(try await a.get("/issues/\(hidden.number)").status == .ok)
            let refused = try await b.get("/issues/\(hidden.number)")
            #expect(refused.status == .notFound && refused.html.contains("ページが見つかりません") && !refused.html.contains("限定公開"))
            // A number that does not exist looks the same.
            #expect(try await b.get("/issues/99999").html == refused.html.replacingOccurrences(of: "/issues/\(hidden.number)", with: "/issues/99999"))

            for path in ["/issues", "/issues?q=限定", "/issues?state=new", "/"] {
                let page = try await b.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(!page.html.contains("限定公開の課題"), "\(path)")
            }
            #expect(try await b.get("/issues").html.contains("公開の課題"))
            #expect(try await a.get("/issues?q=限定").html.contains("/issues/\(hidden.number)"))
            // The tile map counts the blocked 団体 for vendor A only.
            let tileA = try #require(WebBrowser.firstMatch(#"<title>(北海道: [^<]*)</title>"#, in: try await a.get("/").html))
            let tileB = try #require(WebBrowser.firstMatch(#"<title>(北海道: [^<]*)</title>"#, in: try await b.get("/").html))
            #expect(tileA.contains("1団体が阻害") && tileB.contains("0団体が阻害"))
            // Exports from the pages carry the same visibility.
            let csvB = try await b.get("/issues/export?format=csv")
            #expect(csvB.status == .ok && csvB.html.contains("公開の課題") && !csvB.html.contains("限定公開"))
            _ = open
        }
    }

    @Test func whatPeopleTypedIsShownAsTextNeverAsMarkup() async throws {
        try await withApp { client, env in
            let issue = try await env.issue("<script>alert('課題')</script>", body: "一行目\n<img src=x onerror=alert(1)>")
            _ = try await env.comment(on: issue.number, by: .vendorA, "コメント <b>太字</b>\n二行目")
            let browser = try await env.signedIn(.vendorA, client)
            for path in ["/issues", "/issues/\(issue.number)", "/"] {
                let html = try await browser.get(path).html
                #expect(!html.contains("<script>alert"), "\(path)")
                #expect(!html.contains("<img src=x"), "\(path)")
                #expect(!html.contains("<b>太字"), "\(path)")
            }
            let page = try await browser.get("/issues/\(issue.number)").html
            #expect(page.contains("&lt;script&gt;alert(&#39;課題&#39;)&lt;/script&gt;"))
            #expect(page.contains("一行目<br>&lt;img src=x onerror=alert(1)&gt;<br>"))
            #expect(page.contains("コメント &lt;b&gt;太字&lt;/b&gt;<br>二行目<br>"))
        }
    }

    @Test func everyPageCarriesTheSecurityHeadersAndItsAssetsAreHashed() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            let browser = try await env.signedIn(.admin, client)
            for path in ["/", "/issues", "/issues/\(issue.number)", "/issues/new", "/issues/\(issue.number)/edit", "/account"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                let csp = page.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "\(path)")
                #expect(page.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(page.headers[.cacheControl] == "no-store")
                #expect(page.html.hasPrefix("<!DOCTYPE html>\n<html lang=\"ja\">"))
                // No inline script or style anywhere (the policy would block them).
                #expect(!page.html.contains("<script>") && !page.html.contains("style=") && !page.html.contains("<style"), "\(path)")
                #expect(page.html.utf8.count < 100_000, "\(path)")
            }
            let html = try await browser.get("/").html
            let stylesheet = try #require(WebBrowser.firstMatch(#"href="(/assets/[0-9a-f]{16}/council\.css)""#, in: html))
            let script = try #require(WebBrowser.firstMatch(#"src="(/assets/[0-9a-f]{16}/council\.js)""#, in: html))
            for path in [stylesheet, script] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
                }
            }
            try await client.execute(uri: "/assets/0000000000000000/council.css", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func japaneseFirstEnglishOnRequestAndTheSwitchSticks() async throws {
        try await withApp { client, env in
            let browser = try await env.signedIn(.vendorA, client)
            #expect(try await browser.get("/issues").html.contains("<h1>課題一覧</h1>"))
            browser.language = "en-US,en;q=0.9"
            #expect(try await browser.get("/issues").html.contains("<h1>Issues</h1>"))
            // The switch wins over the browser and sticks.
            let switched = try await browser.post("/language", [("lang", "ja"), ("next", "/issues?state=new")])
            #expect(switched.status == .seeOther && switched.location == "/issues?state=new")
            #expect(try await browser.get("/issues").html.contains("<h1>課題一覧</h1>"))
            // Only a path of this site is a place to go back to.
            let away = try await browser.post("/language", [("lang", "en"), ("next", "//evil.example/")])
            #expect(away.location == "/")
        }
    }

    @Test func aVendorReportsAnIssueWithThreeMunicipalitiesThroughTheForm() async throws {
        try await withApp { client, env in
            let browser = try await env.signedIn(.vendorA, client)
            try await browser.get("/issues/new")
            // An ambiguous name is refused naming the candidates; nothing is created.
            let ambiguous = try await browser.post(
                "/issues/new",
                [
                    ("title", "帳票の様式変更"), ("body", "様式第3号の変更に対応します。"), ("category", "spec"), ("severity", "high"),
                    ("business_area", "juki"), ("municipality", "市"), ("impact", "blocked"),
                ])
            #expect(ambiguous.status == .unprocessableContent)
            #expect(ambiguous.html.contains("札幌市 (011002)") && ambiguous.html.contains("value=\"帳票の様式変更\""))
            let created = try await browser.post(
                "/issues/new",
                [
                    ("title", "帳票の様式変更"), ("body", "様式第3号の変更に対応します。"), ("category", "spec"), ("severity", "high"),
                    ("visibility", "council"), ("business_area", "juki"), ("business_area", "kokuho"),
                    ("municipality", "011002 北海道 札幌市"), ("impact", "blocked"),
                    ("municipality", "当別町"), ("impact", "at_risk"),
                    ("municipality", "北海道 新篠津村"), ("impact", "affected"),
                    ("municipality", ""), ("impact", "blocked"),
                ])
            #expect(created.status == .seeOther)
            let number = try #require(created.location.flatMap { Int($0.dropFirst("/issues/".count)) })
            let issue = try await IssueStore(pool: env.pool).issue(number, for: try await env.principal(.admin))
            #expect(issue.municipalities.map(\.dantaiCode.rawValue) == ["011002", "013030", "013048"])
            #expect(issue.municipalities.map(\.impact) == [.blocked, .atRisk, .affected])
            #expect(issue.vendors.map(\.id) == [env.ids.vendorA.id] && issue.businessAreas == [.juki, .kokuho])
            let page = try await browser.get("/issues/\(number)")
            #expect(page.html.contains("北海道 札幌市") && page.html.contains("移行不可"))
        }
    }

    @Test func theSecretariatTriagesWithTheButtonsAndARefusalKeepsWhatWasTyped() async throws {
        try await withApp { client, env in
            let issue = try await env.issue("トリアージ対象")
            let admin = try await env.signedIn(.admin, client)
            let page = try await admin.get("/issues/\(issue.number)")
            #expect(page.html.contains("data-testid=\"transition-triaged\""))
            let moved = try await admin.post(
                "/issues/\(issue.number)/transitions", [("to", "triaged"), ("comment", "受け付けました"), ("version", "\(issue.version)")])
            #expect(moved.status == .seeOther)
            let after = try await admin.get("/issues/\(issue.number)")
            #expect(after.html.contains("受付済") && after.html.contains("受け付けました"))
            // Resolving needs the answer: refused, and the comment typed is still in the form.
            try await admin.post("/issues/\(issue.number)/transitions", [("to", "in_discussion"), ("version", "\(issue.version + 1)")])
            let refused = try await admin.post(
                "/issues/\(issue.number)/transitions", [("to", "resolved"), ("comment", "解決の連絡"), ("version", "\(issue.version + 2)")])
            #expect(refused.status == .unprocessableContent && refused.html.contains("answer") && refused.html.contains(">解決の連絡</textarea>"))
            // A vendor sees no triage button it may not press.
            let vendor = try await env.signedIn(.vendorA, client)
            #expect(!(try await vendor.get("/issues/\(issue.number)").html.contains("data-testid=\"transition-triaged\"")))
        }
    }

    @Test func aStaleEditShowsTheConflictWithBothVersionsAndLosesNothingTyped() async throws {
        try await withApp { client, env in
            let issue = try await env.issue("編集の競合", body: "元の本文")
            let first = try await env.signedIn(.vendorA, client), second = try await env.signedIn(.admin, client)
            try await first.get("/issues/\(issue.number)/edit")
            try await second.get("/issues/\(issue.number)/edit")
            let saved = try await first.post(
                "/issues/\(issue.number)/edit",
                [("version", "\(issue.version)"), ("title", "先に保存した件名"), ("body", "先の本文"), ("category", "spec"), ("severity", "medium")])
            #expect(saved.status == .seeOther)
            let conflict = try await second.post(
                "/issues/\(issue.number)/edit",
                [("version", "\(issue.version)"), ("title", "後から保存した件名"), ("body", "後の本文\n二行目"), ("category", "spec"), ("severity", "high")])
            #expect(conflict.status == .conflict && conflict.html.contains("data-testid=\"conflict\""))
            #expect(conflict.html.contains("先に保存した件名") && conflict.html.contains("value=\"後から保存した件名\""))
            #expect(conflict.html.contains(">後の本文\n二行目</textarea>"))
            // The conflict page's form carries the new version: saving it now works.
            #expect(conflict.html.contains("name=\"version\" value=\"\(issue.version + 1)\""))
            let resaved = try await second.post(
                "/issues/\(issue.number)/edit",
                [("version", "\(issue.version + 1)"), ("title", "後から保存した件名"), ("body", "後の本文"), ("category", "spec"), ("severity", "high")])
            #expect(resaved.status == .seeOther)
            let now = try await IssueStore(pool: env.pool).issue(issue.number, for: try await env.principal(.admin))
            #expect(now.title == "後から保存した件名" && now.severity == .high)
        }
    }

    @Test func theDashboardShowsNationalProgressAndWhatWaitsForMe() async throws {
        try await withApp { client, env in
            try await env.issue("担当の課題", by: .admin, assignee: env.ids.observer.id)
            let browser = try await env.signedIn(.observer, client)
            let html = try await browser.get("/").html
            #expect(html.contains("担当の課題"))
            #expect(html.contains("<svg class=\"tile-map\""))
            // All 47 prefectures, each a link to its open issues.
            let tiles = html.components(separatedBy: "<a href=\"/issues?prefecture=").count - 1
            #expect(tiles == 47 * 2)  // the map and its table
            for area in BusinessArea.allCases { #expect(html.contains(area.japaneseName), "\(area)") }
        }
    }

    @Test func signedOutBrowsersAreSentToSignInAndBroughtBack() async throws {
        try await withApp { client, env in
            let browser = WebBrowser(client)
            let page = try await browser.get("/issues?state=new")
            #expect(page.status == .seeOther && page.location == "/sign-in?next=%2Fissues%3Fstate%3Dnew")
            try await env.setPassword(.vendorA)
            try await browser.get(page.location!)
            let signedIn = try await browser.post(
                "/sign-in", [("email", "vendorA@example.jp"), ("password", "協議会のパスワード2026"), ("next", "/issues?state=new")])
            #expect(signedIn.location == "/issues?state=new")
            // Somewhere else entirely is not a place to be sent after signing in.
            try await browser.post("/sign-out", [])
            try await browser.get("/sign-in")
            let elsewhere = try await browser.post(
                "/sign-in", [("email", "vendorA@example.jp"), ("password", "協議会のパスワード2026"), ("next", "https://evil.example/")])
            #expect(elsewhere.location == "/")
        }
    }

    /// One source for every word: each `{{t.key}}` a template names exists in both languages.
    @Test func everyWordATemplateUsesIsInPageText() throws {
        var used: Set<String> = []
        for (path, text) in EmbeddedResources.webFiles where path.hasPrefix("templates/") {
            var rest = text[...]
            while let range = rest.range(of: "t.") {
                let before = rest[..<range.lowerBound].last
                rest = rest[range.upperBound...]
                guard before == "{" else { continue }
                used.insert(String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }))
            }
        }
        #expect(used.count > 50)
        for key in used { #expect(PageText.entries[key] != nil, "{{t.\(key)}} has no words") }
    }
}
