import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Security review, low findings: answers say only what the caller may see.
@Suite struct DisclosureTests {
    @Test func aCycleErrorDoesNotNameHiddenIssues() async throws {
        try await withApp { client, env in
            let p = try await env.issue("A社の課題P"), q = try await env.issue("A社の課題Q")
            let hidden = try await env.issue("B社の限定課題", by: .vendorB, visibility: .restricted)
            #expect(
                try await env.send(
                    client, .post, "/v1/issues/\(q.number)/relations", as: .admin,
                    json: ["kind": "blocks", "issue": hidden.number]
                ).status == .created)
            // An edge older than the audience rule closes the path through the hidden issue.
            _ = try await env.pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.legacyEdge",
                        """
                        INSERT INTO issue_relations (kind, from_number, to_number, created_by)
                        VALUES ('blocks', \(hidden.number), \(p.number), \(env.ids.identity(.admin).account.id))
                        """))
            }
            let response = try await env.send(
                client, .post, "/v1/issues/\(p.number)/relations", as: .vendorA,
                json: ["kind": "blocks", "issue": q.number])
            let problem = try expectProblem(response, .unprocessableContent, field: "issue")
            let detail = try #require(problem["detail"] as? String)
            #expect(detail.contains("#\(q.number) → a restricted issue → #\(p.number)"), "\(detail)")
            #expect(!response.text.contains("#\(hidden.number)"))
            // The secretariat sees the whole cycle.
            let asAdmin = try await env.send(
                client, .post, "/v1/issues/\(p.number)/relations", as: .admin,
                json: ["kind": "blocks", "issue": q.number])
            #expect(asAdmin.text.contains("#\(hidden.number)"))
        }
    }

    @Test func duplicateOfAHiddenIssueIsNotShown() async throws {
        try await withApp { client, env in
            let hidden = try await env.issue("B社の限定課題", by: .vendorB, visibility: .restricted)
            let copy = try await env.issue("A社の同じ課題")
            let moved = try await env.send(
                client, .post, "/v1/issues/\(copy.number)/transitions", as: .admin,
                json: ["to": "duplicate", "duplicate_of": hidden.number])
            #expect(moved.status == .ok, "\(moved.text)")
            #expect(try await env.send(client, .get, "/v1/issues/\(copy.number)", as: .admin).json["duplicate_of"] as? Int == hidden.number)
            for caller in [TestIdentities.Caller.vendorA, .observer] {
                let one = try await env.send(client, .get, "/v1/issues/\(copy.number)", as: caller)
                #expect(try one.json["duplicate_of"] == nil && one.json["state"] as? String == "duplicate")
                let list = try await env.send(client, .get, "/v1/issues?state=duplicate", as: caller)
                #expect(try list.json.items.allSatisfy { $0["duplicate_of"] == nil })
                let export = try await env.send(client, .get, "/v1/issues/export", as: caller)
                #expect(!export.text.contains("#\(hidden.number)"), "\(export.text)")
            }
        }
    }

    @Test func agendaPositionsCountOnlyVisibleItems() async throws {
        try await withApp { client, env in
            let hidden = try await env.issue("B社の限定議題", by: .vendorB, visibility: .restricted)
            let open = try await env.issue("公開の議題")
            var response = try await env.send(client, .post, "/v1/meetings", as: .member, json: ["held_on": "2026-12-10", "title": "協議会"])
            let id = try #require(try response.json["id"] as? Int)
            for body in [["issue_number": hidden.number], ["topic": "冒頭挨拶"], ["issue_number": open.number]] as [[String: Any]] {
                response = try await env.send(client, .post, "/v1/meetings/\(id)/agenda", as: .member, json: body)
                #expect(response.status == .created || response.status == .ok, "\(response.text)")
            }
            response = try await env.send(client, .get, "/v1/meetings/\(id)", as: .vendorA)
            #expect((try response.json["agenda"] as? [[String: Any]])?.map { $0["position"] as? Int } == [1, 2])
            response = try await env.send(client, .get, "/v1/meetings/\(id)", as: .admin)
            #expect((try response.json["agenda"] as? [[String: Any]])?.map { $0["position"] as? Int } == [1, 2, 3])
        }
    }

    @Test func anOrganizationAdministratorLearnsNothingOfOtherOrganizationsAccounts() async throws {
        try await withApp { client, env in
            let taken = env.ids.identity(.vendorB).account.email.rawValue
            let body: [String: Any] = ["organization_id": env.ids.vendorA.id, "display_name": "新人", "email": taken]
            let asOrgAdmin = try await env.send(client, .post, "/v1/accounts", as: .vendorA, json: body)
            try expectProblem(asOrgAdmin, .conflict, field: "email")
            #expect(!asOrgAdmin.text.contains("exists") && !asOrgAdmin.text.contains("already"), "\(asOrgAdmin.text)")
            let asSecretariat = try await env.send(client, .post, "/v1/accounts", as: .admin, json: body)
            #expect(try expectProblem(asSecretariat, .conflict)["detail"] as? String == "an account with this e-mail address already exists")
        }
    }
}

/// Security review, low finding: a client's X-Request-Id is kept in the audit log as the client's,
/// beside the daemon's own id.
@Suite struct ClientRequestIDTests {
    @Test func theAuditLogKeepsOurOwnIdAndMarksTheClients() async throws {
        try await withApp { client, env in
            let given = "forged-looking-id-1"
            let created = try await env.send(
                client, .post, "/v1/issues", as: .vendorA,
                json: ["title": "監査の確認", "category": "spec", "severity": "low"],
                headers: [HTTPField.Name("X-Request-Id")!: given])
            #expect(created.status == .created && created.headers[HTTPField.Name("X-Request-Id")!] == given)
            let audit = try await env.send(client, .get, "/v1/audit?entity_type=issue", as: .admin)
            let entry = try #require(try audit.json.items.first)
            #expect(entry["client_request_id"] as? String == given)
            let own = try #require(entry["request_id"] as? String)
            #expect(own != given && !own.isEmpty)
            // Without one, only ours.
            _ = try await env.send(client, .post, "/v1/issues", as: .vendorA, json: ["title": "二件目", "category": "spec", "severity": "low"])
            let second = try #require(try await env.send(client, .get, "/v1/audit?entity_type=issue", as: .admin).json.items.first)
            #expect(second["client_request_id"] == nil && (second["request_id"] as? String)?.isEmpty == false)
        }
    }
}
