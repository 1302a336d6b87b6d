import Foundation

/// Normalization of Japanese text. Free text is kept as typed (`typed`); only the keys used to
/// match and search (codes, labels, name uniqueness, search keys) are NFKC-normalized, so
/// ①, ㈱, （） and 髙 reach the handout and exports as people wrote them.
enum JapaneseText {
    /// Free text as typed: line endings made LF and NFC (the form every input method produces for
    /// Japanese; a decomposed が from a Mac becomes the same character), nothing else.
    static func typed(_ text: String) -> String {
        var text = text
        if text.utf8.contains(0x0D) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        return text.precomposedStringWithCanonicalMapping
    }

    /// Text as typed without surrounding white space (titles, names, comments, answers).
    static func typedTrimmed(_ text: String) -> String {
        // Empty and ASCII cells (most of a spreadsheet's) skip Foundation's trimming, which goes
        // through NSString: 3 % of a national import's time in the daemon.
        if text.isEmpty { return text }
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return trimmedASCII(typed(text)) }
        return typed(text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// ASCII text without surrounding ASCII white space.
    private static func trimmedASCII(_ text: String) -> String {
        let bytes = text.utf8
        guard let first = bytes.firstIndex(where: { !isASCIISpace($0) }) else { return "" }
        let last = bytes.lastIndex(where: { !isASCIISpace($0) })!
        return String(text.utf8[first...last])!
    }

    /// The matching form (codes, labels, headers, names compared). NFKC: half-width katakana
    /// become full-width (ｻｯﾎﾟﾛ → サッポロ), full-width ASCII becomes ASCII; surrounding white space
    /// is dropped. The extra NFC pass is needed because Foundation
    /// on Linux leaves ﾎﾟ as ホ + combining ゚ instead of composing ポ.
    static func normalized(_ text: String) -> String {
        // Plain ASCII (codes, dates, slugs: most spreadsheet cells) is already in NFKC.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return trimmedASCII(text) }
        return text.precomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// The form used to match names and readings: NFKC, then hiragana folded to katakana, so
    /// 札幌, サッポロ, さっぽろ and ｻｯﾎﾟﾛ all meet.
    static func searchKey(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in normalized(text).unicodeScalars {
            // ぁ (U+3041) … ゖ (U+3096), ゝゞ (U+309D-E) → the katakana 0x60 above.
            if (0x3041...0x3096).contains(scalar.value) || (0x309D...0x309E).contains(scalar.value),
                let katakana = Unicode.Scalar(scalar.value + 0x60)
            {
                scalars.append(katakana)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
