import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// If-Match on edits (428/412) and Idempotency-Key on POSTs.
@Suite struct IssueConcurrencyTests {
    @Test func patchWithoutIfMatchIs428AndWithAStaleOneIs412() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            let path = "/v1/issues/\(issue.number)"
            var response = try await env.send(client, .patch, path, as: .admin, json: ["severity": "high"])
            try expectProblem(response, .preconditionRequired, field: "If-Match")
            response = try await env.send(client, .patch, path, as: .admin, json: ["severity": "high"], headers: [.ifMatch: "*"])
            try expectProblem(response, .preconditionRequired, field: "If-Match")
            response = try await env.send(client, .patch, path, as: .admin, json: ["severity": "high"], headers: [.ifMatch: "W/\(issue.etag)"])
            try expectProblem(response, .preconditionFailed, field: "If-Match")
            response = try await env.send(client, .patch, path, as: .admin, json: ["severity": "high"], headers: [.ifMatch: issue.etag])
            #expect(response.status == .ok)
            #expect(response.headers[.eTag] == "\"issue-\(issue.number)-v2\"")
            // The old tag is now stale: 412 with the current one, and nothing changes.
            response = try await env.send(client, .patch, path, as: .admin, json: ["severity": "low"], headers: [.ifMatch: issue.etag])
            try expectProblem(response, .preconditionFailed, field: "If-Match")
            #expect(response.headers[.eTag] == "\"issue-\(issue.number)-v2\"")
            response = try await env.send(client, .get, path, as: .admin)
            #expect(try response.json["severity"] as? String == "high")
            // A transition with a stale If-Match is refused as well.
            response = try await env.send(client, .post, "\(path)/transitions", as: .admin, json: ["to": "triaged"], headers: [.ifMatch: issue.etag])
            try expectProblem(response, .preconditionFailed)
        }
    }

    @Test func twoEditorsAtOnceExactlyOneWinsAndNothingIsLost() async throws {
        try await withApp { client, env in
            for round in 0..<5 {
                let issue = try await env.issue("同時編集 \(round)")
                let path = "/v1/issues/\(issue.number)"
                let etag = try #require(try await env.send(client, .get, path, as: .member).headers[.eTag])
                // Both read the same version; each changes a different field.
                async let first = env.send(client, .patch, path, as: .admin, json: ["severity": "critical"], headers: [.ifMatch: etag])
                async let second = env.send(client, .patch, path, as: .member, json: ["labels": ["要確認"]], headers: [.ifMatch: etag])
                let results = try await [first, second]
                let statuses = results.map(\.status).sorted { $0.code < $1.code }
                #expect(statuses == [.ok, .preconditionFailed], "round \(round): \(statuses)")
                // The loser re-reads and reapplies: both changes are there.
                let loserWasFirst = results[0].status == .preconditionFailed
                let fresh = try #require(try await env.send(client, .get, path, as: .member).headers[.eTag])
                let retry = try await env.send(
                    client, .patch, path, as: loserWasFirst ? .admin : .member,
                    json: loserWasFirst ? ["severity": "critical"] : ["labels": ["要確認"]], headers: [.ifMatch: fresh])
                #expect(retry.status == .ok)
                let final = try await env.send(client, .get, path, as: .member).json
                #expect(final["severity"] as? String == "critical")
                #expect(final["labels"] as? [String] == ["要確認"])
                #expect(final["version"] as? Int == 3)
            }
        }
    }

    @Test func aRepeatedPOSTWithTheSameKeyReplaysWithoutCreatingAgain() async throws {
        try await withApp { client, env in
            let body: [String: Any] = ["title": "冪等な報告", "category": "schedule", "severity": "high"]
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "7d1f4b0e-issue-1"]
            let first = try await env.send(client, .post, "/v1/issues", as: .vendorA, json: body, headers: key)
            #expect(first.status == .created)
            let again = try await env.send(client, .post, "/v1/issues", as: .vendorA, json: body, headers: key)
            #expect(again.status == .created)
            #expect(again.text == first.text)
            #expect(again.headers[.location] == first.headers[.location])
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            var list = try await env.send(client, .get, "/v1/issues?q=冪等", as: .admin)
            #expect(try list.json["total"] as? Int == 1)
            // The same key with another body is refused and creates nothing.
            var changed = body
            changed["severity"] = "low"
            let mismatch = try await env.send(client, .post, "/v1/issues", as: .vendorA, json: changed, headers: key)
            try expectProblem(mismatch, .unprocessableContent, field: "Idempotency-Key")
            // Keys are per account: vendor B's identical request is its own.
            let other = try await env.send(client, .post, "/v1/issues", as: .vendorB, json: body, headers: key)
            #expect(other.status == .created)
            list = try await env.send(client, .get, "/v1/issues?q=冪等", as: .admin)
            #expect(try list.json["total"] as? Int == 2)
            // A failed request keeps nothing: fixed and resent with the same key, it runs.
            let badKey: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "retry-after-fix"]
            let bad = try await env.send(
                client, .post, "/v1/issues", as: .vendorA, json: ["title": "", "category": "cost", "severity": "low"], headers: badKey)
            try expectProblem(bad, .badRequest, field: "title")
            let fixed = try await env.send(
                client, .post, "/v1/issues", as: .vendorA, json: ["title": "直した", "category": "cost", "severity": "low"], headers: badKey)
            #expect(fixed.status == .created)
            // Comments and transitions take keys too.
            let number = try #require(try first.json["number"] as? Int)
            let commentKey: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "comment-1"]
            for _ in 0..<3 {
                let response = try await env.send(
                    client, .post, "/v1/issues/\(number)/comments", as: .vendorA, json: ["body": "一度だけ"], headers: commentKey)
                #expect(response.status == .created)
            }
            let comments = try await env.send(client, .get, "/v1/issues/\(number)/comments", as: .vendorA)
            #expect(try comments.json["total"] as? Int == 1)
            let malformed = try await env.send(
                client, .post, "/v1/issues", as: .vendorA, json: body,
                headers: [HTTPField.Name("Idempotency-Key")!: "with space"])
            try expectProblem(malformed, .badRequest, field: "Idempotency-Key")
        }
    }

    @Test func concurrentRequestsWithOneKeyCreateOneIssue() async throws {
        try await withApp { client, env in
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "burst"]
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await env.send(
                            client, .post, "/v1/issues", as: .vendorA,
                            json: ["title": "同時送信", "category": "cost", "severity": "low"], headers: key
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Each got the created issue or was told the first is still running; none made another.
            #expect(statuses.allSatisfy { $0 == .created || $0 == .conflict }, "\(statuses)")
            #expect(statuses.contains(.created))
            let list = try await env.send(client, .get, "/v1/issues?q=同時送信", as: .admin)
            #expect(try list.json["total"] as? Int == 1)
        }
    }

    @Test func theSameJSONInAnotherKeyOrderIsTheSameRequest() async throws {
        try await withApp { client, env in
            var headers = env.headers(.vendorA, [.contentType: "application/json", HTTPField.Name("Idempotency-Key")!: "ordered"])
            let one = try await client.execute(
                uri: "/v1/issues", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"title":"順序","category":"cost","severity":"low"}"#)
            ) { $0 }
            let two = try await client.execute(
                uri: "/v1/issues", method: .post, headers: headers,
                body: ByteBuffer(string: #"{ "severity": "low", "category": "cost", "title": "順序" }"#)
            ) { $0 }
            #expect(one.status == .created && two.status == .created)
            #expect(two.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            headers[HTTPField.Name("Idempotency-Key")!] = "ordered"
            let different = try await client.execute(
                uri: "/v1/issues", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"title":"順序","category":"cost","severity":"high"}"#)
            ) { $0 }
            try expectProblem(different, .unprocessableContent, field: "Idempotency-Key")
        }
    }

    /// 32 clients edit one issue at once, each for several rounds (read, then PATCH with what it
    /// read): every acknowledged write is an event, every refused one a 412, and the issue ends
    /// as the last acknowledged write left it.
    @Test func thirtyTwoConcurrentEditorsLoseNothing() async throws {
        let rounds = DaemonFaultTests.long ? 25 : 4
        try await withApp { client, env in
            let issue = try await env.issue("競合の的")
            let path = "/v1/issues/\(issue.number)"
            let outcomes = try await withThrowingTaskGroup(of: [(version: Int, title: String)?].self) { group in
                for writer in 0..<32 {
                    group.addTask {
                        var acknowledged: [(version: Int, title: String)?] = []
                        for round in 0..<rounds {
                            let read = try await env.send(client, .get, path, as: .admin)
                            guard let etag = read.headers[.eTag] else {
                                Issue.record("the read failed: \(read.status): \(read.text)")
                                continue
                            }
                            let title = "書き手\(writer) 回\(round)"
                            let response = try await env.send(client, .patch, path, as: .admin, json: ["title": title], headers: [.ifMatch: etag])
                            switch response.status {
                            case .ok: acknowledged.append((try response.json["version"] as? Int ?? -1, title))
                            case .preconditionFailed: acknowledged.append(nil)
                            default: Issue.record("unexpected \(response.status): \(response.text)")
                            }
                        }
                        return acknowledged
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let wins = outcomes.compactMap { $0 }
            #expect(outcomes.count == 32 * rounds)
            #expect(!wins.isEmpty)
            #expect(Set(wins.map(\.version)).count == wins.count, "two writes acknowledged for one version")
            let final = try await env.send(client, .get, path, as: .admin).json
            let last = try #require(wins.max { $0.version < $1.version })
            #expect(final["title"] as? String == last.title)
            #expect(final["version"] as? Int == 1 + wins.count)
            let events = try await env.send(client, .get, "\(path)/events?limit=1000", as: .admin).json.items
            print("lost updates: \(outcomes.count) PATCHes, \(wins.count) acknowledged, \(outcomes.count - wins.count) refused with 412")
            #expect(events.filter { $0["field"] as? String == "title" }.count == wins.count)
        }
    }
}
