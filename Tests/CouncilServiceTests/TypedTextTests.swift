import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// Free text is kept as people typed it — ①, ㈱, full-width parentheses, 髙 — through the API, the
/// CSV exports and the handout; only line endings become LF. Matching still ignores width.
@Suite struct TypedTextTests {
    static let typed = "①次移行（標準仕様書第4.1版）㈱髙橋システム ｶﾅ"

    @Test func freeTextRoundTripsUnchanged() async throws {
        try await withApp { client, env in
            let typed = Self.typed
            // An issue and a comment through the API.
            var response = try await env.send(
                client, .post, "/v1/issues", as: .vendorA,
                json: [
                    "title": typed, "body": "一行目\r\n\(typed)\r三行目", "category": "spec", "severity": "low",
                    "business_areas": ["juki"],
                ])
            #expect(response.status == .created, "\(response.text)")
            let number = try #require(try response.json["number"] as? Int)
            #expect(try response.json["title"] as? String == typed)
            #expect(try response.json["body"] as? String == "一行目\n\(typed)\n三行目")
            response = try await env.send(client, .post, "/v1/issues/\(number)/comments", as: .vendorA, json: ["body": " \(typed) "])
            #expect(try response.json["body"] as? String == typed, "\(response.text)")
            // Search still finds it by the normalized form.
            response = try await env.send(client, .get, "/v1/issues?q=(株)髙橋", as: .vendorA)
            #expect(try response.json.items.map { $0["number"] as? Int } == [number], "\(response.text)")

            // The issues export.
            response = try await env.send(client, .get, "/v1/issues/export", as: .vendorA)
            #expect(response.text.contains(typed), "\(response.text)")

            // A meeting: title, free topic, minutes and the issue on its agenda; handout and export.
            response = try await env.send(client, .post, "/v1/meetings", as: .member, json: ["held_on": "2026-12-10", "title": typed])
            let meeting = try #require(try response.json["id"] as? Int)
            #expect(try response.json["title"] as? String == typed)
            response = try await env.send(
                client, .post, "/v1/meetings/\(meeting)/agenda", as: .member, json: ["issue_number": number, "allotted_minutes": 10])
            #expect(response.status == .created || response.status == .ok, "\(response.text)")
            response = try await env.send(
                client, .post, "/v1/meetings/\(meeting)/agenda", as: .member, json: ["topic": typed, "allotted_minutes": 5])
            response = try await env.send(client, .get, "/v1/meetings/\(meeting)/handout", as: .observer)
            let handout = response.text
            // As typed, with only Markdown's own escapes (the "." of 4.1).
            #expect(handout.components(separatedBy: MarkdownText.inline(typed)).count - 1 >= 3, "\(handout)")  // title, issue, topic
            response = try await env.send(client, .get, "/v1/meetings/\(meeting)/export", as: .observer)
            #expect(response.text.contains(typed), "\(response.text)")

            // Status and adoption spreadsheets: 備考 and 版 as typed, in and out.
            let product = env.ids.productA.id
            let status = "製品ID,業務,段階,標準仕様書の版,ガバメントクラウド対応,完了予定日,備考\r\n\(product),juki,開発中,第４.１版,検証中,令和8年3月31日,\(typed)\r\n"
            response = try await env.send(
                client, .post, "/v1/development-status/import", as: .vendorA, headers: [.contentType: "text/csv"],
                body: ByteBuffer(string: status))
            #expect(response.status == .ok, "\(response.text)")
            response = try await env.send(client, .get, "/v1/development-status/export", as: .vendorA)
            #expect(response.text.contains("第４.１版") && response.text.contains(typed) && response.text.contains("2026-03-31"), "\(response.text)")

            let adoption = "団体コード,業務,製品ID,状態,移行予定,備考\r\n011002,juki,\(product),移行予定,2026/3,\(typed)\r\n"
            response = try await env.send(
                client, .post, "/v1/adoptions/import", as: .vendorA, headers: [.contentType: "text/csv"],
                body: ByteBuffer(string: adoption))
            #expect(response.status == .ok, "\(response.text)")
            response = try await env.send(client, .get, "/v1/adoptions/export", as: .vendorA)
            #expect(response.text.contains(typed), "\(response.text)")
            // Importing the export changes nothing: the typed text compares equal to itself.
            let exported = ByteBuffer(string: response.text)
            response = try await env.send(
                client, .post, "/v1/adoptions/import", as: .vendorA, headers: [.contentType: "text/csv"], body: exported)
            #expect(try response.json["unchanged"] as? Int == 1, "\(response.text)")
        }
    }

    @Test func savedQueryNamesAreKeptAsTypedButUniqueIgnoringWidth() async throws {
        try await withApp { client, env in
            var response = try await env.send(
                client, .post, "/v1/saved-queries", as: .vendorA, json: ["name": "ＡＢＣ①", "filters": ["state": "new"]])
            #expect(response.status == .created, "\(response.text)")
            #expect(try response.json["name"] as? String == "ＡＢＣ①")
            response = try await env.send(
                client, .post, "/v1/saved-queries", as: .vendorA, json: ["name": "ABC1", "filters": ["state": "new"]])
            #expect(response.status == .conflict, "\(response.text)")
        }
    }
}
