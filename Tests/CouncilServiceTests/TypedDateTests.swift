import Testing

@testable import CouncilService

/// Dates and months in every form Japanese offices type them; ambiguous or impossible ones refused.
@Suite struct TypedDateTests {
    @Test func everyFormOfADate() {
        for text in [
            "2026-03-31", "2026/3/31", "2026/03/31", "2026-3-31", "2026.3.31", "2026年3月31日", "R8.3.31", "r8/3/31",
            "令和8年3月31日", "令和８年３月３１日", "２０２６／３／３１", " 2026/3/31 ",
        ] {
            #expect(CalendarDate(typed: text)?.rawValue == "2026-03-31", "\(text)")
        }
        #expect(CalendarDate(typed: "令和元年5月1日")?.rawValue == "2019-05-01")
        #expect(CalendarDate(typed: "H31.4.30")?.rawValue == "2019-04-30")
        #expect(CalendarDate(typed: "平成31年4月30日")?.rawValue == "2019-04-30")
        #expect(CalendarDate(typed: "2028/2/29")?.rawValue == "2028-02-29")
    }

    @Test func ambiguousOrImpossibleDatesAreRefused() {
        for text in [
            "26/3/31", "3/31", "2026/3", "2026/2/30", "2026/13/1", "2026/0/1", "令和元年4月30日", "平成31年5月1日", "平成32年1月1日",
            "R0.1.1", "2026/3/31/1", "2026/003/31", "二〇二六年三月", "", "R8", "昭和64年1月7日", "0001/1/1",
        ] {
            #expect(CalendarDate(typed: text) == nil, "\(text)")
        }
    }

    @Test func everyFormOfAMonth() {
        for text in ["2026-03", "2026/3", "2026/03", "2026年3月", "令和8年3月", "R8.3", "R8/3", "2026.3"] {
            #expect(YearMonth(rawValue: text)?.rawValue == "2026-03", "\(text)")
        }
        #expect(YearMonth(rawValue: "令和元年5月")?.rawValue == "2019-05")
        #expect(YearMonth(rawValue: "平成31年4月")?.rawValue == "2019-04")
        for text in ["26/3", "3", "2026/13", "令和元年4月", "平成31年5月", "2026/3/31", "R8.3.31"] {
            #expect(YearMonth(rawValue: text) == nil, "\(text)")
        }
    }
}
