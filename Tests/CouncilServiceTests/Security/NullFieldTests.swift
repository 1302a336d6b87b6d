@testable import CouncilService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Security review, contract: `null` is accepted exactly where the document says a field is
/// nullable (a PATCH clearing it); an optional field of a POST is left out, and null is a 400.
@Suite struct NullFieldTests {
    @Test func nullIsRefusedWhereTheDocumentDoesNotAllowIt() async throws {
        try await withApp { client, env in
            let product = env.ids.productA.id
            let cases: [(path: String, body: [String: Any], field: String)] = [
                ("/v1/development-status", ["product_id": product, "business_area": "juki", "stage": "designing",
                                            "cloud_readiness": "verifying", "note": NSNull()], "note"),
                ("/v1/development-status", ["product_id": product, "business_area": "juki", "stage": "designing",
                                            "cloud_readiness": "verifying", "planned_completion": NSNull()], "planned_completion"),
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
            let patched = try await env.send(client, .patch, "/v1/issues/\(issue.number)", as: .admin, json: ["due_date": NSNull()],
                                             headers: [.ifMatch: etag])
            #expect(patched.status == .ok, "\(patched.text)")
            try expectProblem(try await env.send(client, .patch, "/v1/issues/\(issue.number)", as: .admin, json: ["title": NSNull()],
                                                 headers: [.ifMatch: try #require(patched.headers[.eTag])]), .badRequest, field: "title")
        }
    }
}
