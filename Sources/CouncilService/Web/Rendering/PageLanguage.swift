import Hummingbird

/// The language a page is written in: Japanese first. A person's own choice (the switch in the
/// header, kept in a cookie) wins over the browser's `Accept-Language`.
package enum PageLanguage: String, Sendable, CaseIterable, Encodable {
    case ja
    case en

    static let cookie = "council_lang"

    static func of(_ request: Request) -> PageLanguage {
        if let chosen = request.cookies[cookie].flatMap({ PageLanguage(rawValue: $0.value) }) { return chosen }
        guard let header = request.headers[.acceptLanguage] else { return .ja }
        // Japanese unless the browser ranks English above it.
        let ranksEnglish = header.lowercased().split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("en") }
        return ranksEnglish && !ProblemMiddleware.prefersJapanese(header) ? .en : .ja
    }

    /// The word a person reads for a slug of `vocabulary`.
    func word(_ vocabulary: Vocabulary, _ slug: String) -> String {
        self == .ja ? vocabulary.japanese(slug) : slug.replacingOccurrences(of: "_", with: " ")
    }
}
