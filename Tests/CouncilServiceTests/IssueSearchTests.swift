import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Finding issues: filters, Japanese substring search (index-backed), keyset pages, saved
/// queries and the CSV export.
@Suite struct IssueSearchTests {
    static func link(_ code: String, _ impact: IssueImpact, _ areas: [BusinessArea] = []) -> IssueMunicipality {
        IssueMunicipality(dantaiCode: MunicipalityCode(rawValue: code)!, impact: impact, businessAreas: areas)
    }

    static func numbers(_ response: TestResponse) throws -> [Int] {
        try response.json.items.compactMap { $0["number"] as? Int }
    }

    @Test func japaneseSubstringSearchFindsTitlesBodiesAndComments() async throws {
        try await withApp { client, env in
            let layout = try await env.issue("帳票レイアウト変更", body: "住民票の写しの様式")
            let kana = try await env.issue("データ移行ツールの不具合", body: "ｶﾅ氏名の文字化け")
            let commented = try await env.issue("移行日程の相談")
            _ = try await env.comment(on: commented.number, by: .vendorA, "介護保険の帳票も対象です")
            func search(_ q: String) async throws -> [Int] {
                let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                return try Self.numbers(try await env.send(client, .get, "/v1/issues?q=\(encoded)&sort=number", as: .vendorB))
            }
            #expect(try await search("帳票") == [layout.number, commented.number])  // two characters: no trigram
            #expect(try await search("帳") == [layout.number, commented.number])  // one character
            #expect(try await search("レイアウト変更") == [layout.number])
            #expect(try await search("ﾚｲｱｳﾄ") == [layout.number])  // half-width kana
            #expect(try await search("れいあうと") == [layout.number])  // hiragana meets katakana
            #expect(try await search("カナ氏名") == [kana.number])  // stored half-width, searched full-width
            #expect(try await search("様式") == [layout.number])  // body
            #expect(try await search("介護保険") == [commented.number])  // comment
            #expect(try await search("帳票変更") == [])  // both bigram sets, not adjacent
            #expect(try await search("100%") == [])  // LIKE wildcards are literal
            // A comment edit changes what search finds.
            let comment = try await env.comment(on: kana.number, by: .vendorA, "外字の扱い")
            #expect(try await search("外字") == [kana.number])
            let edited = try await env.send(
                client, .patch, "/v1/issues/\(kana.number)/comments/\(comment.id)", as: .vendorA,
                json: ["body": "旧字体の扱い"])
            #expect(edited.status == .ok)
            #expect(try await search("外字") == [])
            #expect(try await search("旧字体") == [kana.number])
            let empty = try await env.send(client, .get, "/v1/issues?q=%20", as: .vendorB)
            try expectProblem(empty, .badRequest, field: "q")
        }
    }

    /// At scale a page of one area in two states, whose total is kept, walks that area's own
    /// index in update order and stops after its rows (sql/0034), for any caller: it reads
    /// neither every match nor every issue.
    @Test func aPageOfOneAreaWalksTheAreasIndex() async throws {
        try await withTestPool { pool, configuration in
            let env = TestEnvironment(pool: pool, ids: try await TestIdentities.create(pool))
            let vendor = try await env.principal(.vendorB)
            try await pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.manyIssues",
                        """
                        INSERT INTO issues (number, title, category, severity, state, visibility, reporter_account_id, reporter_organization_id,
                                            own_search_key, facets)
                        SELECT 1000 + g, '課題 ' || g, 'spec', 'low', s, 'council', \(vendor.accountID), \(vendor.organizationID), '',
                               ARRAY['s:' || s, 'sev:low', 'c:spec', CASE WHEN g % 20 = 0 THEN 'a:juki' ELSE 'a:koseki' END]
                        FROM generate_series(1, 30000) AS g,
                             LATERAL (SELECT (ARRAY['new', 'triaged', 'resolved', 'closed'])[g / 20 % 4 + 1] AS s) AS state
                        """))
                // As autovacuum leaves a table: counted, and its pages marked all-visible (by the
                // owner: the daemon's role may not vacuum).
                let owner = try Connection.connect(configuration.with(user: nil))
                try owner.execute(script: "VACUUM ANALYZE issues", name: "test.vacuum")
                var filter = IssueFilter()
                filter.businessAreas = [.juki]
                filter.states = [.new, .triaged]
                for scope in [Policy.IssueScope.all, .organization(vendor.organizationID)] {
                    let query = IssueSearch.pageQuery(
                        IssueSearch.conditions(filter, scope: scope), sort: .default, after: nil, limit: 51, columns: IssueSummary.columns,
                        joins: "", total: .versionOnly, planning: .everyCall)
                    let plan = try connection.query(Query("test.explain", "EXPLAIN \(query.sql)", planning: .everyCall)).rows
                        .map { try $0.decode("QUERY PLAN", as: String.self) }.joined(separator: "\n")
                    #expect(plan.contains("Index Only Scan Backward using issues_juki_updated_idx"), "\(scope): \(plan)")
                    #expect(!plan.contains("Bitmap Heap Scan on issues i") && !plan.contains("Seq Scan on issues i"), "\(scope): \(plan)")
                    let numbers = try connection.query(query).rows.map { try $0.decode("number", as: Int.self) }
                    // All written at once: the same update time, so the newest numbers first.
                    let expected = stride(from: 31000, to: 1000, by: -20).filter { ($0 - 1000) / 20 % 4 < 2 }.prefix(51)
                    #expect(numbers == Array(expected), "\(scope)")
                }
            }
        }
    }

    /// At scale the two-character search must use the gram index, not read every issue.
    @Test func twoCharacterSearchIsServedByTheGramIndex() async throws {
        try await withApp { _, env in
            let vendor = try await env.principal(.vendorB)
            try await env.pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.manyIssues",
                        """
                        INSERT INTO issues (number, title, category, severity, visibility, reporter_account_id, reporter_organization_id,
                                            own_search_key, search_grams)
                        SELECT 1000 + g, '課題 ' || g, 'spec', 'low', CASE WHEN g % 3 = 0 THEN 'restricted' ELSE 'council' END,
                               \(vendor.accountID), \(vendor.organizationID), k, search_grams(k)
                        FROM generate_series(1, 30000) AS g, LATERAL (SELECT md5(g::text) || ' 移行の日程調整 ' || g AS k) AS key
                        """))
                // Every issue has a comment; one issue's own text and another's comment hold the word.
                try connection.query(
                    Query(
                        "test.manyComments",
                        """
                        INSERT INTO issue_comments (issue_number, author_account_id, author_organization_id, body, search_key, search_grams)
                        SELECT 1000 + g, \(vendor.accountID), \(vendor.organizationID), k, k, search_grams(k)
                        FROM generate_series(1, 30000) AS g, LATERAL (SELECT 'コメント ' || md5(g::text) AS k) AS key
                        """))
                try connection.query(
                    Query(
                        "test.oneMatch",
                        """
                        UPDATE issues SET own_search_key = own_search_key || ' 帳票レイアウト変更',
                                          search_grams = search_grams(own_search_key || ' 帳票レイアウト変更') WHERE number = 1500
                        """))
                try connection.query(
                    Query(
                        "test.oneCommentMatch",
                        """
                        UPDATE issue_comments SET search_key = search_key || ' 帳票レイアウト変更',
                                                  search_grams = search_grams(search_key || ' 帳票レイアウト変更') WHERE issue_number = 1700
                        """))
                try connection.execute(script: "ANALYZE issues, issue_comments", name: "test.analyze")
                for (q, scope) in [("帳票", Policy.IssueScope.organization(vendor.organizationID)), ("帳票", .all), ("帳", .all), ("レイアウト変更", .all)] {
                    var filter = IssueFilter()
                    filter.text = q
                    let query = IssueSearch.listQuery(IssueSearch.conditions(filter, scope: scope), sort: .default, after: nil, limit: 51)
                    let plan = try connection.query(Query("test.explain", "EXPLAIN \(query.sql)")).rows
                        .map { try $0.decode("QUERY PLAN", as: String.self) }.joined(separator: "\n")
                    #expect(plan.contains("issues_search_grams_idx"), "\(q): \(plan)")
                    #expect(plan.contains("issue_comments_search_grams_idx"), "\(q): \(plan)")
                    #expect(!plan.contains("Seq Scan"), "\(q): \(plan)")
                    let found = try connection.query(query).rows.map { try $0.decode("number", as: Int.self) }
                    #expect(Set(found) == [1500, 1700], "\(q)")
                }
            }
        }
    }

    /// The pages' issue tables read `summaries`: for every caller and filter, the same issues,
    /// order, totals and cursors as a page of whole issues, with the same fields.
    @Test func summariesArePagesOfTheSameIssues() async throws {
        try await withApp { _, env in
            let vendorB = try await env.principal(.vendorB)
            _ = try await env.issue("札幌の課題", municipalities: [Self.link("011002", .blocked)], severity: .critical)
            _ = try await env.issue("非公開の課題", visibility: .restricted, vendors: [vendorB.organizationID])
            _ = try await env.issue("他社の非公開", by: .vendorB, visibility: .restricted)
            _ = try await env.issue("広域の課題", by: .vendorB, municipalities: [Self.link("131016", .atRisk)], businessAreas: [.kokuho])
            _ = try await env.issue("その他", by: .member, businessAreas: [])
            let search = IssueSearch(pool: env.pool)
            var byPrefecture = IssueFilter(), open = IssueFilter(), byArea = IssueFilter(), byWords = IssueFilter()
            byPrefecture.prefecture = PrefectureCode(rawValue: "01")
            open.states = [.new]
            byArea.businessAreas = [.juki]
            byArea.states = [.new, .triaged]
            byWords.text = "課題"
            let sorts = [
                IssueSort.default, IssueSort(key: .number, descending: false), IssueSort(key: .severity, descending: true),
                IssueSort(key: .due, descending: false),
            ]
            for caller in [TestIdentities.Caller.vendorA, .vendorB, .admin, .observer] {
                let principal = try await env.principal(caller)
                for filter in [IssueFilter(), byPrefecture, open, byArea, byWords] {
                    for sort in sorts {
                        var cursor: IssueCursor?
                        var walked: [Int] = []
                        repeat {
                            let whole = try await search.page(filter, sort: sort, after: cursor, limit: 1, for: principal)
                            let rows = try await search.summaries(filter, sort: sort, after: cursor, limit: 1, for: principal)
                            #expect(rows.total == whole.total && rows.nextCursor == whole.nextCursor, "\(caller)")
                            #expect(
                                rows.items
                                    == whole.items.map {
                                        IssueSummary(
                                            number: $0.number, title: $0.title, category: $0.category, severity: $0.severity, state: $0.state,
                                            vendorIDs: $0.vendors.map(\.id), updatedAt: $0.updatedAt)
                                    }, "\(caller)")
                            walked += rows.items.map(\.number)
                            cursor = rows.nextCursor.flatMap { IssueCursor(token: $0, sort: sort) }
                        } while cursor != nil
                        // Pages walked in turn are the whole list in its order (read another way: the export's query).
                        let everything = try await search.all(filter, sort: sort, for: principal).map(\.number)
                        #expect(walked == everything, "\(caller) \(filter) \(sort)")
                        #expect(try await search.page(filter, sort: sort, after: nil, limit: 2, for: principal).total == everything.count)
                    }
                }
            }
            // The restricted issues reach only those who may see them.
            let vendorBSees = try await search.summaries(IssueFilter(), sort: .default, after: nil, limit: 50, for: vendorB)
            #expect(vendorBSees.items.map(\.title).sorted() == ["その他", "他社の非公開", "広域の課題", "札幌の課題", "非公開の課題"].sorted())
            let observerSees = try await search.summaries(
                IssueFilter(), sort: .default, after: nil, limit: 50, for: try await env.principal(.observer))
            #expect(!observerSees.items.map(\.title).contains("他社の非公開") && !observerSees.items.map(\.title).contains("非公開の課題"))
        }
    }

    /// A list by state, assignee or reporter keeps its total between requests (`ListTotals`);
    /// every change that could move such a total moves the change counters, so after each the
    /// kept totals equal a fresh count, for every caller, and a change that cannot (a comment)
    /// leaves them serving. Pages kept at the versions a session reads (`KeptPages`) equal a
    /// fresh read after every change too, a title and a comment's new update time included.
    @Test func keptTotalsFollowEveryChangeThatMovesThem() async throws {
        try await withApp { client, env in
            let kept = IssueSearch(pool: env.pool)
            let admin = try await env.principal(.admin)
            var open = IssueFilter(), assigned = IssueFilter(), reported = IssueFilter(), triaged = IssueFilter()
            open.states = [.new, .triaged]
            assigned.states = [.new, .triaged]
            assigned.assignee = env.ids.observer.id
            reported.reporterOrganization = env.ids.vendorA.id
            triaged.states = [.triaged]
            // Facets (sql/0034): an area in two states (the 課題一覧), severity, category, and a
            // prefecture's blocked 団体.
            var areaOpen = IssueFilter(), high = IssueFilter(), other = IssueFilter(), tokyoBlocked = IssueFilter()
            areaOpen.businessAreas = [.juki]
            areaOpen.states = [.new, .triaged]
            high.severities = [.high]
            other.categories = [.other]
            tokyoBlocked.prefecture = PrefectureCode(rawValue: "13")
            tokyoBlocked.impacts = [.blocked]
            let filters = [IssueFilter(), open, assigned, reported, triaged, areaOpen, high, other, tokyoBlocked]
            let callers: [TestIdentities.Caller] = [.vendorA, .vendorB, .admin, .observer]
            func expectTotalsAsCounted(_ step: String) async throws {
                for caller in callers {
                    let principal = try await env.principal(caller)
                    for filter in filters {
                        // At the versions a session reads before its page, the page kept in the
                        // step before serves unless the change moved them (`KeptPages`).
                        let known = try await kept.summaries(
                            filter, sort: .default, after: nil, limit: 2, for: principal, known: try await env.rowsVersion())
                        let page = try await kept.summaries(filter, sort: .default, after: nil, limit: 2, for: principal)
                        let counted = try await IssueSearch(pool: env.pool).summaries(filter, sort: .default, after: nil, limit: 2, for: principal)
                        #expect(page.total == counted.total && page.items == counted.items, "\(step): \(caller) \(filter)")
                        #expect(
                            known.total == counted.total && known.items == counted.items && known.nextCursor == counted.nextCursor,
                            "\(step), a kept page: \(caller) \(filter)")
                        let whole = try await kept.page(filter, sort: .default, after: nil, limit: 2, for: principal)
                        #expect(whole.total == counted.total, "\(step): \(caller) \(filter)")
                    }
                }
            }
            let first = try await env.issue("公開の課題")
            _ = try await env.issue("B社の課題", by: .vendorB)
            try await expectTotalsAsCounted("start")
            let served = kept.totals.servedCount, pagesServed = kept.keptPages.servedCount
            try await expectTotalsAsCounted("again")
            #expect(kept.totals.servedCount > served, "the second round reads kept totals")
            #expect(kept.keptPages.servedCount > pagesServed, "the second round serves kept pages")

            let restricted = try await env.issue("非公開の課題", visibility: .restricted)
            try await expectTotalsAsCounted("a new restricted issue")
            let moved = try await env.send(client, .post, "/v1/issues/\(first.number)/transitions", as: .admin, json: ["to": "triaged"])
            #expect(moved.status == .ok, "\(moved.text)")
            try await expectTotalsAsCounted("a transition")
            let store = IssueStore(pool: env.pool)
            // Each change through the store, then every total compared with a fresh count.
            var version = restricted.version
            func change(_ step: String, _ edit: @escaping @Sendable (inout IssueDraft) -> Void) async throws {
                version = try await store.update(restricted.number, expectedVersion: version, by: admin, .system) { issue in
                    var draft = IssueDraft(issue)
                    edit(&draft)
                    return draft
                }.version
                try await expectTotalsAsCounted(step)
            }
            try await change("a title (no counted change; the pages show it)") { $0.title = "非公開の課題（改題）" }
            try await change("assigned") { $0.assigneeID = env.ids.observer.id }
            try await change("a vendor linked (vendor B now sees it)") { $0.vendorIDs.append(env.ids.vendorB.id) }
            try await change("made public") { $0.visibility = .council }
            try await change("severity") { $0.severity = .high }
            try await change("category") { $0.category = .other }
            try await change("another area and a blocked 団体 of Tokyo") {
                $0.businessAreas = [.koseki]
                $0.municipalities = [IssueMunicipality(dantaiCode: MunicipalityCode(rawValue: "131016")!, impact: .blocked, businessAreas: [.koseki])]
            }
            try await change("the 団体 no longer blocked") { $0.municipalities[0].impact = .affected }
            let beforeComment = kept.totals.servedCount
            _ = try await env.comment(on: first.number, by: .vendorA, "件数は変わらない")
            try await expectTotalsAsCounted("a comment (it moves the issue first in the update order)")
            #expect(kept.totals.servedCount > beforeComment, "a comment leaves the kept totals serving")
        }
    }

    /// The API has no version read with a session: it reads the change version before trying a
    /// kept total, so a page after a committed change is counted at once rather than read twice
    /// (under writes, nearly every list was).
    @Test func anAPIPageAfterAChangeIsCountedAtOnce() async throws {
        try await withApp { client, env in
            let search = IssueSearch(pool: env.pool)
            let admin = try await env.principal(.admin)
            var open = IssueFilter()
            open.states = [.new, .triaged]
            _ = try await env.issue("一件目")
            let first = try await search.page(open, sort: .default, after: nil, limit: 10, for: admin)
            let again = try await search.page(open, sort: .default, after: nil, limit: 10, for: admin)
            #expect(again.total == first.total && search.totals.servedCount == 1, "nothing changed: the kept total serves")
            _ = try await env.issue("二件目")
            let after = try await search.page(open, sort: .default, after: nil, limit: 10, for: admin)
            #expect(after.total == first.total + 1)
            #expect(search.totals.readInVainCount == 0, "the page after the change was read once")
            let kept = try await search.page(open, sort: .default, after: nil, limit: 10, for: admin)
            #expect(kept.total == after.total && search.totals.servedCount == 2, "the new total is kept")
        }
    }

    @Test func everyFilterNarrowsAndBadValuesAreNamed() async throws {
        try await withApp { client, env in
            let sapporo = try await env.issue(
                "札幌の課題", municipalities: [Self.link("011002", .blocked, [.juki])], severity: .critical,
                labels: ["要確認"], businessAreas: [.juki])
            let tokyo = try await env.issue(
                "千代田区の課題", by: .vendorB, municipalities: [Self.link("131016", .atRisk)],
                severity: .low, businessAreas: [.kokuho])
            let both = try await env.issue(
                "広域の課題", municipalities: [Self.link("013030", .affected), Self.link("141305", .blocked)],
                businessAreas: [.juki, .kokuho])
            let plain = try await env.issue("その他の課題", by: .member, businessAreas: [])
            let cases: [(String, [Int])] = [
                ("municipality=011002", [sapporo.number]),
                ("prefecture=13", [tokyo.number]),
                ("prefecture=01", [sapporo.number, both.number]),
                ("block=hokkaido", [sapporo.number, both.number]),
                ("block=kanto_koshinetsu", [tokyo.number, both.number]),
                ("impact=blocked", [sapporo.number, both.number]),
                ("impact=blocked&prefecture=01", [sapporo.number]),  // the same municipality
                ("impact=blocked,at_risk&block=kanto_koshinetsu", [tokyo.number, both.number]),
                ("severity=critical,low", [sapporo.number, tokyo.number]),
                ("business_area=kokuho", [tokyo.number, both.number]),
                ("vendor=\(env.ids.vendorB.id)", [tokyo.number]),
                ("reporter_organization=\(env.ids.secretariat.id)", [plain.number]),
                ("label=要確認", [sapporo.number]),
                ("state=new&state=triaged", [sapporo.number, tokyo.number, both.number, plain.number]),
                ("state=closed", []),
                ("category=spec", [sapporo.number, tokyo.number, both.number, plain.number]),
                ("updated_since=2000-01-01", [sapporo.number, tokyo.number, both.number, plain.number]),
                ("updated_since=2999-01-01T00:00:00Z", []),
            ]
            for (query, expected) in cases {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
                let response = try await env.send(client, .get, "/v1/issues?\(encoded)&sort=number", as: .member)
                #expect(response.status == .ok, "\(query): \(response.text)")
                #expect(try Self.numbers(response) == expected, "\(query)")
                #expect(try response.json["total"] as? Int == expected.count, "\(query)")
            }
            let admin = try await env.principal(.admin)
            _ = try await IssueStore(pool: env.pool).update(both.number, expectedVersion: both.version, by: admin, .system) { issue in
                var draft = IssueDraft(issue)
                draft.assigneeID = env.ids.observer.id
                draft.dueDate = CalendarDate(rawValue: "2026-12-01")
                return draft
            }
            for (query, expected) in [
                ("assignee=\(env.ids.observer.id)", [both.number]), ("due_before=2026-12-02", [both.number]),
                ("due_before=2026-12-01", []),
            ] {
                #expect(try Self.numbers(try await env.send(client, .get, "/v1/issues?\(query)", as: .member)) == expected, "\(query)")
            }
            for (query, field) in [
                ("state=open", "state"), ("prefecture=48", "prefecture"), ("municipality=011003", "municipality"),
                ("sort=priority", "sort"), ("limit=0", "limit"), ("cursor=abc", "cursor"), ("updated_since=yesterday", "updated_since"),
                ("block=kanto", "block"), ("stat=new", "stat"), ("vendor=x", "vendor"),
            ] {
                try expectProblem(try await env.send(client, .get, "/v1/issues?\(query)", as: .member), .badRequest, field: field)
            }
        }
    }

    @Test func cursorPagesStayStableWhileIssuesAreAdded() async throws {
        try await withApp { client, env in
            var created: [Int] = []
            for index in 0..<7 { created.append(try await env.issue("課題 \(index)", severity: index % 2 == 0 ? .high : .low).number) }
            for sort in ["-updated", "number", "-number", "severity", "-severity", "due"] {
                var seen: [Int] = []
                var cursor: String?
                var pages = 0
                repeat {
                    let path = "/v1/issues?limit=3&sort=\(sort)" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let response = try await env.send(client, .get, path, as: .member)
                    #expect(response.status == .ok, "\(response.text)")
                    seen += try Self.numbers(response)
                    cursor = try response.json["next_cursor"] as? String
                    pages += 1
                    // New issues arrive between pages.
                    if pages == 1 { created.append(try await env.issue("途中で追加 \(sort)").number) }
                } while cursor != nil && pages < 10
                #expect(Set(seen).count == seen.count, "\(sort): duplicates in \(seen)")
                let before = Set(created.dropLast())
                #expect(before.isSubset(of: Set(seen)), "\(sort): skipped \(before.subtracting(seen))")
                if sort == "number" { #expect(seen == seen.sorted()) }
                if sort == "-number" { #expect(seen == seen.sorted(by: >)) }
            }
            // A cursor belongs to its sort.
            let first = try await env.send(client, .get, "/v1/issues?limit=2&sort=number", as: .member)
            let cursor = try #require(try first.json["next_cursor"] as? String)
            try expectProblem(
                try await env.send(client, .get, "/v1/issues?limit=2&sort=-updated&cursor=\(cursor)", as: .member), .badRequest, field: "cursor")
        }
    }

    @Test func savedQueriesRunAndAreSharedWithTheOrganizationOnly() async throws {
        try await withApp { client, env in
            let juki = try await env.issue("住記の課題", businessAreas: [.juki])
            _ = try await env.issue("国保の課題", businessAreas: [.kokuho])
            var response = try await env.send(
                client, .post, "/v1/saved-queries", as: .vendorA,
                json: ["name": "住記の未対応", "filters": ["business_area": "juki", "state": ["new", "triaged"]]])
            #expect(response.status == .created)
            let id = try #require(try response.json["id"] as? Int)
            #expect(try (response.json["filters"] as? [String: [String]]) == ["business_area": ["juki"], "state": ["new", "triaged"]])
            response = try await env.send(client, .get, "/v1/issues?saved_query=\(id)", as: .vendorA)
            #expect(try Self.numbers(response) == [juki.number])
            // The request's own parameters override the saved ones.
            response = try await env.send(client, .get, "/v1/issues?saved_query=\(id)&state=closed", as: .vendorA)
            #expect(try Self.numbers(response) == [])
            response = try await env.send(client, .get, "/v1/issues/export?saved_query=\(id)", as: .vendorA)
            #expect(response.text.contains("住記の課題") && !response.text.contains("国保の課題"))
            // Another organization cannot see or run it; a colleague can once it is shared.
            let colleague = try await Self.colleagueOfVendorA(env)
            for caller in [TestIdentities.Caller.vendorB, .admin] {
                try expectProblem(try await env.send(client, .get, "/v1/saved-queries/\(id)", as: caller), .notFound)
                try expectProblem(try await env.send(client, .get, "/v1/issues?saved_query=\(id)", as: caller), .notFound)
            }
            response = try await client.execute(uri: "/v1/saved-queries/\(id)", method: .get, headers: colleague) { $0 }
            #expect(response.status == .notFound)
            response = try await env.send(client, .patch, "/v1/saved-queries/\(id)", as: .vendorA, json: ["shared": true])
            #expect(try response.json["shared"] as? Bool == true)
            response = try await client.execute(uri: "/v1/issues?saved_query=\(id)", method: .get, headers: colleague) { $0 }
            #expect(try Self.numbers(response) == [juki.number])
            var patch = colleague
            patch[.contentType] = "application/json"
            response = try await client.execute(uri: "/v1/saved-queries/\(id)", method: .delete, headers: colleague) { $0 }
            try expectProblem(response, .forbidden)
            // Filters are checked like the query itself, named under filters.
            response = try await env.send(client, .post, "/v1/saved-queries", as: .vendorA, json: ["name": "壊れた", "filters": ["state": ["open"]]])
            try expectProblem(response, .badRequest, field: "filters.state")
            response = try await env.send(client, .post, "/v1/saved-queries", as: .vendorA, json: ["name": "壊れた", "filters": ["colour": "red"]])
            try expectProblem(response, .badRequest, field: "filters.colour")
            response = try await env.send(client, .post, "/v1/saved-queries", as: .vendorA, json: ["name": "住記の未対応", "filters": [:]])
            try expectProblem(response, .conflict)
            response = try await env.send(client, .delete, "/v1/saved-queries/\(id)", as: .vendorA)
            #expect(response.status == .noContent)
            response = try await env.send(client, .get, "/v1/saved-queries", as: .vendorA)
            #expect(try response.json.items.isEmpty)
        }
    }

    static func colleagueOfVendorA(_ env: TestEnvironment) async throws -> HTTPFields {
        let account = try await AccountStore(pool: env.pool).create(
            AccountDraft(
                organizationID: env.ids.vendorA.id, displayName: "同僚", email: EmailAddress(rawValue: "colleague@example.jp")!,
                role: .member, orgAdmin: false), by: .system
        ) { _ in }
        let token = try await TokenStore(pool: env.pool).issue(to: account.id, name: "t", expiresAt: nil, by: .system)
        return [.authorization: "Bearer \(token.secret)"]
    }

    @Test func exportIsExcelReadableInUTF8AndCP932() async throws {
        try await withApp { client, env in
            let issue = try await env.issue("帳票, \"引用\" を含む件名", municipalities: [Self.link("011002", .blocked)], labels: ["要確認"])
            var response = try await env.send(client, .get, "/v1/issues/export", as: .observer)
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            let rows = response.text.dropFirst().split(separator: "\r\n")
            #expect(rows.first?.hasPrefix("番号,件名,分類,重要度") == true)
            #expect(rows.count == 2)
            #expect(rows.last?.hasPrefix("\(issue.number),\"帳票, \"\"引用\"\" を含む件名\",仕様,中,協議会,新規,株式会社ベンダーA,") == true)
            #expect(rows.last?.contains("011002 札幌市") == true)
            response = try await env.send(client, .get, "/v1/issues/export?encoding=cp932", as: .observer)
            #expect(response.headers[.contentType] == "text/csv; charset=Shift_JIS")
            let text = try #require(String(data: Data(response.body.readableBytesView), encoding: .shiftJIS))
            #expect(text.contains("帳票, \"\"引用\"\""))
            try expectProblem(try await env.send(client, .get, "/v1/issues/export?encoding=latin1", as: .observer), .badRequest, field: "encoding")
        }
    }
}
