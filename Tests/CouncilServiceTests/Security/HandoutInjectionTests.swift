import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// Security review, finding 4: the official handout keeps user text as text.
@Suite struct HandoutInjectionTests {
    @Test func markupInUserTextStaysText() {
        #expect(
            MarkdownText.inline("# 見出し | <b>x</b>\r## 次\n[a](javascript:x) &amp;")
                == ##"\# 見出し \| \<b\>x\<\/b\> \#\# 次 \[a\]\(javascript\:x\) \&amp\;"##)
        #expect(MarkdownText.block("一行目\r\n- 項目\r\r    コード\n1. 番号") == "一行目\\\n\\- 項目\n\nコード\\\n1\\. 番号")
    }

    @Test func titlesAreOneLine() async throws {
        try await withApp { client, env in
            for title in ["一行目\n### 偽の見出し", "改行\r途中", "タブ\tあり", "行区切り\u{2028}途中"] {
                let response = try await env.send(
                    client, .post, "/v1/issues", as: .vendorA,
                    json: ["title": title, "category": "spec", "severity": "low", "business_areas": ["juki"]])
                try expectProblem(response, .badRequest, field: "title")
                try expectProblem(
                    try await env.send(client, .post, "/v1/meetings", as: .member, json: ["held_on": "2026-12-10", "title": title]),
                    .badRequest, field: "title")
            }
        }
    }

    @Test func handoutEscapesEveryTextAndShowsEditsAfterConfirmation() async throws {
        try await withApp { client, env in
            let title = "<img src=x onerror=alert(1)> | 列 [リンク](http://evil.example) **強調**"
            let issue = try await env.issue(title)
            var response = try await env.send(
                client, .post, "/v1/meetings", as: .member,
                json: ["held_on": "2026-12-10", "title": "# 協議会 <script>alert(1)</script>"])
            let id = try #require(try response.json["id"] as? Int)
            response = try await env.send(
                client, .post, "/v1/meetings/\(id)/agenda", as: .member,
                json: ["issue_number": issue.number, "allotted_minutes": 10])
            let itemID = try #require((try response.json["agenda"] as? [[String: Any]])?.first?["id"] as? Int)
            response = try await env.send(
                client, .patch, "/v1/meetings/\(id)/agenda/\(itemID)", as: .member,
                json: ["minutes": "説明\r### 偽の見出し\r<script>alert(2)</script>\n| 偽 | 表 |\n    字下げ"])
            #expect(response.status == .ok, "\(response.text)")
            response = try await env.send(client, .get, "/v1/meetings/\(id)/handout", as: .observer)
            let handout = response.text
            let lines = handout.split(separator: "\n", omittingEmptySubsequences: false)
            // Only the handout's own headings and table rows.
            #expect(lines.filter { $0.hasPrefix("#") }.map { $0.split(separator: " ")[0] } == ["#", "##", "##", "###"], "\(handout)")
            #expect(!lines.contains { $0.hasPrefix("    ") })
            for line in lines where line.hasPrefix("| 1 ") {
                #expect(line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count == 6, "\(line)")
            }
            #expect(!handout.replacingOccurrences(of: "\\<", with: "").contains("<"), "\(handout)")
            for marker in ["](http", "**強調"] { #expect(!handout.contains(marker), "\(marker) in \(handout)") }
            #expect(handout.contains(#"\<img src\=x onerror\=alert\(1\)\>"#))

            // The issue's title changes after the item was confirmed: the handout says so.
            let current = try await env.send(client, .get, "/v1/issues/\(issue.number)", as: .vendorA)
            response = try await env.send(
                client, .patch, "/v1/issues/\(issue.number)", as: .vendorA, json: ["title": "差し替え後の件名"],
                headers: [.ifMatch: try #require(current.headers[.eTag])])
            #expect(response.status == .ok, "\(response.text)")
            response = try await env.send(client, .get, "/v1/meetings/\(id)/handout", as: .observer)
            #expect(response.text.contains("差し替え後の件名（確定後に変更。確定時: \\<img"), "\(response.text)")
            response = try await env.send(client, .get, "/v1/meetings/\(id)", as: .observer)
            #expect((try response.json["agenda"] as? [[String: Any]])?.first?["confirmed_subject"] as? String == title)
            response = try await env.send(client, .get, "/v1/meetings/\(id)/export", as: .observer)
            #expect(response.text.contains("差し替え後の件名（確定後に変更。確定時: <img"))
        }
    }
}
