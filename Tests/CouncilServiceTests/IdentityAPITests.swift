import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

@Suite struct IdentityAPITests {
    private func json(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    @Test func meDescribesTheCaller() async throws {
        try await withApp(seed: false) { client, environment in
            try await client.execute(uri: "/v1/me", method: .get, headers: environment.headers(.liaison)) { (response) throws in
                #expect(response.status == .ok)
                let body = try response.json
                let account = body["account"] as? [String: Any]
                #expect(account?["role"] as? String == "liaison" && account?["prefectures"] as? [String] == ["13"])
                #expect((body["organization"] as? [String: Any])?["kind"] as? String == "secretariat")
                #expect((body["permissions"] as? [String])?.contains("audit.read") == true)
            }
            try await client.execute(uri: "/v1/me", method: .get, headers: environment.headers(.vendorA)) { (response) throws in
                let permissions = try response.json["permissions"] as? [String] ?? []
                #expect(permissions.contains("accounts.manage_own_organization") && !permissions.contains("audit.read"))
            }
        }
    }

    @Test func missingMalformedRevokedAndExpiredTokensAre401() async throws {
        try await withApp(seed: false) { client, environment in
            // `/v1/issues/{number}` checks the token in the statement that reads the issue: the same refusals.
            func expect401(_ headers: HTTPFields, _ note: String) async throws {
                for uri in ["/v1/me", "/v1/issues/1", "/v1/issues/export"] {
                    try await client.execute(uri: uri, method: .get, headers: headers) { (response) throws in
                        try expectProblem(response, .unauthorized)
                        #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer realm=\"council\"") == true, "\(note) \(uri)")
                    }
                }
            }
            try await expect401([:], "no token")
            try await expect401([.authorization: "Basic dXNlcjpwYXNz"], "not bearer")
            try await expect401([.authorization: "Bearer council_short"], "malformed")
            try await expect401([.authorization: "Bearer " + TokenSecret.generate()], "unknown")
            // Even on a public route, a bad token is refused rather than ignored.
            try await client.execute(uri: "/v1/prefectures", method: .get, headers: [.authorization: "Bearer nope"]) { (response) throws in
                try expectProblem(response, .unauthorized)
            }

            // Revocation takes effect on the very next request.
            let vendorB = environment.ids.identity(.vendorB)
            try await client.execute(uri: "/v1/me", method: .get, headers: environment.headers(.vendorB)) { (response) throws in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/issues/1", method: .get, headers: environment.headers(.vendorB)) { (response) throws in
                try expectProblem(response, .notFound)
            }
            try await client.execute(uri: "/v1/tokens/\(vendorB.tokenID)", method: .delete, headers: environment.headers(.vendorB)) {
                (response) throws in
                #expect(response.status == .ok)
                #expect(try response.json["revoked_at"] is String)
            }
            try await expect401(environment.headers(.vendorB), "revoked")

            // Expiry: the same, the moment the time passes.
            let observer = environment.ids.identity(.observer)
            _ = try await environment.pool.withConnection {
                try $0.query(Query("test.expire", "UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = \(observer.tokenID)"))
            }
            try await expect401(environment.headers(.observer), "expired")

            // An inactive account's tokens stop working.
            try await client.execute(
                uri: "/v1/accounts/\(environment.ids.identity(.member).account.id)", method: .patch,
                headers: environment.headers(.admin, [.contentType: "application/json"]),
                body: json(["active": false])
            ) { (response) throws in
                #expect(response.status == .ok)
            }
            try await expect401(environment.headers(.member), "inactive account")
        }
    }

    @Test func tokensAreShownOnceAndStoredOnlyAsHashes() async throws {
        try await withApp(seed: false) { client, environment in
            let vendorA = environment.ids.identity(.vendorA)
            let secret: String = try await client.execute(
                uri: "/v1/accounts/\(vendorA.account.id)/tokens", method: .post,
                headers: environment.headers(.vendorA, [.contentType: "application/json"]),
                body: json(["name": "CI", "expires_at": "2099-01-01T00:00:00Z"])
            ) { (response) throws in
                #expect(response.status == .created)
                return try response.json["secret"] as? String ?? ""
            }
            #expect(TokenSecret.looksValid(secret))
            try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Bearer \(secret)"]) { (response) throws in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/v1/accounts/\(vendorA.account.id)/tokens", method: .get,
                headers: environment.headers(.vendorA)
            ) { (response) throws in
                #expect(!response.text.contains(secret))
                let names = try response.json.items.compactMap { $0["name"] as? String }
                #expect(names.sorted() == ["CI", "test"])
            }
            let leaks: Int = try await environment.pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.leaks",
                        """
                        SELECT (SELECT count(*) FROM audit_log WHERE changes::text LIKE '%' || \(secret) || '%')
                             + (SELECT count(*) FROM api_tokens WHERE hint = \(secret) OR encode(secret_hash, 'escape') LIKE '%' || \(secret) || '%') AS n
                        """)
                ).single().decode("n")
            }
            #expect(leaks == 0)
            for body in [["name": ""], ["name": "x", "expires_at": "2001-01-01T00:00:00Z"], ["name": "x", "expires_at": "soon"]] {
                try await client.execute(
                    uri: "/v1/accounts/\(vendorA.account.id)/tokens", method: .post,
                    headers: environment.headers(.vendorA, [.contentType: "application/json"]),
                    body: json(body)
                ) { (response) throws in
                    try expectProblem(response, .badRequest)
                }
            }
        }
    }

    @Test func vendorsCannotReadOrWriteEachOthersAccounts() async throws {
        try await withApp(seed: false) { client, environment in
            let bAccount = environment.ids.identity(.vendorB).account
            let asA = environment.headers(.vendorA, [.contentType: "application/json"])
            try await client.execute(uri: "/v1/accounts/\(bAccount.id)", method: .get, headers: asA) { (response) throws in
                try expectProblem(response, .notFound)
            }
            try await client.execute(
                uri: "/v1/accounts/\(bAccount.id)", method: .patch, headers: asA,
                body: json(["display_name": "乗っ取り"])
            ) { (response) throws in
                try expectProblem(response, .notFound)
            }
            try await client.execute(
                uri: "/v1/accounts", method: .post, headers: asA,
                body: json([
                    "organization_id": environment.ids.vendorB.id, "display_name": "x",
                    "email": "spy@example.jp",
                ])
            ) { (response) throws in
                try expectProblem(response, .forbidden)
            }
            try await client.execute(uri: "/v1/accounts?organization_id=\(environment.ids.vendorB.id)", method: .get, headers: asA) {
                (response) throws in
                #expect(try response.json["total"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/accounts", method: .get, headers: asA) { (response) throws in
                let organizations = Set(try response.json.items.compactMap { $0["organization_id"] as? Int })
                #expect(organizations == [environment.ids.vendorA.id])
            }
            // Nothing of B's changed.
            let after = try await AccountStore(pool: environment.pool).account(bAccount.id)
            #expect(after == bAccount)
        }
    }

    @Test func organizationRulesAreEnforcedWithClearErrors() async throws {
        try await withApp(seed: false) { client, environment in
            let asAdmin = environment.headers(.admin, [.contentType: "application/json"])
            func post(_ body: [String: Any], _ status: HTTPResponse.Status, field: String? = nil) async throws {
                try await client.execute(uri: "/v1/organizations", method: .post, headers: asAdmin, body: json(body)) { (response) throws in
                    if status == .created {
                        #expect(response.status == .created, "\(response.text)")
                    } else {
                        try expectProblem(response, status, field: field)
                    }
                }
            }
            try await post(
                [
                    "kind": "observer", "category": "ministry", "ministry": "mhlw", "name": "厚生労働省", "short_name": "厚労省",
                    "corporate_number": "7000012050002",
                ], .created)
            // Case- and width-insensitive uniqueness: ＡＰＰＬＩＣ is APPLIC (from the fixture).
            try await post(["kind": "observer", "category": "association", "name": "ａｐｐｌｉｃ", "short_name": "x"], .conflict)
            try await post(["kind": "vendor", "name": "別会社", "short_name": "x", "corporate_number": "7000012050002"], .conflict)
            try await post(
                ["kind": "vendor", "name": "チェック違い", "short_name": "x", "corporate_number": "7000012050003"], .badRequest, field: "corporate_number")
            try await post(["kind": "observer", "name": "分類なし", "short_name": "x"], .badRequest, field: "category")
            try await post(["kind": "vendor", "category": "association", "name": "分類あり", "short_name": "x"], .badRequest, field: "category")
            try await post(
                ["kind": "observer", "category": "ministry", "ministry": "nope", "name": "謎省", "short_name": "x"], .badRequest, field: "ministry")
            try await post(["kind": "guild", "name": "x", "short_name": "x"], .badRequest, field: "kind")
            try await post(["name": "種別なし", "short_name": "x"], .badRequest, field: "kind")
            try await post(["kind": "vendor", "name": "  ", "short_name": "x"], .badRequest, field: "name")
            try await post(["kind": "vendor", "name": "余計", "short_name": "x", "colour": "red"], .badRequest, field: "colour")
            try await client.execute(uri: "/v1/organizations", method: .post, headers: asAdmin, body: ByteBuffer(string: "{\"kind\": ")) {
                (response) throws in
                try expectProblem(response, .badRequest, field: "body")
            }
            try await client.execute(
                uri: "/v1/organizations", method: .post, headers: environment.headers(.admin, [.contentType: "text/plain"]),
                body: json(["kind": "vendor"])
            ) { (response) throws in
                try expectProblem(response, .unsupportedMediaType)
            }
            // PATCH: null clears an optional field; unknown ids are 404.
            let observer = environment.ids.observer.id
            try await client.execute(
                uri: "/v1/organizations/\(observer)", method: .patch, headers: asAdmin,
                body: json(["corporate_number": "7000012050002"])
            ) { (response) throws in
                try expectProblem(response, .conflict)
            }
            try await client.execute(uri: "/v1/organizations/999999", method: .patch, headers: asAdmin, body: json(["active": false])) {
                (response) throws in
                try expectProblem(response, .notFound)
            }
            try await client.execute(uri: "/v1/organizations/abc", method: .get, headers: asAdmin) { (response) throws in
                try expectProblem(response, .badRequest, field: "id")
            }
            let count: Int = try await environment.pool.withConnection {
                try $0.query(Query("test.orgs", "SELECT count(*) AS n FROM organizations")).single().decode("n")
            }
            #expect(count == 5)  // the fixture's four and the ministry
        }
    }

    @Test func accountRulesAreEnforced() async throws {
        try await withApp(seed: false) { client, environment in
            let asAdmin = environment.headers(.admin, [.contentType: "application/json"])
            func post(_ headers: HTTPFields, _ body: [String: Any], _ status: HTTPResponse.Status, field: String? = nil) async throws {
                try await client.execute(uri: "/v1/accounts", method: .post, headers: headers, body: json(body)) { (response) throws in
                    if status == .created {
                        #expect(response.status == .created, "\(response.text)")
                    } else {
                        try expectProblem(response, status, field: field)
                    }
                }
            }
            let secretariat = environment.ids.secretariat.id, vendorA = environment.ids.vendorA.id
            try await post(
                asAdmin,
                [
                    "organization_id": secretariat, "display_name": "東北リエゾン", "email": "tohoku@example.jp",
                    "role": "liaison", "prefectures": ["02", "3", "04"],
                ], .created)
            try await post(
                asAdmin, ["organization_id": secretariat, "display_name": "x", "email": "l2@example.jp", "role": "liaison"],
                .badRequest, field: "prefectures")
            try await post(
                asAdmin, ["organization_id": vendorA, "display_name": "x", "email": "v@example.jp", "role": "admin"],
                .badRequest, field: "role")
            try await post(asAdmin, ["organization_id": vendorA, "display_name": "x", "email": "ADMIN@example.jp"], .conflict)
            try await post(asAdmin, ["organization_id": vendorA, "display_name": "x", "email": "not-an-address"], .badRequest, field: "email")
            try await post(
                asAdmin, ["organization_id": 999999, "display_name": "x", "email": "ghost@example.jp"], .badRequest, field: "organization_id")
            try await post(
                asAdmin, ["organization_id": vendorA, "display_name": "x", "email": "p@example.jp", "prefectures": ["48"]],
                .badRequest, field: "prefectures[0]")
            // A vendor's org_admin adds members to their own organization, but cannot grant secretariat roles.
            let asVendorA = environment.headers(.vendorA, [.contentType: "application/json"])
            try await post(asVendorA, ["organization_id": vendorA, "display_name": "新メンバー", "email": "a2@example.jp", "org_admin": true], .created)
            try await post(asVendorA, ["organization_id": secretariat, "display_name": "x", "email": "a3@example.jp"], .forbidden)
            // A plain member cannot manage even their own organization.
            try await post(
                environment.headers(.vendorB, [.contentType: "application/json"]),
                ["organization_id": environment.ids.vendorB.id, "display_name": "x", "email": "b2@example.jp"], .forbidden)
        }
    }

    @Test func auditLogIsReadableAndFilterable() async throws {
        try await withApp(seed: false) { client, environment in
            let asAdmin = environment.headers(.admin, [.contentType: "application/json"])
            let target = environment.ids.vendorB.id
            try await client.execute(
                uri: "/v1/organizations/\(target)", method: .patch, headers: asAdmin,
                body: json(["short_name": "ベンダーB社", "corporate_number": "7000012050002"])
            ) { (response) throws in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/v1/audit?entity_type=organization&entity_id=\(target)&action=organization.update",
                method: .get, headers: environment.headers(.member)
            ) { (response) throws in
                let items = try response.json.items
                #expect(items.count == 1)
                let changes = items.first?["changes"] as? [String: [String: Any]]
                #expect(Set(changes?.keys.map { $0 } ?? []) == ["short_name", "corporate_number"])
                #expect(changes?["short_name"]?["old"] as? String == "株式会社ベンダーB")
                #expect(changes?["short_name"]?["new"] as? String == "ベンダーB社")
                #expect(items.first?["actor_account_id"] as? Int == environment.ids.identity(.admin).account.id)
                #expect(items.first?["request_id"] is String)
            }
            // Keyset pages: newest first, without overlap.
            var seen: [Int] = []
            var before: Int?
            repeat {
                let uri = "/v1/audit?limit=3" + (before.map { "&before=\($0)" } ?? "")
                let (ids, next): ([Int], Int?) = try await client.execute(uri: uri, method: .get, headers: environment.headers(.admin)) {
                    (response) throws in
                    let body = try response.json
                    return (body.items.compactMap { $0["id"] as? Int }, body["next_before"] as? Int)
                }
                seen += ids
                before = next
            } while before != nil
            #expect(seen == seen.sorted(by: >) && Set(seen).count == seen.count && seen.count >= 15)
            try await client.execute(uri: "/v1/audit?since=yesterday", method: .get, headers: environment.headers(.admin)) { (response) throws in
                try expectProblem(response, .badRequest, field: "since")
            }
        }
    }
}
