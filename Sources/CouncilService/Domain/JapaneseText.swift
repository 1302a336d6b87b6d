import Foundation

/// Normalization of Japanese text for storage and search.
enum JapaneseText {
    /// NFKC: half-width katakana become full-width (ｻｯﾎﾟﾛ → サッポロ), full-width ASCII becomes
    /// ASCII; surrounding white space is dropped. The extra NFC pass is needed because Foundation
    /// on Linux leaves ﾎﾟ as ホ + combining ゚ instead of composing ポ.
    static func normalized(_ text: String) -> String {
        // Plain ASCII (codes, dates, slugs: most spreadsheet cells) is already in NFKC.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            let bytes = text.utf8
            guard let first = bytes.firstIndex(where: { !isASCIISpace($0) }) else { return "" }
            let last = bytes.lastIndex(where: { !isASCIISpace($0) })!
            return String(text.utf8[first...last])!
        }
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
