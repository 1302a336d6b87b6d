import Foundation
import Testing

@testable import CouncilService

@Suite struct JapaneseTextTests {
    @Test func halfWidthKanaBecomesComposedFullWidth() {
        #expect(JapaneseText.normalized("ｻｯﾎﾟﾛｼ") == "サッポロシ")
        #expect(JapaneseText.normalized("ｶﾞｷﾞｸﾞｹﾞｺﾞ ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ ｳﾞ") == "ガギグゲゴ パピプペポ ヴ")
        #expect(JapaneseText.normalized("ﾎﾟ").unicodeScalars.count == 1)
        #expect(JapaneseText.normalized("  ＡＢＣ１２３ ") == "ABC123")
    }

    @Test func searchKeysMeetAcrossScripts() {
        let keys = ["サッポロ", "さっぽろ", "ｻｯﾎﾟﾛ"].map(JapaneseText.searchKey)
        #expect(Set(keys) == ["サッポロ"])
        #expect(JapaneseText.searchKey("札幌") == "札幌")
        #expect(JapaneseText.searchKey("ゔぁゝ") == "ヴァヽ")
    }

    @Test func businessAreasAreFoundBySlugNameOrAlias() {
        #expect(BusinessArea(matching: "juki") == .juki)
        #expect(BusinessArea(matching: "住民記録") == .juki)
        #expect(BusinessArea(matching: "戸籍附票") == .kosekiFuhyo)
        #expect(BusinessArea(matching: "子ども・子育て支援") == .kosodate)
        #expect(BusinessArea(matching: "介護") == nil)
    }
}

@Suite struct ASCIIFastPathTests {
    @Test func asciiFastPathMatchesTheFullNormalization() {
        for text in ["  011002 ", "\t2026-03\r\n", "", "   ", "juki", "A B"] {
            #expect(JapaneseText.normalized(text) == text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Free text keeps what was typed and loses only surrounding white space, ASCII or not.
    @Test func typedTextIsTrimmedTheSameWithOrWithoutTheASCIIFastPath() {
        for text in ["  note\t", "\r\n a\r\nb \r\n", "", "   ", "\u{3000}備考\u{3000}", " ①次移行 ", "x"] {
            let expected = JapaneseText.typed(text).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(JapaneseText.typedTrimmed(text) == expected, "\(text.debugDescription)")
        }
        #expect(JapaneseText.typedTrimmed("\r\n a\r\nb \r\n") == "a\nb")
    }
}

@Suite struct CalendarTests {
    @Test func monthsParseTheWaysPeopleWriteThem() {
        for (text, expected) in [
            ("2026-03", "2026-03"), ("2026/3", "2026-03"), ("2026年3月", "2026-03"), ("令和8年3月", "2026-03"),
            ("R8.3", "2026-03"), ("２０２６－０３", "2026-03"), (" 2025-12 ", "2025-12"),
        ] {
            #expect(YearMonth(rawValue: text)?.rawValue == expected, "\(text)")
        }
        for text in ["2026-13", "2026", "来年", "2026-03-01", "令和100年1月", "1800-01"] {
            #expect(YearMonth(rawValue: text) == nil, "\(text)")
        }
        #expect(CalendarDate(rawValue: "2024-02-29") != nil && CalendarDate(rawValue: "2026-02-29") == nil)
    }
}
