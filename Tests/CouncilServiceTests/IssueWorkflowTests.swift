import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// The workflow: who may move an issue where, the 409s, duplicates, answers and the closing guard.
@Suite struct IssueWorkflowTests {
    @Test func secretariatWalksTheWorkflowAndEveryRefusalListsTheAllowedStates() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            let path = "/v1/issues/\(issue.number)/transitions"
            // Not an edge of the workflow: 409 listing where the issue can go.
            var response = try await env.send(client, .post, path, as: .admin, json: ["to": "resolved"])
            var problem = try expectProblem(response, .conflict, field: "to")
            #expect((problem["detail"] as? String)?.contains("triaged, rejected, duplicate, closed") == true)
            // An unknown state is a 400 naming the field.
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "done"])
            try expectProblem(response, .badRequest, field: "to")
            for state in ["triaged", "in_discussion", "on_agenda"] {
                response = try await env.send(client, .post, path, as: .member, json: ["to": state])
                #expect(response.status == .ok, "\(state): \(response.text)")
                #expect(try response.json["state"] as? String == state)
            }
            // Resolving needs the answer.
            response = try await env.send(client, .post, path, as: .member, json: ["to": "resolved"])
            try expectProblem(response, .unprocessableContent, field: "answer")
            response = try await env.send(client, .post, path, as: .member, json: ["to": "resolved", "answer": "仕様書 4.1 で対応"])
            #expect(try response.json["answer"] as? String == "仕様書 4.1 で対応")
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "closed", "comment": "完了とします"])
            #expect(try response.json["state"] as? String == "closed")
            // Reopen, then the vendor may not move it at all.
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "in_discussion"])
            #expect(response.status == .ok)
            response = try await env.send(client, .post, path, as: .vendorA, json: ["to": "closed"])
            problem = try expectProblem(response, .conflict, field: "to")
            #expect((problem["detail"] as? String)?.hasSuffix("allowed now: none") == true)
            // The comment given with the transition is a comment.
            response = try await env.send(client, .get, "/v1/issues/\(issue.number)/comments", as: .vendorA)
            #expect(try response.json.items.map { $0["body"] as? String } == ["完了とします"])
        }
    }

    @Test func reporterWithdrawsOnlyItsOwnNewIssue() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            let path = "/v1/issues/\(issue.number)/transitions"
            // Another vendor may see it but not withdraw it.
            var response = try await env.send(client, .post, path, as: .vendorB, json: ["to": "closed"])
            try expectProblem(response, .conflict, field: "to")
            response = try await env.send(client, .get, path, as: .vendorA)
            #expect(try response.json.items.map { $0["to"] as? String } == ["closed"])
            response = try await env.send(client, .post, path, as: .vendorA, json: ["to": "closed"])
            #expect(try response.json["state"] as? String == "closed")
            // Once triaged, the reporter can no longer withdraw.
            let second = try await env.issue("二件目")
            _ = try await env.send(client, .post, "/v1/issues/\(second.number)/transitions", as: .admin, json: ["to": "triaged"])
            response = try await env.send(client, .post, "/v1/issues/\(second.number)/transitions", as: .vendorA, json: ["to": "closed"])
            try expectProblem(response, .conflict, field: "to")
        }
    }

    @Test func assignedOrganizationResolvesWithAnAnswerWhileInDiscussion() async throws {
        try await withApp { client, env in
            let issue = try await env.issue(assignee: env.ids.observer.id)
            let path = "/v1/issues/\(issue.number)/transitions"
            // Not yet in discussion: the observer has nothing to do.
            var response = try await env.send(client, .post, path, as: .observer, json: ["to": "resolved", "answer": "回答"])
            try expectProblem(response, .conflict, field: "to")
            _ = try await env.send(client, .post, path, as: .admin, json: ["to": "triaged"])
            _ = try await env.send(client, .post, path, as: .admin, json: ["to": "in_discussion"])
            response = try await env.send(client, .post, path, as: .observer, json: ["to": "on_agenda"])
            try expectProblem(response, .conflict, field: "to")
            response = try await env.send(client, .post, path, as: .observer, json: ["to": "resolved", "answer": " "])
            try expectProblem(response, .unprocessableContent, field: "answer")
            response = try await env.send(client, .post, path, as: .observer, json: ["to": "resolved", "answer": "APPLIC として回答します"])
            #expect(response.status == .ok)
            #expect(try response.json["state"] as? String == "resolved")
            // The vendor concerned, not assigned, cannot.
            let other = try await env.issue(assignee: env.ids.observer.id)
            _ = try await env.send(client, .post, "/v1/issues/\(other.number)/transitions", as: .admin, json: ["to": "triaged"])
            _ = try await env.send(client, .post, "/v1/issues/\(other.number)/transitions", as: .admin, json: ["to": "in_discussion"])
            response = try await env.send(
                client, .post, "/v1/issues/\(other.number)/transitions", as: .vendorA,
                json: ["to": "resolved", "answer": "x"])
            try expectProblem(response, .conflict, field: "to")
        }
    }

    @Test func duplicateNeedsAVisibleTargetAndRelatesBothIssues() async throws {
        try await withApp { client, env in
            let original = try await env.issue("元の課題")
            let copy = try await env.issue("重複した課題")
            let path = "/v1/issues/\(copy.number)/transitions"
            var response = try await env.send(client, .post, path, as: .admin, json: ["to": "duplicate"])
            try expectProblem(response, .unprocessableContent, field: "duplicate_of")
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "duplicate", "duplicate_of": copy.number])
            try expectProblem(response, .unprocessableContent, field: "duplicate_of")
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "duplicate", "duplicate_of": 9999])
            try expectProblem(response, .unprocessableContent, field: "duplicate_of")
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "triaged", "duplicate_of": original.number])
            try expectProblem(response, .unprocessableContent, field: "duplicate_of")
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "duplicate", "duplicate_of": original.number])
            #expect(try response.json["duplicate_of"] as? Int == original.number)
            response = try await env.send(client, .get, "/v1/issues/\(original.number)/relations", as: .vendorA)
            #expect(try response.json.items.map { "\($0["kind"]!) \($0["issue"]!)" } == ["duplicated_by \(copy.number)"])
            // Reopening clears duplicate_of.
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "triaged"])
            #expect(try response.json["duplicate_of"] == nil)
        }
    }

    @Test func anIssueBlockedByAnOpenIssueCannotBeResolvedOrClosed() async throws {
        try await withApp { client, env in
            let blocker = try await env.issue("基盤側の課題")
            let hiddenBlocker = try await env.issue("限定の阻害要因", by: .vendorB, visibility: .restricted)
            let blocked = try await env.issue("業務側の課題")
            var response = try await env.send(
                client, .post, "/v1/issues/\(blocked.number)/relations", as: .admin,
                json: ["kind": "blocked_by", "issue": blocker.number])
            #expect(response.status == .created)
            // A restricted issue may not hold back an issue that others see (security review, finding 1)...
            response = try await env.send(
                client, .post, "/v1/issues/\(hiddenBlocker.number)/relations", as: .admin,
                json: ["kind": "blocks", "issue": blocked.number])
            try expectProblem(response, .unprocessableContent, field: "issue")
            // ...but such an edge made before that rule still holds, and is counted without being named.
            _ = try await env.pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.legacyEdge",
                        """
                        INSERT INTO issue_relations (kind, from_number, to_number, created_by)
                        VALUES ('blocks', \(hiddenBlocker.number), \(blocked.number), \(env.ids.identity(.admin).account.id))
                        """))
            }
            let path = "/v1/issues/\(blocked.number)/transitions"
            // The reporter withdrawing its new issue is closing it: refused too.
            response = try await env.send(client, .post, path, as: .vendorA, json: ["to": "closed"])
            var problem = try expectProblem(response, .conflict, field: "blocked_by")
            // Vendor A may not see vendor B's restricted blocker: counted, not named.
            #expect(
                problem["detail"] as? String
                    == "#\(blocked.number) is blocked by #\(blocker.number), 1 restricted issue, still open; resolve or close them first")
            response = try await env.send(client, .get, path, as: .vendorA)
            #expect(try response.json.items.first?["possible"] as? Bool == false)
            for state in ["triaged", "in_discussion"] {
                _ = try await env.send(client, .post, path, as: .admin, json: ["to": state])
            }
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "resolved", "answer": "対応済み"])
            problem = try expectProblem(response, .conflict)
            #expect((problem["detail"] as? String)?.contains("#\(hiddenBlocker.number)") == true)
            // Closing the blockers lifts the guard.
            for number in [blocker.number, hiddenBlocker.number] {
                response = try await env.send(client, .post, "/v1/issues/\(number)/transitions", as: .admin, json: ["to": "rejected"])
                #expect(response.status == .ok)
            }
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "resolved", "answer": "対応済み"])
            #expect(response.status == .ok)
        }
    }
}
