import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// A council meeting from proposal to decisions that move issues, and its handout.
@Suite struct MeetingTests {
    @Test func fromProposalToDecisionsThatMoveIssues() async throws {
        try await withApp { client, env in
            let layout = try await env.issue("帳票レイアウト変更の影響", severity: .high)
            let delay = try await env.issue("データ移行の遅延", by: .vendorB, severity: .critical)
            let secret = try await env.issue("B社の限定議題", by: .vendorB, visibility: .restricted)
            _ = try await env.issue("議題にならない課題", severity: .critical)  // closed below
            for (number, states) in [(layout.number, ["triaged", "on_agenda"]), (secret.number, ["triaged", "on_agenda"]), (4, ["closed"])] {
                for state in states {
                    #expect(try await env.send(client, .post, "/v1/issues/\(number)/transitions", as: .admin, json: ["to": state]).status == .ok)
                }
            }
            var response = try await env.send(
                client, .post, "/v1/meetings", as: .member,
                json: [
                    "held_on": "2026-12-10", "title": "事業者協議会", "attendee_ids": [env.ids.vendorA.id, env.ids.vendorB.id, env.ids.observer.id],
                ])
            #expect(response.status == .created)
            let id = try #require(try response.json["id"] as? Int)
            #expect(try response.json["number"] as? Int == 1)
            try expectProblem(
                try await env.send(client, .post, "/v1/meetings", as: .vendorA, json: ["held_on": "2026-12-10", "title": "x"]), .forbidden)

            // Proposals: issues on the agenda first, then unresolved critical ones; never twice.
            response = try await env.send(client, .post, "/v1/meetings/\(id)/agenda/propose", as: .member)
            let proposed = try response.json.items
            #expect(proposed.map { ($0["issue"] as? [String: Any])?["number"] as? Int } == [layout.number, secret.number, delay.number])
            #expect(proposed.allSatisfy { $0["status"] as? String == "proposed" })
            response = try await env.send(client, .post, "/v1/meetings/\(id)/agenda/propose", as: .member)
            #expect(try response.json.items.isEmpty)
            let itemIDs = proposed.compactMap { $0["id"] as? Int }

            // The secretariat confirms two, adds a topic and puts it first.
            for (index, minutes) in [(0, "A社より影響範囲を説明。"), (2, "B社より遅延理由を説明。")] {
                response = try await env.send(
                    client, .patch, "/v1/meetings/\(id)/agenda/\(itemIDs[index])", as: .member,
                    json: ["status": "confirmed", "allotted_minutes": 15, "minutes": minutes])
                #expect(response.status == .ok, "\(response.text)")
            }
            response = try await env.send(
                client, .post, "/v1/meetings/\(id)/agenda", as: .member,
                json: ["topic": "前回議事録の確認", "presenter_organization_id": env.ids.secretariat.id, "allotted_minutes": 5])
            let topicID = try #require(try response.json["agenda"].flatMap { $0 as? [[String: Any]] }?.last?["id"] as? Int)
            response = try await env.send(client, .patch, "/v1/meetings/\(id)/agenda/\(topicID)", as: .member, json: ["position": 1])
            let agenda = try response.json["agenda"] as? [[String: Any]] ?? []
            #expect(agenda.map { $0["id"] as? Int } == [topicID] + itemIDs)
            #expect(agenda.map { $0["position"] as? Int } == [1, 2, 3, 4])
            response = try await env.send(client, .post, "/v1/meetings/\(id)/agenda", as: .member, json: ["issue_number": layout.number])
            try expectProblem(response, .conflict)
            response = try await env.send(client, .post, "/v1/meetings/\(id)/agenda", as: .member, json: ["topic": "x", "issue_number": 1])
            try expectProblem(response, .badRequest, field: "topic")

            // Vendor A does not see B's restricted item, even on the meeting.
            response = try await env.send(client, .get, "/v1/meetings/\(id)", as: .vendorA)
            #expect(try (response.json["agenda"] as? [[String: Any]])?.count == 3)
            response = try await env.send(client, .get, "/v1/meetings/\(id)/handout", as: .vendorA)
            #expect(!response.text.contains("限定"))

            // Held: decisions. One moves its issue to resolved in the same transaction.
            _ = try await env.send(client, .patch, "/v1/meetings/\(id)", as: .member, json: ["state": "held"])
            response = try await env.send(
                client, .post, "/v1/meetings/\(id)/agenda/\(itemIDs[0])/decision", as: .member,
                json: ["decision": "仕様書改定で対応する。", "move_to": "resolved", "answer": "標準仕様書 第4.1版で改定"])
            #expect(response.status == .ok, "\(response.text)")
            response = try await env.send(client, .get, "/v1/issues/\(layout.number)", as: .vendorA)
            #expect(try response.json["state"] as? String == "resolved")
            #expect(try response.json["answer"] as? String == "標準仕様書 第4.1版で改定")
            response = try await env.send(client, .get, "/v1/issues/\(layout.number)/events", as: .vendorA)
            let decision = try #require(try response.json.items.last)
            #expect(decision["kind"] as? String == "meeting_decision")
            #expect((decision["new"] as? [String: Any])?["meeting"] as? Int == 1)
            // A move the workflow forbids (new → resolved) records nothing.
            response = try await env.send(
                client, .post, "/v1/meetings/\(id)/agenda/\(itemIDs[2])/decision", as: .member,
                json: ["decision": "解決とする", "move_to": "resolved", "answer": "x"])
            try expectProblem(response, .conflict)
            response = try await env.send(
                client, .post, "/v1/meetings/\(id)/agenda/\(itemIDs[2])/decision", as: .member,
                json: ["decision": "次回までにB社が移行計画を再提出する。"])
            #expect(response.status == .ok)
            response = try await env.send(
                client, .post, "/v1/meetings/\(id)/agenda/\(topicID)/decision", as: .member,
                json: ["decision": "x", "move_to": "closed"])
            try expectProblem(response, .unprocessableContent, field: "move_to")
            response = try await env.send(client, .delete, "/v1/meetings/\(id)/agenda/\(itemIDs[0])", as: .member)
            try expectProblem(response, .unprocessableContent)

            // The handout, as everyone receives it.
            response = try await env.send(client, .get, "/v1/meetings/\(id)/handout", as: .observer)
            #expect(response.headers[.contentType] == "text/markdown; charset=utf-8")
            let golden = try String(
                contentsOf: try #require(
                    Bundle.module.url(
                        forResource: "meeting-handout", withExtension: "md",
                        subdirectory: "Fixtures")), encoding: .utf8)
            #expect(response.text == golden, "handout differs from Fixtures/meeting-handout.md:\n\(response.text)")
            response = try await env.send(client, .get, "/v1/meetings/\(id)/export?encoding=cp932", as: .observer)
            let csv = try #require(String(data: Data(response.body.readableBytesView), encoding: .shiftJIS))
            #expect(csv.hasPrefix("順,議題,課題番号,課題状態,発表,時間（分）,議事,決定事項\r\n1,前回議事録の確認,,,"))
            #expect(csv.contains("#\(layout.number),解決,株式会社ベンダーA,15,A社より影響範囲を説明。,仕様書改定で対応する。"))
        }
    }
}
