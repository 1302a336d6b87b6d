import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// One request per intent: a transition that names the state it expects and carries its note,
/// a comment guarded by If-Match, the secretariat's reopen edge, replays that keep the ETag.
@Suite struct IssueOneRoundTripTests {
    @Test func aTransitionNamingItsFromStateNeedsNoReadAndMovesTheVersionOnce() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            let path = "/v1/issues/\(issue.number)/transitions"
            // State change with its note, without a GET first.
            var response = try await env.send(client, .post, path, as: .admin, json: ["to": "triaged", "from": "new", "comment": "受け付けました"])
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.headers[.eTag] == "\"issue-\(issue.number)-v\(issue.version + 1)\"")
            #expect(try response.json["state"] as? String == "triaged")
            // Someone else moved it first: 412 naming `from`, with the ETag of what is there now; nothing changes.
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "in_discussion", "from": "new", "comment": "二重操作"])
            let problem = try expectProblem(response, .preconditionFailed, field: "from")
            #expect((problem["detail"] as? String)?.contains("now triaged") == true)
            #expect(response.headers[.eTag] == "\"issue-\(issue.number)-v\(issue.version + 1)\"")
            let comments = try await env.send(client, .get, "/v1/issues/\(issue.number)/comments", as: .admin)
            #expect(try comments.json.items.map { $0["body"] as? String } == ["受け付けました"])
            // `from` is checked as a state name like `to`.
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "in_discussion", "from": "nowhere"])
            try expectProblem(response, .badRequest, field: "from")
            // An unrelated edit does not spoil `from`, as it would an ETag.
            let etag = try #require(try await env.send(client, .get, "/v1/issues/\(issue.number)", as: .admin).headers[.eTag])
            let edited = try await env.send(
                client, .patch, "/v1/issues/\(issue.number)", as: .admin, json: ["severity": "high"], headers: [.ifMatch: etag])
            #expect(edited.status == .ok)
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "in_discussion", "from": "triaged"])
            #expect(try response.json["state"] as? String == "in_discussion")
        }
    }

    @Test func theSecretariatReopensResolvedAndClosedIssuesToTriagedAndNoOneElseMay() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            let path = "/v1/issues/\(issue.number)/transitions"
            for step in [["to": "triaged"], ["to": "in_discussion"], ["to": "resolved", "answer": "対応済み"]] {
                #expect(try await env.send(client, .post, path, as: .admin, json: step).status == .ok)
            }
            // The reporter sees no reopen edge and is refused.
            var response = try await env.send(client, .post, path, as: .vendorA, json: ["to": "triaged", "from": "resolved"])
            try expectProblem(response, .conflict, field: "to")
            response = try await env.send(client, .get, path, as: .admin)
            #expect(try response.json.items.compactMap { $0["to"] as? String }.contains("triaged"))
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "triaged", "from": "resolved", "comment": "再検討します"])
            #expect(try response.json["state"] as? String == "triaged")
            _ = try await env.send(client, .post, path, as: .admin, json: ["to": "closed"])
            response = try await env.send(client, .post, path, as: .admin, json: ["to": "triaged", "from": "closed"])
            #expect(try response.json["state"] as? String == "triaged")
        }
    }

    @Test func aCommentMovesTheETagAndWithAStaleIfMatchPostsNothing() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            let path = "/v1/issues/\(issue.number)/comments"
            var response = try await env.send(
                client, .post, path, as: .vendorA, json: ["body": "最初のコメント"], headers: [.ifMatch: issue.etag])
            #expect(response.status == .created)
            let moved = try #require(response.headers[.eTag])
            #expect(moved == "\"issue-\(issue.number)-v\(issue.version + 1)\"")
            #expect(try await env.send(client, .get, "/v1/issues/\(issue.number)", as: .vendorA).headers[.eTag] == moved)
            // The ETag read before the comment is stale now: refused, nothing posted.
            response = try await env.send(client, .post, path, as: .vendorA, json: ["body": "古い版への返信"], headers: [.ifMatch: issue.etag])
            try expectProblem(response, .preconditionFailed, field: "If-Match")
            #expect(response.headers[.eTag] == moved)
            response = try await env.send(client, .get, path, as: .vendorA)
            #expect(try response.json.items.map { $0["body"] as? String } == ["最初のコメント"])
            // A PATCH with the ETag from before the comment is stale too.
            response = try await env.send(
                client, .patch, "/v1/issues/\(issue.number)", as: .vendorA, json: ["title": "改題"], headers: [.ifMatch: issue.etag])
            try expectProblem(response, .preconditionFailed, field: "If-Match")
            // Without If-Match a comment is simply posted.
            response = try await env.send(client, .post, path, as: .vendorA, json: ["body": "二件目"])
            #expect(response.status == .created && response.headers[.eTag] == "\"issue-\(issue.number)-v\(issue.version + 2)\"")
            // Editing a comment moves the ETag too, and says so; an edit that changes nothing does not.
            let id = try #require(try response.json["id"] as? Int)
            response = try await env.send(client, .patch, "\(path)/\(id)", as: .vendorA, json: ["body": "二件目（訂正）"])
            #expect(response.status == .ok && response.headers[.eTag] == "\"issue-\(issue.number)-v\(issue.version + 3)\"")
            response = try await env.send(client, .patch, "\(path)/\(id)", as: .vendorA, json: ["body": "二件目（訂正）"])
            #expect(response.status == .ok && response.headers[.eTag] == nil)
            #expect(
                try await env.send(client, .get, "/v1/issues/\(issue.number)", as: .vendorA).headers[.eTag]
                    == "\"issue-\(issue.number)-v\(issue.version + 3)\"")
        }
    }

    @Test func readingAnIssueChecksTheTokenInTheSameStatement() async throws {
        try await withApp { client, env in
            let restricted = try await env.restrictedIssue()
            // Seen by those who may, with its ETag; a HEAD too; invisible ones and missing ones alike 404.
            var response = try await env.send(client, .get, "/v1/issues/\(restricted.number)", as: .vendorA)
            #expect(response.status == .ok && response.headers[.eTag] == restricted.etag)
            #expect(try response.json["title"] as? String == restricted.title)
            response = try await env.send(client, .head, "/v1/issues/\(restricted.number)", as: .observer)
            #expect(response.status == .ok && response.headers[.eTag] == restricted.etag)
            let hidden = try await env.send(client, .get, "/v1/issues/\(restricted.number)", as: .vendorB)
            let missing = try await env.send(client, .get, "/v1/issues/999999", as: .vendorB)
            try expectProblem(hidden, .notFound)
            try expectProblem(missing, .notFound)
            #expect(try hidden.json["title"] as? String == missing.json["title"] as? String)
            response = try await env.send(client, .get, "/v1/issues/99999999999", as: .vendorB)
            #expect(response.status == .badRequest || response.status == .notFound)
            // Anonymous: 401, as before.
            try expectProblem(try await env.send(client, .get, "/v1/issues/\(restricted.number)", as: .anonymous), .unauthorized)
            // The token's last use is still noted by the combined read (vendor B made no other request).
            let used: Bool = try await env.pool.withConnection {
                try $0.query(
                    Query("test.lastUsed", "SELECT last_used_at IS NOT NULL AS used FROM api_tokens WHERE id = \(env.ids.identity(.vendorB).tokenID)")
                )
                .single().decode("used")
            }
            #expect(used)
            // Noted at most once a minute: a second read leaves it; one after a minute moves it.
            @Sendable func lastUsed() async throws -> String {
                try await env.pool.withConnection {
                    try $0.query(
                        Query("test.lastUsedAt", "SELECT last_used_at::text AS at FROM api_tokens WHERE id = \(env.ids.identity(.vendorB).tokenID)")
                    ).single().decode("at")
                }
            }
            let noted = try await lastUsed()
            _ = try await env.send(client, .get, "/v1/issues/\(restricted.number)", as: .vendorB)
            #expect(try await lastUsed() == noted)
            try await env.pool.withConnection {
                try $0.query(
                    Query(
                        "test.ageLastUse",
                        "UPDATE api_tokens SET last_used_at = last_used_at - interval '2 minutes' WHERE id = \(env.ids.identity(.vendorB).tokenID)"))
            }
            let aged = try await lastUsed()
            _ = try await env.send(client, .get, "/v1/issues/\(restricted.number)", as: .vendorB)
            let renoted = try await lastUsed()
            #expect(renoted != aged && renoted > aged)
        }
    }

    @Test func aReplayedPostAnswersWithTheFirstAnswersETag() async throws {
        try await withApp { client, env in
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "round-trip-etag-1"]
            let body: [String: Any] = ["title": "再送の課題", "category": "spec", "severity": "low"]
            let first = try await env.send(client, .post, "/v1/issues", as: .vendorA, json: body, headers: key)
            #expect(first.status == .created)
            let etag = try #require(first.headers[.eTag])
            let replay = try await env.send(client, .post, "/v1/issues", as: .vendorA, json: body, headers: key)
            #expect(replay.status == .created && replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(replay.headers[.eTag] == etag && replay.headers[.location] == first.headers[.location])
            // A comment's replay carries the issue's ETag of that moment.
            let number = try #require(try first.json["number"] as? Int)
            let commentKey: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "round-trip-etag-2"]
            let comment = try await env.send(client, .post, "/v1/issues/\(number)/comments", as: .vendorA, json: ["body": "再送"], headers: commentKey)
            let again = try await env.send(client, .post, "/v1/issues/\(number)/comments", as: .vendorA, json: ["body": "再送"], headers: commentKey)
            #expect(comment.headers[.eTag] != nil && again.headers[.eTag] == comment.headers[.eTag])
        }
    }
}
