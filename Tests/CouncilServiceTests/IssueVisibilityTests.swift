import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// Restricted issues do not exist for outsiders: 404, and absent from lists, counts, search,
/// exports, relations and events.
@Suite struct IssueVisibilityTests {
    @Test func outsidersGet404AndNeverSeeARestrictedIssueAnywhere() async throws {
        try await withApp { client, env in
            let open = try await env.issue("帳票の共通課題")
            let secret = try await env.issue("帳票の限定課題", visibility: .restricted, assignee: env.ids.observer.id, body: "機微な内容")
            _ = try await env.send(
                client, .post, "/v1/issues/\(open.number)/relations", as: .admin,
                json: ["kind": "relates", "issue": secret.number])
            _ = try await env.comment(on: secret.number, by: .vendorA, "限定のコメント")

            for path in ["", "/events", "/comments", "/relations", "/watchers", "/transitions"] {
                let response = try await env.send(client, .get, "/v1/issues/\(secret.number)\(path)", as: .vendorB)
                let problem = try expectProblem(response, .notFound)
                // The same answer as for an issue that does not exist.
                let missing = try await env.send(client, .get, "/v1/issues/9999\(path)", as: .vendorB)
                #expect(missing.status == .notFound)
                #expect(problem["detail"] as? String == "no issue #\(secret.number)")
            }
            // Writes answer 404 too, before anything else is judged.
            var response = try await env.send(
                client, .patch, "/v1/issues/\(secret.number)", as: .vendorB, json: ["title": "x"],
                headers: [.ifMatch: secret.etag])
            try expectProblem(response, .notFound)
            response = try await env.send(client, .post, "/v1/issues/\(secret.number)/comments", as: .vendorB, json: ["body": "x"])
            try expectProblem(response, .notFound)
            response = try await env.send(
                client, .post, "/v1/issues/\(open.number)/relations", as: .vendorB,
                json: ["kind": "blocks", "issue": secret.number])
            try expectProblem(response, .forbidden)
            // From its own issue, vendor B learns no more than "no such issue".
            let own = try await env.issue("B社の課題", by: .vendorB)
            response = try await env.send(
                client, .post, "/v1/issues/\(own.number)/relations", as: .vendorB,
                json: ["kind": "blocks", "issue": secret.number])
            let refused = try expectProblem(response, .unprocessableContent, field: "issue")
            #expect(refused["detail"] as? String == "issue: no issue #\(secret.number)")

            // Lists, counts and search.
            for query in ["", "?q=帳票", "?q=機微", "?state=new", "?vendor=\(env.ids.vendorA.id)"] {
                response = try await env.send(client, .get, "/v1/issues\(query)", as: .vendorB)
                let numbers = try response.json.items.compactMap { $0["number"] as? Int }
                #expect(!numbers.contains(secret.number), "\(query)")
                #expect(try response.json["total"] as? Int == numbers.count, "\(query)")
                response = try await env.send(client, .get, "/v1/issues\(query)", as: .observer)
                // The assigned observer finds it with every one of these queries.
                #expect(try response.json.items.contains { $0["number"] as? Int == secret.number }, "\(query)")
            }
            response = try await env.send(client, .get, "/v1/issues?q=限定のコメント", as: .vendorB)
            #expect(try response.json["total"] as? Int == 0)
            response = try await env.send(client, .get, "/v1/issues?q=限定のコメント", as: .member)
            #expect(try response.json.items.map { $0["number"] as? Int } == [secret.number])

            // Export.
            response = try await env.send(client, .get, "/v1/issues/export", as: .vendorB)
            #expect(response.text.contains("帳票の共通課題"))
            #expect(!response.text.contains("帳票の限定課題"))
            response = try await env.send(client, .get, "/v1/issues/export", as: .vendorA)
            #expect(response.text.contains("帳票の限定課題"))

            // The relation and its events are invisible from the council-wide side.
            response = try await env.send(client, .get, "/v1/issues/\(open.number)/relations", as: .vendorB)
            #expect(try response.json.items.isEmpty)
            response = try await env.send(client, .get, "/v1/issues/\(open.number)/relations", as: .observer)
            #expect(try response.json.items.map { $0["issue"] as? Int } == [secret.number])
            response = try await env.send(client, .get, "/v1/issues/\(open.number)/events", as: .vendorB)
            #expect(try !response.json.items.contains { $0["related_issue"] as? Int == secret.number })
            #expect(try response.json.items.map { $0["kind"] as? String } == ["created"])
            response = try await env.send(client, .get, "/v1/issues/\(open.number)/events", as: .admin)
            #expect(try response.json.items.map { $0["kind"] as? String } == ["created", "relation_added"])
        }
    }

    @Test func makingAnIssueRestrictedHidesItAndAssigningAnOrganizationShowsIt() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            var response = try await env.send(client, .get, "/v1/issues/\(issue.number)", as: .observer)
            #expect(response.status == .ok)
            let etag = try #require(response.headers[.eTag])
            response = try await env.send(
                client, .patch, "/v1/issues/\(issue.number)", as: .vendorA, json: ["visibility": "restricted"],
                headers: [.ifMatch: etag])
            #expect(response.status == .ok)
            let restrictedTag = try #require(response.headers[.eTag])
            response = try await env.send(client, .get, "/v1/issues/\(issue.number)", as: .observer)
            #expect(response.status == .notFound)
            response = try await env.send(
                client, .patch, "/v1/issues/\(issue.number)", as: .member,
                json: ["assignee_organization_id": env.ids.observer.id], headers: [.ifMatch: restrictedTag])
            #expect(response.status == .ok)
            response = try await env.send(client, .get, "/v1/issues/\(issue.number)", as: .observer)
            #expect(response.status == .ok)
            #expect(try (response.json["assignee_organization"] as? [String: Any])?["name"] as? String == "APPLIC")
        }
    }

    @Test func editingRulesForTheReporterAndOthers() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            let path = "/v1/issues/\(issue.number)"
            // Triage fields are the secretariat's, even for the reporter and even at creation.
            var response = try await env.send(client, .patch, path, as: .vendorA, json: ["due_date": "2026-12-01"], headers: [.ifMatch: issue.etag])
            try expectProblem(response, .forbidden)
            response = try await env.send(
                client, .post, "/v1/issues", as: .vendorA,
                json: ["title": "t", "category": "cost", "severity": "low", "assignee_organization_id": env.ids.observer.id])
            try expectProblem(response, .forbidden)
            // A vendor cannot be the assignee.
            response = try await env.send(
                client, .patch, path, as: .admin, json: ["assignee_organization_id": env.ids.vendorB.id],
                headers: [.ifMatch: issue.etag])
            try expectProblem(response, .unprocessableContent, field: "assignee_organization_id")
            response = try await env.send(client, .patch, path, as: .vendorB, json: ["title": "乗っ取り"], headers: [.ifMatch: issue.etag])
            try expectProblem(response, .forbidden)
            response = try await env.send(client, .patch, path, as: .vendorA, json: ["title": "言い直し"], headers: [.ifMatch: issue.etag])
            #expect(response.status == .ok)
            let etag = try #require(response.headers[.eTag])
            _ = try await env.send(client, .post, "\(path)/transitions", as: .admin, json: ["to": "triaged"])
            // Triaged: the reporter can no longer edit; the ETag moved with the transition too.
            response = try await env.send(client, .patch, path, as: .vendorA, json: ["title": "再度"], headers: [.ifMatch: etag])
            #expect(response.status == .forbidden || response.status == .preconditionFailed)
            let current = try await env.send(client, .get, path, as: .vendorA).headers[.eTag]!
            response = try await env.send(client, .patch, path, as: .vendorA, json: ["title": "再度"], headers: [.ifMatch: current])
            try expectProblem(response, .forbidden)
            // Bad input names the field and changes nothing.
            response = try await env.send(
                client, .patch, path, as: .admin, json: ["municipalities": [["dantai_code": "011003", "impact": "blocked"]]],
                headers: [.ifMatch: current])
            try expectProblem(response, .badRequest, field: "municipalities[0].dantai_code")
            response = try await env.send(
                client, .patch, path, as: .admin, json: ["municipalities": [["dantai_code": "131024", "impact": "blocked"]]],
                headers: [.ifMatch: current])
            try expectProblem(response, .unprocessableContent, field: "municipalities[0].dantai_code")
            response = try await env.send(client, .patch, path, as: .admin, json: ["colour": "red"], headers: [.ifMatch: current])
            try expectProblem(response, .badRequest, field: "colour")
            response = try await env.send(client, .get, path, as: .admin)
            #expect(response.headers[.eTag] == current)
        }
    }
}

/// Hostile and malformed input: always a 4xx naming the field, never a 5xx, nothing changed.
@Suite struct IssueInputTests {
    @Test func outOfRangeNumbersAndMalformedBodiesAreClientErrors() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            let huge = 99_999_999_999
            try expectProblem(try await env.send(client, .get, "/v1/issues/\(huge)", as: .admin), .notFound)
            try expectProblem(try await env.send(client, .get, "/v1/issues/\(huge)/events", as: .admin), .notFound)
            try expectProblem(try await env.send(client, .get, "/v1/issues/-1", as: .admin), .badRequest, field: "number")
            var response = try await env.send(
                client, .post, "/v1/issues/\(issue.number)/transitions", as: .admin,
                json: ["to": "duplicate", "duplicate_of": huge])
            try expectProblem(response, .unprocessableContent, field: "duplicate_of")
            response = try await env.send(client, .post, "/v1/issues/\(issue.number)/relations", as: .admin, json: ["kind": "blocks", "issue": huge])
            try expectProblem(response, .unprocessableContent, field: "issue")
            let forged = Data("number|1|\(huge)".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            try expectProblem(try await env.send(client, .get, "/v1/issues?sort=number&cursor=\(forged)", as: .admin), .badRequest, field: "cursor")
            for (body, field) in [
                (["title": 12, "category": "spec", "severity": "low"], "title"),
                (["title": "t", "category": "仕様書", "severity": "low"], "category"),
                (["title": "t", "category": "spec", "severity": "low", "labels": "要確認"], "labels"),
                (["title": "t", "category": "spec", "severity": "low", "labels": [String(repeating: "長", count: 51)]], "labels"),
                (["title": String(repeating: "題", count: 201), "category": "spec", "severity": "low"], "title"),
                (["title": "t", "category": "spec", "severity": "low", "due_date": "2026-02-30"], "due_date"),
                (["title": "t", "category": "spec", "severity": "low", "vendor_ids": [env.ids.observer.id]], "vendor_ids[0]"),
                (["title": "t", "category": "spec", "severity": "low", "municipalities": [["dantai_code": "011002"]]], "municipalities[0].impact"),
                (
                    [
                        "title": "t", "category": "spec", "severity": "low",
                        "municipalities": [["dantai_code": "011002", "impact": "blocked"], ["dantai_code": "011002", "impact": "affected"]],
                    ], "municipalities[1].dantai_code"
                ),
            ] as [([String: Any], String)] {
                response = try await env.send(client, .post, "/v1/issues", as: .admin, json: body)
                #expect((400..<500).contains(response.status.code), "\(field): \(response.text)")
                try expectProblem(response, response.status, field: field)
            }
            let wrongType = try await client.execute(
                uri: "/v1/issues", method: .post,
                headers: env.headers(.admin, [.contentType: "text/plain"]), body: ByteBuffer(string: "{}")
            ) { $0 }
            try expectProblem(wrongType, .unsupportedMediaType)
            // Nothing was created by any of these.
            response = try await env.send(client, .get, "/v1/issues", as: .admin)
            #expect(try response.json["total"] as? Int == 1)
        }
    }
}
