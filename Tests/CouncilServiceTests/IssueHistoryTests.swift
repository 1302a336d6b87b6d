import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Relations, comments with their edit history, watchers, and the event for every change.
@Suite struct IssueHistoryTests {
    static func kinds(_ response: TestResponse) throws -> [String] {
        try response.json.items.compactMap { $0["kind"] as? String }
    }

    @Test func relationsShowFromBothSidesAndBlockingCyclesAreRefused() async throws {
        try await withApp { client, env in
            let a = try await env.issue("A"), b = try await env.issue("B"), c = try await env.issue("C")
            func relate(_ from: Int, _ kind: String, _ to: Int) async throws -> TestResponse {
                try await env.send(client, .post, "/v1/issues/\(from)/relations", as: .member, json: ["kind": kind, "issue": to])
            }
            #expect(try await relate(a.number, "blocks", b.number).status == .created)
            #expect(try await relate(c.number, "blocked_by", b.number).status == .created)  // stored as B blocks C
            // Already there (from either side): 200, nothing new.
            #expect(try await relate(b.number, "blocked_by", a.number).status == .ok)
            // C → A would close A → B → C → A.
            var response = try await relate(c.number, "blocks", a.number)
            let problem = try expectProblem(response, .unprocessableContent, field: "issue")
            #expect(
                problem["detail"] as? String
                    == "issue: #\(c.number) blocks #\(a.number) would close the cycle #\(a.number) → #\(b.number) → #\(c.number) → #\(a.number)")
            response = try await relate(a.number, "blocked_by", c.number)
            try expectProblem(response, .unprocessableContent, field: "issue")
            response = try await relate(a.number, "relates", a.number)
            try expectProblem(response, .unprocessableContent, field: "issue")
            response = try await relate(a.number, "follows", b.number)
            try expectProblem(response, .badRequest, field: "kind")
            // relates has no direction and does not count as a cycle.
            #expect(try await relate(c.number, "relates", a.number).status == .created)
            #expect(try await relate(a.number, "relates", c.number).status == .ok)
            response = try await env.send(client, .get, "/v1/issues/\(b.number)/relations", as: .vendorB)
            #expect(Set(try response.json.items.map { "\($0["kind"]!) \($0["issue"]!)" }) == ["blocks \(c.number)", "blocked_by \(a.number)"])
            response = try await env.send(client, .get, "/v1/issues/\(a.number)/relations", as: .vendorB)
            #expect(Set(try response.json.items.map { "\($0["kind"]!) \($0["issue"]!)" }) == ["blocks \(b.number)", "relates \(c.number)"])
            // Events on both issues, each from its own side.
            response = try await env.send(client, .get, "/v1/issues/\(c.number)/events", as: .vendorB)
            let events = try response.json.items.filter { $0["kind"] as? String == "relation_added" }
            #expect(events.map { "\($0["field"]!) \($0["related_issue"]!)" } == ["blocked_by \(b.number)", "relates \(a.number)"])
            // The one stored relation is removed (asked from B's side); without B → C, C may block A.
            response = try await env.send(client, .delete, "/v1/issues/\(b.number)/relations/blocks/\(c.number)", as: .member)
            #expect(response.status == .noContent)
            response = try await env.send(client, .delete, "/v1/issues/\(c.number)/relations/blocked_by/\(b.number)", as: .member)
            try expectProblem(response, .notFound)
            #expect(try await relate(c.number, "blocks", a.number).status == .created)
            response = try await env.send(client, .get, "/v1/issues/\(b.number)/events", as: .member)
            #expect(try Self.kinds(response).suffix(1) == ["relation_removed"])
            // A vendor not taking part in the issue cannot relate it.
            response = try await env.send(
                client, .post, "/v1/issues/\(a.number)/relations", as: .vendorB, json: ["kind": "relates", "issue": b.number])
            try expectProblem(response, .forbidden)
        }
    }

    @Test func concurrentBlocksCannotFormACycle() async throws {
        try await withApp { client, env in
            for _ in 0..<4 {
                let a = try await env.issue("A"), b = try await env.issue("B")
                async let one = env.send(client, .post, "/v1/issues/\(a.number)/relations", as: .admin, json: ["kind": "blocks", "issue": b.number])
                async let two = env.send(client, .post, "/v1/issues/\(b.number)/relations", as: .member, json: ["kind": "blocks", "issue": a.number])
                let statuses = try await [one.status, two.status].map(\.code).sorted()
                #expect(statuses == [201, 422], "\(statuses)")
            }
        }
    }

    @Test func everyChangeIsAnEventWithItsActor() async throws {
        try await withApp { client, env in
            let issue = try await env.issue(
                "記録される課題",
                municipalities: [
                    IssueMunicipality(dantaiCode: MunicipalityCode(rawValue: "011002")!, impact: .affected, businessAreas: []),
                    IssueMunicipality(dantaiCode: MunicipalityCode(rawValue: "013030")!, impact: .affected, businessAreas: []),
                ])
            let path = "/v1/issues/\(issue.number)"
            var response = try await env.send(
                client, .patch, path, as: .admin,
                json: [
                    "title": "記録される課題（改）", "severity": "critical", "labels": ["優先"], "due_date": "2027-01-31",
                    "assignee_organization_id": env.ids.observer.id,
                    "municipalities": [
                        ["dantai_code": "011002", "impact": "blocked", "business_areas": ["juki"]],
                        ["dantai_code": "131016", "impact": "at_risk"],
                    ],
                ], headers: [.ifMatch: issue.etag])
            #expect(response.status == .ok, "\(response.text)")
            _ = try await env.send(client, .post, "\(path)/transitions", as: .admin, json: ["to": "triaged"])
            let comment = try await env.comment(on: issue.number, by: .vendorA, "初稿")
            _ = try await env.send(client, .patch, "\(path)/comments/\(comment.id)", as: .vendorA, json: ["body": "第二稿"])
            _ = try await env.send(client, .post, "\(path)/watchers", as: .observer, json: ["kind": "organization", "id": env.ids.observer.id])
            response = try await env.send(client, .get, "\(path)/events", as: .vendorA)
            let events = try response.json.items
            let summary = events.map { "\($0["kind"]!)|\($0["field"] as? String ?? "")" }
            #expect(
                summary == [
                    "created|",
                    "field_changed|assignee_organization", "field_changed|due_date", "field_changed|labels", "field_changed|severity",
                    "field_changed|title",
                    "municipality_changed|011002", "municipality_removed|013030", "municipality_added|131016",
                    "state_changed|state", "comment_added|comments", "comment_edited|comments", "watcher_added|organization",
                ])
            let severity = try #require(events.first { $0["field"] as? String == "severity" })
            #expect(severity["old"] as? String == "medium" && severity["new"] as? String == "critical")
            #expect(severity["actor_account_id"] as? Int == env.ids.identity(.admin).account.id)
            let changed = try #require(events.first { $0["field"] as? String == "011002" })
            #expect((changed["old"] as? [String: Any])?["impact"] as? String == "affected")
            #expect((changed["new"] as? [String: Any])?["business_areas"] as? [String] == ["juki"])
            #expect(try response.json["total"] as? Int == 13)
            // Paging through events.
            response = try await env.send(client, .get, "\(path)/events?limit=5", as: .vendorA)
            let next = try #require(try response.json["next_cursor"] as? String)
            response = try await env.send(client, .get, "\(path)/events?limit=5&after=\(next)", as: .vendorA)
            #expect(try response.json.items.first?["field"] as? String == "title")
            // Events are append-only.
            await #expect(throws: DatabaseError.self) {
                try await env.pool.withConnection { try $0.query(Query("test.tamper", "DELETE FROM issue_events")) }
            }
        }
    }

    @Test func commentsAreEditedOnlyByTheirAuthorAndKeepTheirHistory() async throws {
        try await withApp { client, env in
            let issue = try await env.issue(assignee: env.ids.observer.id)
            let path = "/v1/issues/\(issue.number)/comments"
            var response = try await env.send(client, .post, path, as: .observer, json: ["body": "**確認中**です"])
            #expect(response.status == .created)
            let id = try #require(try response.json["id"] as? Int)
            #expect(response.headers[.location] == "\(path)/\(id)")
            // Vendor B sees the council-wide issue but takes no part in it.
            response = try await env.send(client, .post, path, as: .vendorB, json: ["body": "横から"])
            try expectProblem(response, .forbidden)
            response = try await env.send(client, .post, path, as: .vendorA, json: ["body": "  "])
            try expectProblem(response, .badRequest, field: "body")
            response = try await env.send(client, .patch, "\(path)/\(id)", as: .admin, json: ["body": "書き換え"])
            try expectProblem(response, .forbidden)
            for text in ["確認しました", "確認しました（追記）"] {
                response = try await env.send(client, .patch, "\(path)/\(id)", as: .observer, json: ["body": text])
                #expect(response.status == .ok)
            }
            #expect(try response.json["edit_count"] as? Int == 2)
            response = try await env.send(client, .get, "\(path)/\(id)/revisions", as: .vendorB)
            #expect(try response.json.items.map { $0["body"] as? String } == ["**確認中**です", "確認しました"])
            response = try await env.send(client, .get, "/v1/issues/\(issue.number + 1)/comments/\(id)/revisions", as: .admin)
            try expectProblem(response, .notFound)
        }
    }

    @Test func watchersAreYourselfOrYourOrganizationAndMustSeeTheIssue() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            let secret = try await env.restrictedIssue()
            let path = "/v1/issues/\(issue.number)/watchers"
            var response = try await env.send(
                client, .post, path, as: .vendorB, json: ["kind": "account", "id": env.ids.identity(.vendorA).account.id])
            try expectProblem(response, .forbidden)
            response = try await env.send(client, .post, path, as: .vendorB, json: ["kind": "organization", "id": env.ids.vendorB.id])
            #expect(response.status == .created)
            response = try await env.send(client, .post, path, as: .vendorB, json: ["kind": "organization", "id": env.ids.vendorB.id])
            #expect(response.status == .ok)
            #expect(try response.json.items.map { $0["name"] as? String } == ["株式会社ベンダーB"])
            // The secretariat may add someone, but not to an issue they cannot see.
            response = try await env.send(
                client, .post, "/v1/issues/\(secret.number)/watchers", as: .admin,
                json: ["kind": "account", "id": env.ids.identity(.vendorB).account.id])
            try expectProblem(response, .unprocessableContent, field: "id")
            response = try await env.send(
                client, .post, "/v1/issues/\(secret.number)/watchers", as: .admin,
                json: ["kind": "account", "id": env.ids.identity(.observer).account.id])
            #expect(response.status == .created)
            response = try await env.send(client, .delete, "\(path)/organization/\(env.ids.vendorB.id)", as: .vendorB)
            #expect(response.status == .noContent)
            response = try await env.send(client, .delete, "\(path)/organization/\(env.ids.vendorB.id)", as: .vendorB)
            try expectProblem(response, .notFound)
            response = try await env.send(client, .delete, "\(path)/team/1", as: .vendorB)
            try expectProblem(response, .badRequest, field: "kind")
        }
    }
}
