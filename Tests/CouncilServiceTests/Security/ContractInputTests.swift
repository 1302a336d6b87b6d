import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Security review, contract: the daemon refuses with a 400 naming the field what the document
/// does not allow — null outside nullable PATCH fields, NUL characters, malformed If-Match.
@Suite struct ContractInputTests {
    @Test func nullIsRefusedWhereTheDocumentDoesNotAllowIt() async throws {
        try await withApp { client, env in
            let product = env.ids.productA.id
            let cases: [(path: String, body: [String: Any], field: String)] = [
                (
                    "/v1/development-status",
                    [
                        "product_id": product, "business_area": "juki", "stage": "designing",
                        "cloud_readiness": "verifying", "note": NSNull(),
                    ], "note"
                ),
                (
                    "/v1/development-status",
                    [
                        "product_id": product, "business_area": "juki", "stage": "designing",
                        "cloud_readiness": "verifying", "planned_completion": NSNull(),
                    ], "planned_completion"
                ),
                ("/v1/saved-queries", ["name": "x", "filters": ["state": ["new"]], "shared": NSNull()], "shared"),
                ("/v1/products", ["vendor_id": env.ids.vendorA.id, "name": "新製品", "business_areas": ["juki"], "notes": NSNull()], "notes"),
                ("/v1/organizations", ["kind": "vendor", "name": "新規ベンダー", "short_name": "新規", "ministry": NSNull()], "ministry"),
                ("/v1/issues", ["title": "x", "category": "spec", "severity": "low", "due_date": NSNull()], "due_date"),
                ("/v1/issues", ["title": "x", "category": "spec", "severity": "low", "labels": NSNull()], "labels"),
            ]
            for (path, body, field) in cases {
                try expectProblem(try await env.send(client, .post, path, as: .admin, json: body), .badRequest, field: field)
            }
            // A PATCH clears a nullable field with null.
            let issue = try await env.issue("期限つき")
            let etag = try #require(try await env.send(client, .get, "/v1/issues/\(issue.number)", as: .admin).headers[.eTag])
            let patched = try await env.send(
                client, .patch, "/v1/issues/\(issue.number)", as: .admin, json: ["due_date": NSNull()],
                headers: [.ifMatch: etag])
            #expect(patched.status == .ok, "\(patched.text)")
            try expectProblem(
                try await env.send(
                    client, .patch, "/v1/issues/\(issue.number)", as: .admin, json: ["title": NSNull()],
                    headers: [.ifMatch: try #require(patched.headers[.eTag])]), .badRequest, field: "title")
        }
    }

    /// Found by schemathesis: a NUL in a saved query's filter values reached jsonb (500).
    @Test func aNULInASavedQueryIsRefusedNamingTheField() async throws {
        try await withApp { client, env in
            let response = try await env.send(
                client, .post, "/v1/saved-queries", as: .vendorA,
                json: ["name": "NUL入り", "filters": ["q": ["a\u{0}b"]]])
            #expect(response.status == .badRequest, "\(response.text)")
            #expect(try await env.send(client, .get, "/v1/saved-queries", as: .vendorA).json.items.isEmpty)
            #expect(JSONB<String>.holdsNUL(Data(#""a\\u0000b""#.utf8)) == false)  // an escaped backslash, then text
            #expect(JSONB<String>.holdsNUL(Data(#""a\u0000b""#.utf8)))
        }
    }

    /// An If-Match that is not an entity tag at all is a malformed request (400), not a stale one.
    @Test func aMalformedIfMatchIsABadRequest() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            for value in ["0", "issue-1-v1", "\"", ""] {
                let response = try await env.send(
                    client, .patch, "/v1/issues/\(issue.number)", as: .admin, json: ["severity": "high"],
                    headers: [.ifMatch: value])
                try expectProblem(response, .badRequest, field: "If-Match")
            }
            let other = try await env.send(
                client, .patch, "/v1/issues/\(issue.number)", as: .admin, json: ["severity": "high"],
                headers: [.ifMatch: "\"issue-999-v1\""])
            try expectProblem(other, .preconditionFailed, field: "If-Match")
        }
    }
}
