import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// 協議会 in the browser, over HTTP: the secretariat plans a meeting, takes in proposals,
/// orders the agenda with plain forms, records decisions (a workflow refusal is shown beside the
/// item with the text kept), and prints the handout; others read it as their visibility allows.
/// The same flow runs in a real Chromium in `Tests/Browser`.
@Suite struct MeetingPageTests {
    @Test func theSecretariatRunsAMeetingFromProposalsToADecisionThatResolvesAnIssue() async throws {
        try await withApp { client, env in
            let layout = try await env.issue("帳票レイアウト変更の影響", severity: .high)
            let critical = try await env.issue("データ移行の遅延", by: .vendorB, severity: .critical)
            let admin = try await env.signedIn(.admin, client)
            for state in ["triaged", "on_agenda"] {
                #expect(try await env.send(client, .post, "/v1/issues/\(layout.number)/transitions", as: .admin, json: ["to": state]).status == .ok)
            }

            _ = try await admin.get("/meetings")
            // A date typed the way a Japanese office writes it; a bad one keeps what was typed.
            let bad = try await admin.post("/meetings", [("title", "第一回の協議会"), ("held_on", "12月10日"), ("number", "")])
            #expect(
                bad.status == .unprocessableContent && bad.html.contains("開催日: ") && bad.html.contains("value=\"第一回の協議会\""),
                "\(bad.status) \(bad.html)")
            #expect(try await env.send(client, .get, "/v1/meetings", as: .admin).json["total"] as? Int == 0)
            let created = try await admin.post(
                "/meetings", [("title", "事業者協議会"), ("held_on", "令和8年12月10日"), ("attendee_ids", "\(env.ids.vendorA.id)")])
            #expect(created.status == .seeOther)
            let path = try #require(created.location?.split(separator: "?").first.map(String.init))
            var page = try await admin.get(try #require(created.location))
            #expect(page.html.contains("令和8年12月10日（2026年12月10日）") && page.html.contains("開催回を作成しました"))

            // Proposals come in; one is confirmed, a topic is added and moved to the top.
            // The meeting's own fields on their page: attendees among every organization.
            let editing = try await admin.get(path + "/edit")
            #expect(editing.status == .ok && editing.html.contains("name=\"attendee_ids\" value=\"\(env.ids.vendorA.id)\" checked"))
            #expect(try await admin.post(path + "/agenda/propose", []).status == .seeOther)
            let meetingID = Int(path.split(separator: "/").last!)!
            var meeting = try await MeetingStore(pool: env.pool).meeting(meetingID, scope: .all)
            #expect(meeting.agenda.map { $0.issue?.number } == [layout.number, critical.number])
            #expect(meeting.agenda.allSatisfy { $0.status == .proposed })
            let first = meeting.agenda[0].id
            #expect(try await admin.post(path + "/agenda/\(first)/confirm", []).status == .seeOther)
            #expect(try await admin.post(path + "/agenda", [("topic", "前回議事録の確認"), ("allotted_minutes", "5")]).status == .seeOther)
            meeting = try await MeetingStore(pool: env.pool).meeting(meetingID, scope: .all)
            let topic = try #require(meeting.agenda.last?.id)
            page = try await admin.get(path)
            #expect(page.html.contains("data-testid=\"up-\(topic)\"") && !page.html.contains("data-testid=\"down-\(topic)\""))
            #expect(try await admin.post(path + "/agenda/\(topic)/move", [("position", "1")]).status == .seeOther)
            meeting = try await MeetingStore(pool: env.pool).meeting(meetingID, scope: .all)
            #expect(meeting.agenda.map(\.id) == [topic, first, meeting.agenda[2].id])
            #expect(meeting.agenda[1].status == .confirmed && meeting.agenda[2].status == .proposed)
            // The unconfirmed proposal is taken off again.
            #expect(try await admin.post(path + "/agenda/\(meeting.agenda[2].id)/delete", []).status == .seeOther)
            // An item twice, or neither issue nor topic: refused on the page, nothing changes.
            let twice = try await admin.post(path + "/agenda", [("issue_number", "#\(layout.number)"), ("allotted_minutes", "10")])
            #expect(twice.status == .conflict && twice.html.contains("error-summary"), "\(twice.status)")
            let neither = try await admin.post(path + "/agenda", [("allotted_minutes", "10")])
            #expect(neither.status == .unprocessableContent && neither.html.contains("error-summary"))
            for (action, fields) in [
                ("/agenda/\(first)/move", [("position", "abc")]), ("/agenda", [("topic", "x"), ("allotted_minutes", "九十")]),
                ("/agenda/\(first)/decision", [("decision", "x"), ("move_to", "nope")]), ("/agenda/\(first)/minutes", [("minutes", "\0")]),
                ("/edit", [("title", "x"), ("held_on", "2026-12-10"), ("state", "nope")]),
            ] {
                let page = try await admin.post(path + action, fields)
                #expect((400..<500).contains(page.status.code), "\(action): \(page.status)")
            }
            #expect(try await MeetingStore(pool: env.pool).meeting(meetingID, scope: .all).agenda.count == 2)

            // Resolving without the answer: the workflow refuses, the decision typed stays beside the item.
            let refused = try await admin.post(path + "/agenda/\(first)/decision", [("decision", "仕様書改定で対応する。"), ("move_to", "resolved")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.html.contains("data-testid=\"decision-errors\"") && refused.html.contains(">仕様書改定で対応する。</textarea>"))
            #expect(try await env.send(client, .get, "/v1/issues/\(layout.number)", as: .admin).json["state"] as? String == "on_agenda")
            let decided = try await admin.post(
                path + "/agenda/\(first)/decision", [("decision", "仕様書改定で対応する。"), ("move_to", "resolved"), ("answer", "第4.1版で改定")])
            #expect(decided.status == .seeOther)
            #expect(try await env.send(client, .get, "/v1/issues/\(layout.number)", as: .admin).json["state"] as? String == "resolved")
            #expect(try await admin.post(path + "/agenda/\(first)/minutes", [("minutes", "A社より説明。\n質疑あり。")]).status == .seeOther)

            // The handout: the agenda table, the minutes and decision, both dates; no forms.
            let handout = try await admin.get(path + "/handout")
            #expect(handout.status == .ok && handout.html.contains("令和8年12月10日（2026年12月10日）"))
            #expect(handout.html.contains("帳票レイアウト変更の影響") && handout.html.contains("仕様書改定で対応する。"))
            #expect(handout.html.contains("A社より説明。<br>質疑あり。") && !handout.html.contains("/decision\""))

            // The audit log has every step.
            let actions: [String] = try await env.pool.withConnection { connection in
                try connection.query(Query("test.audit", "SELECT action FROM audit_log WHERE action LIKE 'meeting%' ORDER BY id")).rows.map {
                    try $0.decode("action")
                }
            }
            #expect(
                actions == [
                    "meeting.create", "meeting.agenda.propose", "meeting.agenda.update", "meeting.agenda.create", "meeting.agenda.update",
                    "meeting.agenda.delete", "meeting.agenda.decide", "meeting.agenda.update",
                ])
        }
    }

    @Test func othersReadTheMeetingAsTheirVisibilityAllowsAndCannotChangeIt() async throws {
        try await withApp { client, env in
            let hidden = try await env.issue("A社の限定課題", visibility: .restricted, assignee: env.ids.observer.id)
            let store = MeetingStore(pool: env.pool)
            let system = AuditActor.system
            let meeting = try await store.create(
                MeetingDraft(number: nil, heldOn: CalendarDate(typed: "2026-12-10")!, title: "協議会", attendeeIDs: []), by: system)
            _ = try await store.addItem(
                meeting.id, AgendaItemDraft(issueNumber: hidden.number, topic: nil, presenterID: nil, allottedMinutes: 10), position: nil, by: system)
            _ = try await store.addItem(
                meeting.id, AgendaItemDraft(issueNumber: nil, topic: "全体連絡", presenterID: nil, allottedMinutes: 5), position: nil, by: system)
            let item = try await store.meeting(meeting.id, scope: .all).agenda[0].id

            let a = try await env.signedIn(.vendorA, client), b = try await env.signedIn(.vendorB, client)
            #expect(try await a.get("/meetings/\(meeting.id)").html.contains("A社の限定課題"))
            for path in ["/meetings", "/meetings/\(meeting.id)", "/meetings/\(meeting.id)/handout"] {
                let page = try await b.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(!page.html.contains("限定課題"), "\(path)")
            }
            let export = try await b.get("/meetings/\(meeting.id)/export?format=csv")
            #expect(export.status == .ok && export.html.contains("全体連絡") && !export.html.contains("限定課題"))
            #expect(try await a.get("/meetings/\(meeting.id)/export?format=csv").html.contains("A社の限定課題"))
            #expect(try await a.get("/meetings/\(meeting.id)/export?format=xlsx").headers[.contentType]?.contains("spreadsheetml") == true)
            let seen = try await b.get("/meetings/\(meeting.id)")
            #expect(seen.html.contains("全体連絡") && !seen.html.contains("/agenda/propose") && !seen.html.contains("/decision\""))
            #expect(!(try await b.get("/meetings").html.contains("action=\"/meetings\"")))
            // Forms posted anyway: 403 pages, nothing changes.
            for (path, fields) in [
                ("/meetings", [("title", "x"), ("held_on", "2026-12-11")]), ("/meetings/\(meeting.id)/agenda/propose", []),
                ("/meetings/\(meeting.id)/agenda/\(item)/delete", []), ("/meetings/\(meeting.id)/agenda/\(item)/decision", [("decision", "x")]),
                ("/meetings/\(meeting.id)/edit", [("title", "x"), ("held_on", "2026-12-11"), ("state", "cancelled")]),
            ] {
                #expect(try await b.post(path, fields).status == .forbidden, "\(path)")
            }
            #expect(try await store.meeting(meeting.id, scope: .all).agenda.count == 2)
            #expect(try await store.meeting(meeting.id, scope: .all).state == .planned)
            #expect(try await b.get("/meetings/99999").status == .notFound)
            #expect(try await b.get("/meetings/\(meeting.id)/edit").status == .forbidden)
        }
    }
}
