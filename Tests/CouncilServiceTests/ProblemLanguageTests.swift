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
