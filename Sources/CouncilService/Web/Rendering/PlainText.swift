/// Text people typed, shown as text: lines kept, web addresses (http and https only) and issue
/// references (`#123`) made links, nothing else interpreted. The template escapes every piece.
struct PlainText: Sendable, Encodable {
    struct Line: Sendable, Encodable {
        let segments: [Segment]
    }

    struct Segment: Sendable, Encodable {
        let text: String
        let href: String?
        /// Addresses leave the site: no referrer, no access to this page.
        let external: Bool
    }

    let lines: [Line]

    init(_ text: String) {
        // "\r\n" is one Character in Swift: every kind of line end splits.
        lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map {
            Line(segments: Self.segments($0))
        }
    }

    /// Characters that end an address as typed in Japanese or English prose.
    private static let trailing: Set<Character> = [".", ",", ")", "」", "、", "。", "）", "!", "?", ":", ";", "'", "\""]

    static func segments(_ line: Substring) -> [Segment] {
        var result: [Segment] = []
        var plain = ""
        var rest = line[...]
        func flush() {
            if !plain.isEmpty { result.append(Segment(text: plain, href: nil, external: false)) }
            plain = ""
        }
        while let first = rest.first {
            if rest.hasPrefix("https://") || rest.hasPrefix("http://") {
                var address = rest.prefix { !$0.isWhitespace && $0 != "<" && $0 != ">" && $0 != "\"" && $0.isASCII }
                while let last = address.last, trailing.contains(last) { address = address.dropLast() }
                if address.count > (address.hasPrefix("https://") ? 8 : 7) {
                    flush()
                    result.append(Segment(text: String(address), href: String(address), external: true))
                    rest = rest.dropFirst(address.count)
                    continue
                }
            }
            if first == "#", plain.last.map({ !$0.isLetter && !$0.isNumber }) ?? true {
                let digits = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
                if !digits.isEmpty, digits.count <= 9, rest.dropFirst(1 + digits.count).first.map({ !($0.isLetter || $0.isNumber) }) ?? true {
                    flush()
                    result.append(Segment(text: "#" + digits, href: "/issues/" + digits, external: false))
                    rest = rest.dropFirst(1 + digits.count)
                    continue
                }
            }
            plain.append(first)
            rest = rest.dropFirst()
        }
        flush()
        return result
    }
}
