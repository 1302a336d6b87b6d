import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// Security review, low finding: a liaison writes only within their prefectures — adoptions of
/// their 団体 — and files nothing for vendors.
@Suite struct LiaisonScopeTests {
    @Test func aLiaisonFilesAdoptionsOfTheirPrefecturesOnly() async throws {
        try await withApp { client, env in
            let product = env.ids.productA.id
            // The test liaison follows 東京都.
            let tokyo = try await env.send(
                client, .put, "/v1/adoptions/131016/juki", as: .liaison, json: ["product_id": product, "state": "planned"])
            #expect(tokyo.status == .created, "\(tokyo.text)")
            let hokkaido = try await env.send(
                client, .put, "/v1/adoptions/011002/juki", as: .liaison, json: ["product_id": product, "state": "planned"])
            try expectProblem(hokkaido, .forbidden)
            #expect(try await env.send(client, .get, "/v1/adoptions/011002/juki", as: .admin).status == .notFound)
            let status = try await env.send(
                client, .post, "/v1/development-status", as: .liaison,
                json: [
                    "product_id": product, "business_area": "juki", "stage": "designing", "cloud_readiness": "verifying",
                ])
            try expectProblem(status, .forbidden)
            try expectProblem(try await env.send(client, .patch, "/v1/products/\(product)", as: .liaison, json: ["notes": "x"]), .forbidden)
            // A secretariat member is not bound to prefectures.
            #expect(
                try await env.send(
                    client, .put, "/v1/adoptions/011002/juki", as: .member,
                    json: ["product_id": product, "state": "planned"]
                ).status == .created)
        }
    }
}
