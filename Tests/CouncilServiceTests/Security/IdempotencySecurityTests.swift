import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Security review, findings 5 and 6: Idempotency-Key keeps no secret and replays only to the
/// same rights; body limits apply before anything reads or parses a body.
@Suite struct IdempotencySecurityTests {
    static let key = HTTPField.Name("Idempotency-Key")!

    @Test func aTokenSecretIsNeverStoredNorReplayed() async throws {
        try await withApp { client, env in
            let path = "/v1/accounts/\(env.ids.identity(.vendorA).account.id)/tokens"
            let first = try await env.send(client, .post, path, as: .vendorA, json: ["name": "CLI"], headers: [Self.key: "token-1"])
            #expect(first.status == .created)
            let secret = try #require(try first.json["secret"] as? String)
            let again = try await env.send(client, .post, path, as: .vendorA, json: ["name": "CLI"], headers: [Self.key: "token-1"])
            let problem = try expectProblem(again, .conflict, field: "Idempotency-Key")
            #expect(problem["type"] as? String == "urn:council:problem:idempotency-secret-shown")
            #expect(!again.text.contains(secret))
            let kept: Int = try await env.pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.secrets",
                        """
                        SELECT count(*) AS n FROM idempotency_keys WHERE position(convert_to(\(secret), 'UTF8') IN coalesce(body, '')) > 0
                        """)
                ).single().decode("n")
            }
            #expect(kept == 0)
            // Only one token was made.
            let list = try await env.send(client, .get, path, as: .vendorA)
            #expect(try list.json.items.filter { $0["name"] as? String == "CLI" }.count == 1)
        }
    }

    @Test func aReplayNeedsTheRightsOfTheFirstRequest() async throws {
        try await withApp { client, env in
            let body: [String: Any] = ["organization_id": env.ids.vendorA.id, "display_name": "同僚", "email": "colleague@example.jp"]
            let first = try await env.send(client, .post, "/v1/accounts", as: .vendorA, json: body, headers: [Self.key: "account-1"])
            #expect(first.status == .created, "\(first.text)")
            let replay = try await env.send(client, .post, "/v1/accounts", as: .vendorA, json: body, headers: [Self.key: "account-1"])
            #expect(replay.status == .created && replay.headers[Idempotency.replayedHeader] == "true")
            // The organization administrator loses the role: the same request is not replayed.
            let demote = try await env.send(
                client, .patch, "/v1/accounts/\(env.ids.identity(.vendorA).account.id)", as: .admin,
                json: ["org_admin": false])
            #expect(demote.status == .ok, "\(demote.text)")
            let after = try await env.send(client, .post, "/v1/accounts", as: .vendorA, json: body, headers: [Self.key: "account-1"])
            try expectProblem(after, .conflict, field: "Idempotency-Key")
            #expect(!after.text.contains("colleague@example.jp"), "\(after.text)")
        }
    }

    @Test func bodyLimitsApplyBeforeAnythingReadsTheBody() async throws {
        try await withApp { client, env in
            let big = "{\"title\":\"" + String(repeating: "あ", count: 700_000) + "\"}"  // 2.1 MB
            for headers in [[Self.key: "big-1", .contentType: "application/json"], [.contentType: "application/json"]] as [HTTPFields] {
                let response = try await env.send(
                    client, .post, "/v1/issues", as: .vendorA,
                    headers: headers, body: ByteBuffer(string: big))
                try expectProblem(response, .contentTooLarge)
            }
            // An upload route takes more than a JSON body (and refuses what is not its format).
            let csv = "団体コード,業務,製品ID,状態\r\n" + String(repeating: "011002,juki,1,planned\r\n", count: 100_000)  // 2.3 MB
            let upload = try await env.send(
                client, .post, "/v1/adoptions/import?dry_run=true", as: .vendorA,
                headers: [Self.key: "upload-1", .contentType: "text/csv"], body: ByteBuffer(string: csv))
            #expect(upload.status != .contentTooLarge, "\(upload.text.prefix(300))")
            // Nesting beyond what any body needs is refused before it is parsed.
            let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
            let nested = try await env.send(
                client, .post, "/v1/issues", as: .vendorA,
                headers: [Self.key: "deep-1", .contentType: "application/json"],
                body: ByteBuffer(string: "{\"title\":\(deep)}"))
            try expectProblem(nested, .badRequest, field: "body")
            #expect(Request.nestingDepth(ByteBuffer(string: #"{"a":"[[[[{{","b":[{"c":"\"]"}]}"#).readableBytesView) == 3)
        }
    }
}
