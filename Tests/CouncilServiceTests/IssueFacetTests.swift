import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// What the fast paths keep beside each issue (sql/0020): facets that always equal what the
/// links say, search grams the daemon computes exactly as SQL does, numbers from a sequence,
/// and edits that leave unchanged link sets alone.
@Suite struct IssueFacetTests {
    /// Stored facets against the ones `issue_facets` derives from the stored links now.
    static func facetsAgree(_ number: Int, _ pool: DatabasePool) async throws -> (stored: [String], derived: [String]) {
        try await pool.withConnection { connection in
            let row = try connection.query(
                Query(
                    "test.facets",
                    """
                    SELECT ARRAY(SELECT f FROM unnest(facets) f ORDER BY f) AS stored,
                           ARRAY(SELECT f FROM unnest(issue_facets(number, state, severity, category)) f ORDER BY f) AS derived
                    FROM issues WHERE number = \(number)
                    """)
            ).single()
            return (try row.decode("stored"), try row.decode("derived"))
        }
    }

    @Test func facetsFollowEveryWayAnIssueChanges() async throws {
        try await withApp { client, env in
            let issue = try await env.issue(
                "ファセット", municipalities: [IssueSearchTests.link("011002", .blocked, [.juki]), IssueSearchTests.link("131016", .atRisk)],
                severity: .high, businessAreas: [.juki, .kokuho])
            var facets = try await Self.facetsAgree(issue.number, env.pool)
            #expect(facets.stored == facets.derived)
            #expect(
                facets.stored == [
                    "a:juki", "a:kokuho", "b:hokkaido", "b:kanto_koshinetsu", "c:spec", "i:at_risk", "i:blocked", "p:01", "p:13",
                    "s:new", "sev:high", "v:\(env.ids.vendorA.id)",
                ])
            // An edit of links and fields, then a transition.
            let edited = try await env.send(
                client, .patch, "/v1/issues/\(issue.number)", as: .admin,
                json: [
                    "severity": "low", "category": "cost", "business_areas": ["koseki"],
                    "municipalities": [["dantai_code": "141305", "impact": "affected"]], "vendor_ids": [env.ids.vendorB.id],
                ],
                headers: [.ifMatch: issue.etag])
            #expect(edited.status == .ok, "\(edited.text)")
            facets = try await Self.facetsAgree(issue.number, env.pool)
            #expect(facets.stored == facets.derived)
            #expect(facets.stored.contains("p:14") && !facets.stored.contains("p:01") && facets.stored.contains("v:\(env.ids.vendorB.id)"))
            let moved = try await env.send(client, .post, "/v1/issues/\(issue.number)/transitions", as: .admin, json: ["to": "triaged"])
            #expect(moved.status == .ok)
            facets = try await Self.facetsAgree(issue.number, env.pool)
            #expect(facets.stored == facets.derived && facets.stored.contains("s:triaged") && !facets.stored.contains("s:new"))
            // The lists answer from the facets: by the new values, not the old.
            let byNew = try await env.send(client, .get, "/v1/issues?vendor=\(env.ids.vendorB.id)&business_area=koseki&state=triaged", as: .admin)
            #expect(try IssueSearchTests.numbers(byNew) == [issue.number])
            // States in the facet intersection (no vendor given) and on the column (alone) agree.
            for (query, expected) in [
                ("business_area=koseki&state=triaged", [issue.number]), ("business_area=koseki&state=new,in_discussion", []),
                ("state=triaged", [issue.number]), ("state=new", []),
            ] {
                #expect(try IssueSearchTests.numbers(try await env.send(client, .get, "/v1/issues?\(query)", as: .admin)) == expected, "\(query)")
            }
            let byOld = try await env.send(client, .get, "/v1/issues?prefecture=01&state=new,triaged", as: .admin)
            #expect(try IssueSearchTests.numbers(byOld) == [])
            // Restricted: vendor B sees it as a concerned vendor (through the facets), vendor A as its
            // reporter, the observer not at all.
            let restricted = try await env.send(
                client, .patch, "/v1/issues/\(issue.number)", as: .admin, json: ["visibility": "restricted"],
                headers: [.ifMatch: try #require(moved.headers[.eTag])])
            #expect(restricted.status == .ok)
            #expect(try IssueSearchTests.numbers(try await env.send(client, .get, "/v1/issues?severity=low", as: .vendorB)) == [issue.number])
            #expect(try IssueSearchTests.numbers(try await env.send(client, .get, "/v1/issues?severity=low", as: .vendorA)) == [issue.number])
            #expect(try IssueSearchTests.numbers(try await env.send(client, .get, "/v1/issues?severity=low", as: .observer)) == [])
        }
    }

    @Test func anEditOfOneFieldRewritesNoLinkRow() async throws {
        try await withApp { client, env in
            let issue = try await env.issue("リンクは書き換えない", municipalities: [IssueSearchTests.link("011002", .blocked)])
            func linkVersions() async throws -> [String] {
                try await env.pool.withConnection { connection in
                    try connection.query(
                        Query(
                            "test.linkVersions",
                            """
                            SELECT 'm' || xmin::text AS v FROM issue_municipalities WHERE issue_number = \(issue.number)
                            UNION ALL SELECT 'v' || xmin::text FROM issue_vendors WHERE issue_number = \(issue.number)
                            UNION ALL SELECT 'a' || xmin::text FROM issue_business_areas WHERE issue_number = \(issue.number)
                            ORDER BY 1
                            """)
                    ).rows.map { try $0.decode("v") }
                }
            }
            let before = try await linkVersions()
            let edited = try await env.send(
                client, .patch, "/v1/issues/\(issue.number)", as: .vendorA, json: ["severity": "critical"], headers: [.ifMatch: issue.etag])
            #expect(edited.status == .ok)
            #expect(try await linkVersions() == before)
            #expect(try await Self.facetsAgree(issue.number, env.pool).stored.contains("sev:critical"))
        }
    }

    @Test func theDaemonsGramsAreSQLsGrams() async throws {
        try await withApp { _, env in
            let keys = [
                "", "a", "帳票", IssueSearchKey.make("ｶﾀｶﾅとひらがな"), "𠮷野家\n外字", "👨‍👩‍👧 家族", "か\u{3099}", "a\\b%_c", "ああああ",
                IssueSearchKey.make("（標準仕様書第4.1版）①"),
            ]
            try await env.pool.withConnection { connection in
                for key in keys {
                    let sql: [String] = try connection.query(
                        Query("test.grams", "SELECT ARRAY(SELECT g FROM unnest(search_grams(\(key))) g ORDER BY g COLLATE \"C\") AS g")
                    ).single().decode("g")
                    let swift = IssueSearchKey.grams(key).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                    #expect(swift == sql, "\(key)")
                }
            }
        }
    }

    @Test func concurrentCreatesTakeDistinctNumbersWithoutWaitingForEachOther() async throws {
        try await withApp { client, env in
            let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let response = try await env.send(
                            client, .post, "/v1/issues", as: index % 2 == 0 ? .vendorA : .vendorB,
                            json: ["title": "同時作成 \(index)", "category": "spec", "severity": "low"])
                        return try #require(try response.json["number"] as? Int)
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(Set(numbers).count == 24)
            // A number taken by a transaction that rolls back is not handed out again: a gap.
            struct RolledBack: Error { let number: Int }
            var taken = 0
            do {
                try await env.pool.withTransaction { connection in
                    let number: Int = try connection.query(Query("test.takeNumber", "SELECT nextval('issue_numbers')::int AS n")).single().decode("n")
                    throw RolledBack(number: number)
                }
            } catch let error as RolledBack {
                taken = error.number
            }
            let next = try await env.issue("欠番の次", by: .vendorA)
            #expect(taken == numbers.max()! + 1 && next.number == taken + 1)
        }
    }

    /// Writes put facets into the GIN index at once (sql/0038): a facet search after thousands
    /// of writes reads no more of the index than before them. With the default pending list it
    /// read every pending entry of every write since the last vacuum (114 pages after 30 s of
    /// the mixed load).
    @Test func aFacetSearchAfterManyWritesReadsNoPendingEntries() async throws {
        try await withTestPool { pool, configuration in
            let env = TestEnvironment(pool: pool, ids: try await TestIdentities.create(pool))
            let vendor = try await env.principal(.vendorB)
            // Expectations are made outside the connection's thread, where the test can see them.
            let (before, after, plans) = try await pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.manyIssues",
                        """
                        INSERT INTO issues (number, title, category, severity, visibility, reporter_account_id, reporter_organization_id,
                                            own_search_key, facets)
                        SELECT 1000 + g, '課題 ' || g, 'spec', 'low', 'council', \(vendor.accountID), \(vendor.organizationID), '',
                               ARRAY['s:new', 'c:spec', CASE WHEN g % 100 = 0 THEN 'sev:critical' ELSE 'sev:low' END, 'a:koseki']
                        FROM generate_series(1, 20000) AS g
                        """))
                let owner = try Connection.connect(configuration.with(user: nil))
                try owner.execute(script: "VACUUM ANALYZE issues", name: "test.vacuum")
                // The index pages a search for the 200 critical issues reads.
                func indexPagesRead() throws -> (pages: Int?, plan: String) {
                    let plan = try connection.query(
                        Query(
                            "test.explain",
                            """
                            EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
                            SELECT count(*) FROM issues i WHERE i.facets @> ARRAY['sev:critical']
                            """, planning: .everyCall)
                    ).rows.map { try $0.decode("QUERY PLAN", as: String.self) }
                    guard let scan = plan.firstIndex(where: { $0.contains("Bitmap Index Scan on issues_facets_idx") }),
                        let buffers = plan[scan...].first(where: { $0.contains("Buffers: shared") })
                    else { return (nil, plan.joined(separator: "\n")) }
                    // "Buffers: shared hit=12 read=3": every page read, from memory or not.
                    let pages = buffers.split(separator: " ").compactMap { part -> Int? in
                        guard let equals = part.firstIndex(of: "=") else { return nil }
                        return Int(part[part.index(after: equals)...])
                    }.reduce(0, +)
                    return (pages, plan.joined(separator: "\n"))
                }
                let before = try indexPagesRead()
                // 5,000 writes of other issues' facets (a severity each), none of them critical.
                try connection.query(
                    Query(
                        "test.manyWrites",
                        """
                        UPDATE issues SET severity = 'medium', facets = array_replace(facets, 'sev:low', 'sev:medium')
                        WHERE number BETWEEN 1001 AND 6000 AND severity = 'low'
                        """))
                let after = try indexPagesRead()
                return (before.pages, after.pages, before.plan + "\n" + after.plan)
            }
            let pagesBefore = try #require(before, "a bitmap scan of the facet index: \(plans)")
            let pagesAfter = try #require(after, "a bitmap scan of the facet index: \(plans)")
            #expect(pagesAfter <= pagesBefore + 2, "index pages read: \(pagesBefore) before the writes, \(pagesAfter) after them")
        }
    }
}
