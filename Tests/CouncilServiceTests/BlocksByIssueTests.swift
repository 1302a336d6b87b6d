import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// `blocks_by_issue` (sql/0029) is kept by the writing transactions: after every kind of write it
/// holds exactly the rows `blocks_by_issue_of` computes from the stored issues and links (what
/// those rows mean — who is blamed for what — is `BlockerTests`' subject, through the views).
@Suite struct BlocksByIssueTests {
    /// Rows kept but not computed, plus rows computed but not kept; and how many are kept.
    static func drift(_ pool: DatabasePool) async throws -> (drift: Int, kept: Int) {
        try await pool.withConnection { connection in
            let row = try connection.query(
                Query(
                    "test.blocksDrift",
                    """
                    WITH computed AS (SELECT * FROM blocks_by_issue_of(ARRAY(SELECT number FROM issues)))
                    SELECT (SELECT count(*) FROM (SELECT * FROM blocks_by_issue EXCEPT SELECT * FROM computed) a)
                         + (SELECT count(*) FROM (SELECT * FROM computed EXCEPT SELECT * FROM blocks_by_issue) b) AS drift,
                           (SELECT count(*) FROM blocks_by_issue) AS kept
                    """)
            ).single()
            return (try row.decode("drift"), try row.decode("kept"))
        }
    }

    /// The rows of one issue as "団体 area vendor unconfirmed", sorted.
    static func rows(_ pool: DatabasePool, _ number: Int) async throws -> [String] {
        try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "test.blocksOf",
                    """
                    SELECT dantai_code, business_area, vendor_id, unconfirmed FROM blocks_by_issue WHERE issue_number = \(number)
                    ORDER BY 1, 2, 3
                    """)
            ).rows.map { row in
                let unconfirmed: Bool = try row.decode("unconfirmed")
                return "\(try row.decode("dantai_code") as String) \(try row.decode("business_area") as String) "
                    + "\(try row.decode("vendor_id") as Int)\(unconfirmed ? " unconfirmed" : "")"
            }
        }
    }

    @Test func theOpenStatesAreTheIssueStatesOpenOnes() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { connection in
                for state in IssueState.allCases {
                    let open: Bool = try connection.query(Query("test.isOpen", "SELECT issue_state_is_open(\(state)) AS open")).single()
                        .decode("open")
                    #expect(open == state.isOpen, "\(state)")
                }
            }
        }
    }

    @Test func everyKindOfWriteKeepsTheRowsComputed() async throws {
        try await withApp { client, env in
            let a = env.ids.vendorA.id, b = env.ids.vendorB.id
            func expectKept(_ step: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let (drift, _) = try await Self.drift(env.pool)
                #expect(drift == 0, "after \(step)", sourceLocation: sourceLocation)
            }
            func patch(_ number: Int, _ json: [String: Any]) async throws {
                let etag = try #require(try await env.send(client, .get, "/v1/issues/\(number)", as: .admin).headers[.eTag])
                let response = try await env.send(client, .patch, "/v1/issues/\(number)", as: .admin, json: json, headers: [.ifMatch: etag])
                #expect(response.status == .ok, "\(response.text)")
            }
            func move(_ number: Int, to state: IssueState) async throws {
                let admin = try await env.principal(.admin)
                _ = try await IssueStore(pool: env.pool).transition(number, .init(to: state), by: admin, .system)
            }

            // Reported by vendor A against A and B: new, so it counts against A alone, unconfirmed.
            let issue = try await env.issue(
                "阻害の維持", municipalities: [BlockerTests.link("011002", .blocked, [.juki]), BlockerTests.link("131016", .blocked)],
                businessAreas: [.kokuho, .kaigo], vendors: [a, b])
            #expect(
                try await Self.rows(env.pool, issue.number) == [
                    "011002 juki \(a) unconfirmed", "131016 kaigo \(a) unconfirmed", "131016 kokuho \(a) unconfirmed",
                ])
            try await expectKept("a create")

            try await move(issue.number, to: .triaged)
            #expect(
                try await Self.rows(env.pool, issue.number) == [
                    "011002 juki \(a)", "011002 juki \(b)", "131016 kaigo \(a)", "131016 kaigo \(b)", "131016 kokuho \(a)", "131016 kokuho \(b)",
                ])
            try await expectKept("triage")

            // Links: one no longer blocks, one new, areas changed; then the issue's own areas.
            try await patch(
                issue.number,
                [
                    "municipalities": [
                        ["dantai_code": "011002", "impact": "at_risk", "business_areas": ["juki"]],
                        ["dantai_code": "131016", "impact": "blocked", "business_areas": ["koseki"]],
                        ["dantai_code": "141305", "impact": "blocked"],
                    ]
                ])
            #expect(
                try await Self.rows(env.pool, issue.number) == [
                    "131016 koseki \(a)", "131016 koseki \(b)", "141305 kaigo \(a)", "141305 kaigo \(b)", "141305 kokuho \(a)", "141305 kokuho \(b)",
                ])
            try await expectKept("links changed")
            try await patch(issue.number, ["business_areas": ["juki"]])
            #expect(
                try await Self.rows(env.pool, issue.number) == [
                    "131016 koseki \(a)", "131016 koseki \(b)", "141305 juki \(a)", "141305 juki \(b)",
                ])
            try await expectKept("the issue's areas changed")
            try await patch(issue.number, ["vendor_ids": [b]])
            #expect(try await Self.rows(env.pool, issue.number) == ["131016 koseki \(b)", "141305 juki \(b)"])
            try await expectKept("vendors changed")

            // A title, a comment, a visibility: no row changes (visibility is decided when read).
            try await patch(issue.number, ["title": "阻害の維持（改題）", "visibility": "restricted"])
            _ = try await env.comment(on: issue.number, by: .vendorA)
            #expect(try await Self.rows(env.pool, issue.number) == ["131016 koseki \(b)", "141305 juki \(b)"])

            // Closed: nothing blocks; reopened by the secretariat: back again.
            try await move(issue.number, to: .closed)
            #expect(try await Self.rows(env.pool, issue.number).isEmpty)
            try await expectKept("closed")
            try await move(issue.number, to: .triaged)
            #expect(try await Self.rows(env.pool, issue.number) == ["131016 koseki \(b)", "141305 juki \(b)"])

            // Writes by hand, as an operator's script would: a link deleted, one re-pointed, a vendor added.
            try await env.pool.withTransaction { connection in
                try connection.query(
                    Query("test.dropLink", "DELETE FROM issue_municipalities WHERE issue_number = \(issue.number) AND dantai_code = '131016'"))
                try connection.query(
                    Query(
                        "test.repoint",
                        "UPDATE issue_municipalities SET dantai_code = '013030' WHERE issue_number = \(issue.number) AND dantai_code = '141305'"))
                try connection.query(Query("test.addVendor", "INSERT INTO issue_vendors (issue_number, vendor_id) VALUES (\(issue.number), \(a))"))
            }
            #expect(try await Self.rows(env.pool, issue.number) == ["013030 juki \(a)", "013030 juki \(b)"])
            try await expectKept("writes by hand")

            // A second issue, reported by the secretariat: new, it counts against nobody yet.
            let other = try await env.issue(
                "事務局の報告", by: .admin, municipalities: [BlockerTests.link("011002", .blocked)], vendors: [a])
            #expect(try await Self.rows(env.pool, other.number).isEmpty)
            try await move(other.number, to: .triaged)
            #expect(try await Self.rows(env.pool, other.number) == ["011002 juki \(a)"])
            let (drift, kept) = try await Self.drift(env.pool)
            #expect(drift == 0 && kept == 3)

            // Both ways a refresh plans (sql/0031): a few issues under one generic plan, more than
            // 64 (here numbers without an issue among them) as the plan cache chooses — each
            // rebuilds what was lost, several times over on one connection.
            for refresh in [
                Query("test.refreshFew", "SELECT blocks_by_issue_refresh(\([issue.number, other.number])::integer[])"),
                Query("test.refreshMany", "SELECT blocks_by_issue_refresh(ARRAY(SELECT generate_series(1, 200)))"),
            ] {
                for round in 1...7 {
                    try await env.pool.withTransaction { connection in
                        try connection.query(Query("test.forget", "DELETE FROM blocks_by_issue"))
                        try connection.query(refresh)
                    }
                    let (drift, kept) = try await Self.drift(env.pool)
                    #expect(drift == 0 && kept == 3, "\(refresh.name), round \(round)")
                }
            }
        }
    }

    /// Two transactions change the same issue at once — one adds a blocked link, the other a
    /// vendor — so each alone would compute rows without the other's change; whichever commits
    /// last computed last, from what the other committed, and the link × vendor row is there.
    @Test func concurrentWritersOfOneIssueLeaveItsRowsRight() async throws {
        try await withApp { _, env in
            let a = env.ids.vendorA.id, b = env.ids.vendorB.id
            let issue = try await env.issue("同時の変更", municipalities: [BlockerTests.link("011002", .blocked)], vendors: [a])
            let admin = try await env.principal(.admin)
            _ = try await IssueStore(pool: env.pool).transition(issue.number, .init(to: .triaged), by: admin, .system)
            let number = issue.number
            let writes: [@Sendable (Connection) throws -> Void] = [
                {
                    try $0.query(
                        Query(
                            "test.addLink",
                            "INSERT INTO issue_municipalities (issue_number, dantai_code, impact) VALUES (\(number), '131016', 'blocked')"))
                },
                { try $0.query(Query("test.addVendor", "INSERT INTO issue_vendors (issue_number, vendor_id) VALUES (\(number), \(b))")) },
            ]
            for round in 0..<4 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, write) in writes.enumerated() {
                        group.addTask {
                            // Each round another one goes first; both stay open a moment after writing.
                            if index == round % 2 { try await Task.sleep(for: .milliseconds(20)) }
                            try await env.pool.withTransaction { connection in
                                try write(connection)
                                try connection.query(Query("test.pause", "SELECT pg_sleep(0.1)"))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                #expect(
                    try await Self.rows(env.pool, issue.number) == ["011002 juki \(a)", "011002 juki \(b)", "131016 juki \(a)", "131016 juki \(b)"],
                    "round \(round)")
                try await env.pool.withTransaction { connection in
                    try connection.query(
                        Query("test.undoLink", "DELETE FROM issue_municipalities WHERE issue_number = \(issue.number) AND dantai_code = '131016'"))
                    try connection.query(
                        Query("test.undoVendor", "DELETE FROM issue_vendors WHERE issue_number = \(issue.number) AND vendor_id = \(b)"))
                }
                #expect(try await Self.rows(env.pool, issue.number) == ["011002 juki \(a)"], "round \(round)")
            }
            #expect(try await Self.drift(env.pool).drift == 0)
        }
    }

    @Test func aRepeatableReadWriterIsRefusedRatherThanLeftStale() async throws {
        try await withApp { _, env in
            let issue = try await env.issue("分離レベル", municipalities: [BlockerTests.link("011002", .blocked)])
            await #expect(throws: DatabaseError.self) {
                try await env.pool.withTransaction(isolation: .repeatableRead) { connection in
                    try connection.query(
                        Query(
                            "test.rrLink",
                            "INSERT INTO issue_municipalities (issue_number, dantai_code, impact) VALUES (\(issue.number), '131016', 'blocked')"))
                }
            }
            #expect(try await Self.rows(env.pool, issue.number) == ["011002 juki \(env.ids.vendorA.id) unconfirmed"])
        }
    }
}
