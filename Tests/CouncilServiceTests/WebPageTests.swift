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
            _ = try await env.comment(on: issue.number, by: .vendorA, "コメント <b>太字</b>\n二行目 https://example.jp/\"onmouseover=\"x #\(issue.number)")
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
            #expect(page.contains("コメント &lt;b&gt;太字&lt;/b&gt;<br>二行目 "))
            // An address stops at a quote: no attribute can be smuggled into the link.
            #expect(page.contains("<a href=\"https://example.jp/\" rel=\"noopener noreferrer\">https://example.jp/</a>&quot;onmouseover=&quot;x"))
            #expect(page.contains("<a href=\"/issues/\(issue.number)\">#\(issue.number)</a>"))
        }
    }

    @Test func everyPageCarriesTheSecurityHeadersAndItsAssetsAreHashed() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            let browser = try await env.signedIn(.admin, client)
            for path in [
                "/", "/issues", "/issues/\(issue.number)", "/issues/new", "/issues/\(issue.number)/edit", "/account", "/meetings", "/admin/accounts",
                "/admin/organizations", "/admin/audit",
            ] {
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
            #expect(refused.status == .unprocessableContent && refused.html.contains("回答: ") && refused.html.contains(">解決の連絡</textarea>"))
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
            // The national figures are kept views; a change shows at the next visit.
            let tile = #"<title>(北海道: [^<]*)</title>"#
            #expect(try #require(WebBrowser.firstMatch(tile, in: html)).contains("0団体が阻害"))
            try await env.issue(
                "札幌の阻害",
                municipalities: [IssueMunicipality(dantaiCode: MunicipalityCode(rawValue: "011002")!, impact: .blocked, businessAreas: [.juki])])
            let after = try await browser.get("/").html
            #expect(try #require(WebBrowser.firstMatch(tile, in: after)).contains("1団体が阻害"))
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

    @Test func theMunicipalityPageShowsAdoptionsAndBlockersWithTheEvidenceTheCallerMaySee() async throws {
        try await withApp { client, env in
            let sapporo = MunicipalityCode(rawValue: "011002")!
            try await client.execute(
                uri: "/v1/adoptions/011002/juki", method: .put, headers: env.headers(.vendorA, [.contentType: "application/json"]),
                body: ByteBuffer(
                    string:
                        #"{"product_id": \#(env.ids.productA.id), "planned_month": "2026-03", "state": "delayed", "reason": "vendor_resources", "new_target_month": "2027-01"}"#
                )
            ) { #expect($0.status == .ok || $0.status == .created) }
            let hidden = try await env.issue(
                "限定公開の阻害", visibility: .restricted, assignee: env.ids.observer.id,
                municipalities: [IssueMunicipality(dantaiCode: sapporo, impact: .blocked, businessAreas: [.juki])])
            let a = try await env.signedIn(.vendorA, client), b = try await env.signedIn(.vendorB, client)
            let mine = try await a.get("/municipalities/011002")
            #expect(mine.status == .ok && mine.html.contains("<h1>札幌市"))
            #expect(mine.html.contains("A住記クラウド") && mine.html.contains("株式会社ベンダーA"))
            // The month as the Digital Agency writes it, and the 事由 in words.
            #expect(mine.html.contains("令和9年1月（2027年1月）") && mine.html.contains("遅延"))
            #expect(mine.html.contains("href=\"/issues/\(hidden.number)\""))
            // Another vendor sees the adoption and its 事由, but not the restricted issue.
            let theirs = try await b.get("/municipalities/011002")
            #expect(theirs.html.contains("A住記クラウド") && !theirs.html.contains("/issues/\(hidden.number)\""))
            #expect(try await b.get("/municipalities/999999").status == .notFound)
            // A blocker filed after the page was shown is on it at once (the kept view is renewed).
            let later = try await env.issue(
                "後から分かった阻害", municipalities: [IssueMunicipality(dantaiCode: sapporo, impact: .blocked, businessAreas: [.juki])])
            #expect(try await a.get("/municipalities/011002").html.contains("href=\"/issues/\(later.number)\""))
            #expect(try await b.get("/municipalities/011002").html.contains("href=\"/issues/\(later.number)\""))
            // So is an adoption changed after it was shown (the 団体's adoptions are kept too).
            #expect(try await !a.get("/municipalities/011002").html.contains("移行中"))
            try await client.execute(
                uri: "/v1/adoptions/011002/juki", method: .put, headers: env.headers(.vendorA, [.contentType: "application/json"]),
                body: ByteBuffer(string: #"{"product_id": \#(env.ids.productA.id), "planned_month": "2026-03", "state": "in_progress"}"#)
            ) { #expect($0.status == .ok) }
            let moved = try await a.get("/municipalities/011002").html
            #expect(moved.contains("移行中") && !moved.contains("令和9年1月（2027年1月）"))
            // The vendor page: blocked 団体 by prefecture, the same evidence rule.
            let vendorA = try await a.get("/vendors/\(env.ids.vendorA.id)")
            #expect(vendorA.status == .ok && vendorA.html.contains("A住記クラウド") && vendorA.html.contains("/municipalities/011002"))
            #expect(vendorA.html.contains("/issues/\(hidden.number)\""))
            let seenByB = try await b.get("/vendors/\(env.ids.vendorA.id)")
            #expect(seenByB.html.contains("/municipalities/011002") && !seenByB.html.contains("/issues/\(hidden.number)\""))
            #expect(try await b.get("/vendors/\(env.ids.observer.id)").status == .notFound)
        }
    }

    @Test func theVendorPageShowsDevelopmentStatusWithItsHistory() async throws {
        try await withApp { client, env in
            for stage in ["designing", "developing"] {
                try await client.execute(
                    uri: "/v1/development-status", method: .post, headers: env.headers(.vendorA, [.contentType: "application/json"]),
                    body: ByteBuffer(
                        string:
                            #"{"product_id": \#(env.ids.productA.id), "business_area": "juki", "stage": "\#(stage)", "cloud_readiness": "verifying", "note": "段階 \#(stage)"}"#
                    )
                ) { #expect($0.status == .created) }
            }
            let browser = try await env.signedIn(.observer, client)
            let html = try await browser.get("/vendors/\(env.ids.vendorA.id)").html
            #expect(html.contains("<h1>株式会社ベンダーA</h1>") && html.contains("住民基本台帳"))
            #expect(html.contains("開発中") && html.contains("設計中") && html.contains("段階 designing"))
        }
    }

    @Test func watchingFromTheIssuePagePutsItsChangesOnMyDashboardAndRelationsShowAsLinks() async throws {
        try await withApp { client, env in
            let watched = try await env.issue("ウォッチする課題")
            let blocker = try await env.issue("原因となる課題")
            try await client.execute(
                uri: "/v1/issues/\(blocker.number)/relations", method: .post,
                headers: env.headers(.admin, [.contentType: "application/json"]),
                body: ByteBuffer(string: #"{"kind": "blocks", "issue": \#(watched.number)}"#)
            ) { #expect($0.status == .created) }
            let browser = try await env.signedIn(.vendorB, client)
            #expect(!(try await browser.get("/").html.contains("ウォッチする課題")))
            let page = try await browser.get("/issues/\(watched.number)")
            #expect(page.html.contains("data-testid=\"watch\""))
            #expect(page.html.contains("href=\"/issues/\(blocker.number)\">#\(blocker.number) 原因となる課題</a>"))
            let pressed = try await browser.post("/issues/\(watched.number)/watch", [("watch", "1")])
            #expect(pressed.status == .seeOther)
            let again = try await browser.get("/issues/\(watched.number)")
            #expect(again.html.contains("data-testid=\"unwatch\"") && again.html.contains("vendorB さん"))
            #expect(try await browser.get("/").html.contains("ウォッチする課題"))
            try await browser.get("/issues/\(watched.number)")
            try await browser.post("/issues/\(watched.number)/watch", [("watch", "0")])
            #expect(try await browser.get("/issues/\(watched.number)").html.contains("data-testid=\"watch\""))
        }
    }

    @Test func theListSavesItsFiltersAndSortsAsTheAPIDoes() async throws {
        try await withApp { client, env in
            try await env.issue("重要度の低い課題", severity: .low)
            try await env.issue("緊急の課題", severity: .critical)
            let browser = try await env.signedIn(.vendorA, client)
            // Untouched fields of the filter form are dropped by a redirect.
            let raw = try await browser.get("/issues?q=&severity=critical&prefecture=&sort=")
            #expect(raw.status == .seeOther && raw.location == "/issues?severity=critical")
            let list = try await browser.get("/issues?severity=critical")
            #expect(list.html.contains("緊急の課題") && !list.html.contains("重要度の低い課題"))
            let saved = try await browser.post("/issues/saved-queries", [("name", "緊急だけ"), ("query", "severity=critical&cursor=x")])
            #expect(saved.status == .seeOther)
            let location = try #require(saved.location)
            let page = try await browser.get(location)
            #expect(page.html.contains("緊急の課題") && !page.html.contains("重要度の低い課題") && page.html.contains(">緊急だけ</a>"))
            // A bad filter is refused naming it, nothing saved.
            let bad = try await browser.post("/issues/saved-queries", [("name", "壊れた条件"), ("query", "severity=urgent")])
            #expect(bad.status == .badRequest && bad.html.contains("urgent"))
            let sorted = try await browser.get("/issues?sort=-severity")
            let critical = try #require(sorted.html.range(of: "緊急の課題")), low = try #require(sorted.html.range(of: "重要度の低い課題"))
            #expect(critical.lowerBound < low.lowerBound)
            let badFilter = try await browser.get("/issues?due_before=yesterday")
            #expect(badFilter.status == .badRequest && badFilter.html.contains("error-summary") && badFilter.html.contains("<form method=\"get\""))
        }
    }

    /// The list's choices are kept at the change version its session is read with: a vendor
    /// added (by another route) before the next page is among them on that page.
    @Test func theListsChoicesFollowChangesMadeBeforeThePage() async throws {
        try await withApp { client, env in
            let browser = try await env.signedIn(.admin, client)
            #expect(try await browser.get("/issues").html.contains(">株式会社ベンダーA</option>"))
            #expect(try await !browser.get("/issues").html.contains("新しいベンダー"))
            let created = try await env.send(
                client, .post, "/v1/organizations", as: .admin, json: ["kind": "vendor", "name": "株式会社新しいベンダー", "short_name": "新しい"])
            #expect(created.status == .created, "\(created.text)")
            #expect(try await browser.get("/issues").html.contains(">株式会社新しいベンダー</option>"))
        }
    }

    /// The 課題一覧 and the dashboard's lists are kept at the versions their session is read with
    /// (`KeptPages`): an edit that moves no counted column (a title) and a comment (it moves its
    /// issue first in the update order) show on the next page all the same.
    @Test func theIssueListsFollowEditsMadeBeforeThePage() async throws {
        try await withApp { client, env in
            let older = try await env.issue("先に登録した課題")
            let newer = try await env.issue("後に登録した課題")
            let browser = try await env.signedIn(.vendorA, client)
            func order(_ path: String) async throws -> [String] {
                let html = try await browser.get(path).html
                return ["先に登録した課題", "後に登録した課題", "改題した課題"].filter { html.contains($0) }
                    .sorted { html.range(of: $0)!.lowerBound < html.range(of: $1)!.lowerBound }
            }
            for _ in 0..<2 {
                #expect(try await order("/issues") == ["後に登録した課題", "先に登録した課題"])
                #expect(try await order("/") == ["後に登録した課題", "先に登録した課題"])
            }
            let vendor = try await env.principal(.vendorA)
            _ = try await IssueStore(pool: env.pool).update(newer.number, expectedVersion: newer.version, by: vendor, .system) {
                var draft = IssueDraft($0)
                draft.title = "改題した課題"
                return draft
            }
            #expect(try await order("/issues") == ["改題した課題", "先に登録した課題"])
            #expect(try await order("/") == ["改題した課題", "先に登録した課題"])
            _ = try await env.comment(on: older.number, by: .vendorA, "進捗を追記")
            #expect(try await order("/issues") == ["先に登録した課題", "改題した課題"])
            #expect(try await order("/") == ["先に登録した課題", "改題した課題"])
        }
    }

    @Test func plainTextLinksAddressesAndIssueNumbersAndNothingElse() {
        func parts(_ text: String) -> [String] {
            PlainText(text).lines.flatMap(\.segments).map { $0.href.map { "[\($0)]" } ?? $0.text }
        }
        #expect(
            parts("仕様書（https://www.digital.go.jp/policies/local_governments）を参照。") == [
                "仕様書（", "[https://www.digital.go.jp/policies/local_governments]", "）を参照。",
            ])
        #expect(parts("#12 と #3、abc#4 と #5x") == ["[/issues/12]", " と ", "[/issues/3]", "、abc#4 と #5x"])
        #expect(parts("javascript:alert(1) data:text/html,x http:// https://") == ["javascript:alert(1) data:text/html,x http:// https://"])
        #expect(parts("<https://example.jp/a?b=1&c=2>.") == ["<", "[https://example.jp/a?b=1&c=2]", ">."])
        #expect(PlainText("一行目\r\n二行目").lines.count == 2)
    }

    /// Every page route, signed in, with bad queries and bad forms: a 4xx page or a redirect,
    /// never a 5xx, and a POST that is refused changes nothing the audit log would show.
    @Test func noPageAnswersBadInputWithAServerError() async throws {
        try await withApp { client, env in
            let issue = try await env.issue("入力検査の課題")
            let browser = try await env.signedIn(.vendorA, client)
            try await browser.get("/")
            let auditBefore: Int = try await env.pool.withConnection {
                try $0.query(Query("test.audit", "SELECT count(*) AS n FROM audit_log")).single().decode("n")
            }
            let dependencies = AppDependencies(pool: env.pool, web: .testing)
            let dispatcher = PageDispatcher(sessions: SessionStore(pool: env.pool), settings: .testing)
            let table = PageEndpoint.council(buildPages(dependencies, dispatcher: dispatcher))
            let queries = [
                "?q=%FF", "?q=%00", "?cursor=zzz", "?state=nope", "?rows=-5", "?rows=99999999999999999999", "?next=//evil",
                "?x=" + String(repeating: "あ", count: 3000),
            ]
            let forms: [String] = [
                "%ZZ=1", "_csrf=\(browser.csrf ?? "")&%FF=%FF", "_csrf=\(browser.csrf ?? "")&title=%00&municipality=%00",
                "_csrf=\(browser.csrf ?? "")&" + String(repeating: "municipality=x&", count: 200),
                "_csrf=\(browser.csrf ?? "")&to=resolved&version=abc",
                "_csrf=\(browser.csrf ?? "")&query=%25%25%25&name=",
            ]
            // Signing out would end the session the rest of the walk needs; it has its own tests.
            for endpoint in table where endpoint.path != "/sign-out" {
                let path = endpoint.path.replacingOccurrences(of: "{number}", with: String(issue.number))
                    .replacingOccurrences(of: "{code}", with: "01100X").replacingOccurrences(of: "{id}", with: "0")
                    .replacingOccurrences(of: "{secret}", with: "cl_nope")
                if endpoint.method == .get {
                    for query in queries {
                        let page = try await browser.get(path + query)
                        #expect(page.status.code < 500, "GET \(path)\(query): \(page.status)")
                    }
                } else {
                    for form in forms {
                        let page = try await client.execute(
                            uri: path, method: .post,
                            headers: [
                                .contentType: "application/x-www-form-urlencoded",
                                .cookie: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "),
                            ],
                            body: ByteBuffer(string: form)
                        ) { $0.status }
                        #expect(page.code < 500, "POST \(path) \(form.prefix(40)): \(page)")
                    }
                    let wrongType = try await client.execute(
                        uri: path, method: .post,
                        headers: [.contentType: "application/json", .cookie: "council_session=\(browser.cookies["council_session"] ?? "")"],
                        body: ByteBuffer(string: "{}")
                    ) { $0.status }
                    #expect(wrongType.code < 500 && wrongType.code >= 400, "POST \(path) as JSON: \(wrongType)")
                }
            }
            // Of all that, only the sign-in attempts (refusals are audited) and nothing else was written.
            let changes: [String] = try await env.pool.withConnection {
                try $0.query(Query("test.auditAfter", "SELECT DISTINCT action FROM audit_log WHERE id > \(auditBefore) ORDER BY 1")).rows.map {
                    try $0.decode("action")
                }
            }
            #expect(changes.allSatisfy { $0 == "session.refused" || $0 == "session.end" || $0 == "session.create" }, "\(changes)")
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
