import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// Problem titles in Japanese for a reader who asks for them (`Accept-Language: ja`, which the
/// CLI sends under a Japanese locale); the type, status and field names stay the same.
@Suite struct ProblemLanguageTests {
    @Test func acceptLanguageRanksJapanese() {
        for header in ["ja", "ja-JP", "ja-JP,ja;q=0.9,en;q=0.8", "en;q=0.5, ja", "JA"] {
            #expect(ProblemMiddleware.prefersJapanese(header), "\(header)")
        }
        for header in [nil, "", "en", "en-US,en;q=0.9", "ja;q=0.3, en", "*", "fr, ja;q=0"] {
            #expect(!ProblemMiddleware.prefersJapanese(header), "\(header ?? "nil")")
        }
    }

    @Test func titlesFollowTheReader() async throws {
        try await withApp { client, env in
            var response = try await env.send(client, .get, "/v1/issues/999", as: .vendorA, headers: [.acceptLanguage: "ja-JP,ja;q=0.9"])
            var body = try expectProblem(response, .notFound)
            #expect(body["title"] as? String == ProblemType.notFound.japaneseTitle)
            #expect(body["type"] as? String == ProblemType.notFound.uri)
            response = try await env.send(client, .get, "/v1/issues/999", as: .vendorA, headers: [.acceptLanguage: "en"])
            body = try expectProblem(response, .notFound)
            #expect(body["title"] as? String == ProblemType.notFound.title)
            response = try await env.send(client, .get, "/v1/issues?severity=urgent", as: .vendorA, headers: [.acceptLanguage: "ja"])
            body = try expectProblem(response, .badRequest, field: "severity")
            #expect(body["title"] as? String == ProblemType.invalidParameter.japaneseTitle)
        }
    }

    /// What Hummingbird itself refuses (an `HTTPError`, outside the catalogue) is titled and
    /// worded in Japanese for a Japanese reader too; an English reader keeps its own words.
    @Test func theServersOwnRefusalsFollowTheReader() async throws {
        let router = Router(context: CouncilRequestContext.self)
        router.add(middleware: ProblemMiddleware(routes: RouteTable(endpoints: [])))
        router.get("/large") { _, _ -> Response in throw HTTPError(.contentTooLarge) }
        router.get("/slow") { _, _ -> Response in throw HTTPError(.requestTimeout, message: "the body did not arrive in time") }
        try await Application(router: router).test(.router) { client in
            func problem(_ path: String, _ language: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: path, method: .get, headers: [.acceptLanguage: language]) { response in
                    (response.status, try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]))
                }
            }
            var (status, body) = try await problem("/large", "ja")
            #expect(status == .contentTooLarge)
            #expect(body["title"] as? String == "大きすぎます")
            #expect(body["detail"] as? String == "リクエストの本文が大きすぎます")
            (status, body) = try await problem("/slow", "ja-JP,ja;q=0.9")
            #expect(status == .requestTimeout)
            #expect(body["title"] as? String == "リクエストの時間切れ")
            #expect(body["detail"] as? String == "リクエストが時間内に届きませんでした")
            (status, body) = try await problem("/slow", "en")
            #expect(body["title"] as? String == "Request Timeout")
            #expect(body["detail"] as? String == "the body did not arrive in time")
        }
    }

    /// The rules' refusals say why in Japanese — to the API's Japanese reader and on the pages —
    /// with the workflow's states by their Japanese names; English readers keep the English.
    @Test func refusalsSayWhyInTheReadersLanguage() async throws {
        try await withApp { client, env in
            let japanese: HTTPFields = [.acceptLanguage: "ja"]
            func detail(_ response: TestResponse) throws -> (String, [String]) {
                let body = try response.json
                return (body["detail"] as? String ?? "", (body["errors"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String })
            }
            // A body field: missing, of the wrong type, unknown.
            var response = try await env.send(client, .post, "/v1/issues", as: .vendorA, json: ["category": "cost"], headers: japanese)
            #expect(try detail(response).1 == ["必須です"], "\(response.text)")
            response = try await env.send(client, .post, "/v1/issues", as: .vendorA, json: ["title": 12], headers: japanese)
            #expect(try detail(response).1 == ["文字列で指定してください"], "\(response.text)")
            response = try await env.send(client, .post, "/v1/issues", as: .vendorA, json: ["titel": "x"], headers: japanese)
            #expect(try detail(response).1.first?.hasPrefix("知らないフィールドです（使えるもの：") == true, "\(response.text)")
            response = try await env.send(
                client, .post, "/v1/issues", as: .vendorA, json: ["title": "", "category": "cost", "severity": "low"], headers: japanese)
            #expect(try detail(response).1 == ["1〜200文字で書いてください"], "\(response.text)")
            // The workflow, by its states' Japanese names.
            let issue = try await env.issue("帳票の文字化け")
            response = try await env.send(
                client, .post, "/v1/issues/\(issue.number)/transitions", as: .admin, json: ["to": "closed", "from": "triaged"], headers: japanese)
            #expect(try detail(response).0.hasPrefix("課題はいま「新規」で「受付済」ではありません"), "\(response.text)")
            response = try await env.send(
                client, .post, "/v1/issues/\(issue.number)/transitions", as: .vendorB, json: ["to": "triaged"], headers: japanese)
            #expect(try detail(response) == ("この課題を「新規」から「受付済」へは動かせません（いま動かせる先：なし）", ["動かせる先：なし"]), "\(response.text)")
            // Who may do what.
            response = try await env.send(client, .post, "/v1/organizations", as: .vendorA, json: ["name": "x", "kind": "vendor"], headers: japanese)
            let refusal = try detail(response).0
            #expect(response.status == .forbidden && JapaneseWords.contains(refusal), "\(response.text)")
            // English readers keep the English words.
            response = try await env.send(client, .post, "/v1/issues", as: .vendorA, json: ["category": "cost"])
            #expect(try detail(response).1 == ["is required"], "\(response.text)")
            // A page in Japanese says why in Japanese, the field named as the form labels it.
            let vendor = try await env.signedIn(.vendorA, client)
            _ = try await vendor.get("/issues/new")
            let page = try await vendor.post("/issues/new", [("title", ""), ("category", "cost"), ("severity", "low"), ("body", "本文")])
            #expect(page.status.code < 500 && page.html.contains("1〜200文字で書いてください"), "\(page.status) \(page.html.prefix(3000))")
            #expect(!page.html.contains("give 1 to 200 characters"))
        }
    }

    /// A refused file's lines say why in Japanese to a Japanese reader, in English otherwise.
    @Test func aRefusedFilesLinesFollowTheReader() async throws {
        try await withApp { client, env in
            let sheet = "団体コード,業務,製品ID,状態\n01100X,juki,\(env.ids.productA.id),planned\n011002,juki,\(env.ids.productA.id),たぶん\n"
            var response = try await env.send(
                client, .post, "/v1/adoptions/import", as: .vendorA, headers: [.contentType: "text/csv", .acceptLanguage: "ja"],
                body: ByteBuffer(string: sheet))
            var body = try expectProblem(response, .unprocessableContent)
            var details = (body["errors"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
            #expect(body["detail"] as? String == "2件の問題があります。何も変更していません")
            #expect(details.count == 2 && details[0].hasPrefix("「01100X」は団体コードではありません") && details[1].hasPrefix("「たぶん」は次のどれでもありません"))
            response = try await env.send(
                client, .post, "/v1/adoptions/import", as: .vendorA, headers: [.contentType: "text/csv"], body: ByteBuffer(string: sheet))
            body = try expectProblem(response, .unprocessableContent)
            details = (body["errors"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
            #expect(body["detail"] as? String == "2 problems found; nothing was changed" && details[1].hasPrefix("'たぶん' is not one of"))
        }
    }
}

/// Every slug a person may read has one Japanese word, and no two slugs of a vocabulary share it.
@Suite struct VocabularyTests {
    @Test func everySlugHasItsOwnJapaneseWord() {
        for vocabulary in Vocabulary.allCases {
            let words = vocabulary.slugs.map(vocabulary.japanese)
            #expect(!vocabulary.slugs.isEmpty)
            for (slug, word) in zip(vocabulary.slugs, words) {
                #expect(word != slug && !word.unicodeScalars.allSatisfy(\.isASCII), "\(vocabulary).\(slug) → \(word)")
            }
            #expect(Set(words).count == words.count, "\(vocabulary): \(words)")
        }
        #expect(Vocabulary.issueState.japanese("someday") == "someday")
    }
}
