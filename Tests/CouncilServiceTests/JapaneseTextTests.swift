@testable import CouncilService
import Testing

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
