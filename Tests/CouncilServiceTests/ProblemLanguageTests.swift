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
