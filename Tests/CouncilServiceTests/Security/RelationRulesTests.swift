import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// Security review, finding 1: one vendor cannot change another's workflow through relations.
@Suite struct RelationRulesTests {
    @Test func relationsNeedAPartInBothIssues() async throws {
        try await withApp { client, env in
            let ofA = try await env.issue("A社の課題")
            let ofB = try await env.issue("B社の課題", by: .vendorB)
            let before = try await env.send(client, .get, "/v1/issues/\(ofA.number)", as: .vendorA)
            for kind in ["blocks", "blocked_by", "duplicates", "relates"] {
                let response = try await env.send(
                    client, .post, "/v1/issues/\(ofB.number)/relations", as: .vendorB,
                    json: ["kind": kind, "issue": ofA.number])
                try expectProblem(response, .forbidden)
            }
            // A's issue is untouched: same ETag, no event of B's.
            let after = try await env.send(client, .get, "/v1/issues/\(ofA.number)", as: .vendorA)
            #expect(after.headers[.eTag] == before.headers[.eTag])
            let events = try await env.send(client, .get, "/v1/issues/\(ofA.number)/events", as: .vendorA)
            #expect(try !events.json.items.contains { ($0["kind"] as? String)?.hasPrefix("relation") == true })
            // A relation the secretariat made between A's issues: B may not remove it either.
            let second = try await env.issue("A社の別課題")
            #expect(
                try await env.send(
                    client, .post, "/v1/issues/\(ofA.number)/relations", as: .admin,
                    json: ["kind": "blocks", "issue": second.number]
                ).status == .created)
            try expectProblem(
                try await env.send(client, .delete, "/v1/issues/\(ofB.number)/relations/blocks/\(ofA.number)", as: .vendorB),
                .forbidden)
            try expectProblem(
                try await env.send(
                    client, .delete, "/v1/issues/\(second.number)/relations/blocked_by/\(ofA.number)",
                    as: .vendorB), .forbidden)
            // Vendor A takes part in both of its issues: it may relate and unrelate them.
            #expect(
                try await env.send(
                    client, .delete, "/v1/issues/\(second.number)/relations/blocked_by/\(ofA.number)",
                    as: .vendorA
                ).status == .noContent)
            #expect(
                try await env.send(
                    client, .post, "/v1/issues/\(ofA.number)/relations", as: .vendorA,
                    json: ["kind": "relates", "issue": second.number]
                ).status == .created)
        }
    }

    @Test func aRestrictedIssueBlocksOnlyWhatItsAudienceCovers() async throws {
        try await withApp { client, env in
            let a = env.ids.vendorA.id, b = env.ids.vendorB.id
            // B's council issue names A, so A takes part in it; A's restricted issue may still not block it.
            let councilOfB = try await env.issue("B社の公開課題", by: .vendorB, vendors: [a, b])
            let restrictedOfA = try await env.issue("A社の限定課題", visibility: .restricted)
            for caller in [TestIdentities.Caller.vendorA, .admin] {
                let response = try await env.send(
                    client, .post, "/v1/issues/\(restrictedOfA.number)/relations", as: caller,
                    json: ["kind": "blocks", "issue": councilOfB.number])
                try expectProblem(response, .unprocessableContent, field: "issue")
                let inverse = try await env.send(
                    client, .post, "/v1/issues/\(councilOfB.number)/relations", as: caller,
                    json: ["kind": "blocked_by", "issue": restrictedOfA.number])
                try expectProblem(inverse, .unprocessableContent, field: "issue")
            }
            #expect(
                try await env.send(client, .get, "/v1/issues/\(councilOfB.number)/transitions", as: .admin)
                    .json.items.allSatisfy { $0["possible"] as? Bool == true })
            // Restricted onto restricted, when everyone who sees the blocked one sees the blocker: allowed.
            let blocker = try await env.issue("A社の限定基盤課題", visibility: .restricted, assignee: env.ids.observer.id)
            let narrower = try await env.issue("A社の限定業務課題", visibility: .restricted)
            #expect(
                try await env.send(
                    client, .post, "/v1/issues/\(blocker.number)/relations", as: .vendorA,
                    json: ["kind": "blocks", "issue": narrower.number]
                ).status == .created)
            // The other way the audience grows (the observer would be held back by what it cannot see).
            try expectProblem(
                try await env.send(
                    client, .post, "/v1/issues/\(narrower.number)/relations", as: .admin,
                    json: ["kind": "blocks", "issue": blocker.number]), .unprocessableContent, field: "issue")
            // A council issue may block anything.
            let council = try await env.issue("A社の公開課題")
            #expect(
                try await env.send(
                    client, .post, "/v1/issues/\(council.number)/relations", as: .vendorA,
                    json: ["kind": "blocks", "issue": restrictedOfA.number]
                ).status == .created)
        }
    }
}
