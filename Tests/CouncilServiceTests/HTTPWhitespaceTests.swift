import Testing

@testable import CouncilService

/// Header values lose HTTP's optional whitespace (spaces and tabs) and nothing else.
@Suite struct HTTPWhitespaceTests {
    @Test func spacesAndTabsAroundAreTrimmedAndNothingElse() {
        #expect(" \tcouncil_abc \t".trimmingHTTPWhitespace == "council_abc")
        #expect("a b".trimmingHTTPWhitespace == "a b")
        #expect("  ".trimmingHTTPWhitespace == "")
        #expect("".trimmingHTTPWhitespace == "")
        #expect(" 住民記録 ".trimmingHTTPWhitespace == "住民記録")
        // Not HTTP whitespace: kept, so a token with them is refused rather than mended.
        #expect("\u{3000}token\n".trimmingHTTPWhitespace == "\u{3000}token\n")
        #expect("x;q=0.5".split(separator: ";")[1].trimmingHTTPWhitespace == "q=0.5")
    }
}
