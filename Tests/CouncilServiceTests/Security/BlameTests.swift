import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// Security review, finding 2: nobody makes a vendor appear to block 団体 alone. An issue counts
/// against a vendor once the secretariat triaged it, or when the vendor filed it itself (then
/// marked unconfirmed); the named vendor always sees and answers it.
@Suite struct BlameTests {
    static func blocked(_ code: String) -> IssueMunicipality {
        IssueMunicipality(dantaiCode: MunicipalityCode(rawValue: code)!, impact: .blocked, businessAreas: [.juki])
    }

    @Test func anotherVendorsReportCountsOnlyOnceTriaged() async throws {
        try await withApp { client, env in
            let a = env.ids.vendorA.id
            func blockedByA(as caller: TestIdentities.Caller = .admin) async throws -> [[String: Any]] {
                let response = try await env.send(client, .get, "/v1/blockers?vendor=\(a)", as: caller)
                #expect(response.status == .ok)
                return try response.json.items
            }
            let council = try await env.issue("A社のせいで止まっている", by: .vendorB, municipalities: [Self.blocked("011002")], vendors: [a])
            let secret = try await env.issue(
                "A社を名指しする限定課題", by: .vendorB, visibility: .restricted,
                municipalities: [Self.blocked("131016")], vendors: [a])
            // Untriaged: no view counts them, for anyone.
            #expect(try await blockedByA().isEmpty)
            for path in ["/v1/vendors/\(a)/blocked-municipalities", "/v1/municipalities/011002/blockers", "/v1/blockers?group_by=vendor"] {
                let response = try await env.send(client, .get, path, as: .admin)
                #expect(
                    !response.text.contains("\"issues\":[\(council.number)") && !response.text.contains("株式会社ベンダーA\",\"municipalities\":1"),
                    "\(path): \(response.text.prefix(400))")
            }
            let vendorView = try await env.send(client, .get, "/v1/vendors/\(a)/blocked-municipalities", as: .admin)
            #expect(try vendorView.json["municipalities"] as? Int == 0)
            // The named vendor sees the restricted issue that names it, and answers it.
            #expect(try await env.send(client, .get, "/v1/issues/\(secret.number)", as: .vendorA).status == .ok)
            let list = try await env.send(client, .get, "/v1/issues?vendor=\(a)", as: .vendorA)
            #expect(try list.json.items.map { $0["number"] as? Int }.contains(secret.number))
            #expect(
                try await env.send(
                    client, .post, "/v1/issues/\(secret.number)/comments", as: .vendorA,
                    json: ["body": "弊社の認識は異なります"]
                ).status == .created)
            // An observer, named by nobody, still gets 404.
            try expectProblem(try await env.send(client, .get, "/v1/issues/\(secret.number)", as: .observer), .notFound)
            // Triaged by the secretariat: now it counts, confirmed.
            for number in [council.number, secret.number] {
                #expect(try await env.send(client, .post, "/v1/issues/\(number)/transitions", as: .admin, json: ["to": "triaged"]).status == .ok)
            }
            let rows = try await blockedByA()
            #expect(rows.map { $0["dantai_code"] as? String } == ["011002", "131016"])
            #expect(rows.allSatisfy { ($0["unconfirmed_issues"] as? [Int]) == [] })
            #expect(try await blockedByA(as: .vendorA).count == 2)
            #expect(try await blockedByA(as: .observer).count == 1)
        }
    }

    @Test func aVendorsOwnReportCountsAtOnceAsUnconfirmed() async throws {
        try await withApp { client, env in
            let own = try await env.issue("自社の遅延", municipalities: [Self.blocked("013030")])
            var response = try await env.send(client, .get, "/v1/blockers?vendor=\(env.ids.vendorA.id)", as: .observer)
            let row = try #require(try response.json.items.first)
            #expect(row["issues"] as? [Int] == [own.number] && row["unconfirmed_issues"] as? [Int] == [own.number])
            _ = try await env.send(client, .post, "/v1/issues/\(own.number)/transitions", as: .admin, json: ["to": "triaged"])
            response = try await env.send(client, .get, "/v1/blockers?vendor=\(env.ids.vendorA.id)", as: .observer)
            #expect(try response.json.items.first?["unconfirmed_issues"] as? [Int] == [])
        }
    }
}
