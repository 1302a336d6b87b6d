import Foundation
import Testing

@testable import CouncilService

/// The pieces of the .xlsx reader: the XML scanner, serial dates, number formats, cell references.
@Suite struct WorkbookReaderTests {
    func events(_ xml: String) throws -> [String] {
        var out: [String] = []
        try XMLScanner.scan(Array(xml.utf8)) { event in
            switch event {
            case .start(let name, let attributes): out.append("<\(name)" + attributes.map { " \($0.name)=\($0.value)" }.joined() + ">")
            case .end(let name): out.append("</\(name)>")
            case .text(let text): out.append(text)
            }
        }
        return out
    }

    @Test func scannerReadsWhatWritersWrite() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <!-- a comment --><x:sst xmlns:x="urn:x" count='2'><x:si><x:t xml:space="preserve"> a &lt;&amp;&gt; &quot;b&apos; &#x9AD9;&#39635;</x:t></x:si><si><t><![CDATA[<raw> & ]]></t><t/></si></x:sst>
            """
        let seen = try events(xml)
        #expect(
            seen == [
                "<sst x=urn:x count=2>", "<si>", "<t space=preserve>", " a <&> \"b' 髙髓", "</t>", "</si>", "<si>", "<t>", "<raw> & ",
                "</t>", "<t>", "</t>", "</si>", "</sst>",
            ], "\(seen)")
    }

    @Test func scannerRefusesWhatNoWorkbookHas() {
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        for xml in [
            "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>", deep, "<a><b></a>", "<a>&unknown;</a>", "<a x=1/>", "<a>", "</a>",
            "<a><!-- open", "<a>&#0;</a>",
        ] {
            #expect(throws: XMLScanner.Malformed.self, "\(xml.prefix(40))") { _ = try events(xml) }
        }
    }

    @Test func serialDatesIncludingThe1900LeapYearQuirk() {
        #expect(ExcelSerialDate.iso(1, date1904: false) == "1900-01-01")
        #expect(ExcelSerialDate.iso(59, date1904: false) == "1900-02-28")
        #expect(ExcelSerialDate.iso(60, date1904: false) == nil)  // 1900-02-29, which never was
        #expect(ExcelSerialDate.iso(61, date1904: false) == "1900-03-01")
        #expect(ExcelSerialDate.iso(46112, date1904: false) == "2026-03-31")
        #expect(ExcelSerialDate.iso(46112.75, date1904: false) == "2026-03-31")
        #expect(ExcelSerialDate.iso(46112 - 1462, date1904: true) == "2026-03-31")
        #expect(ExcelSerialDate.iso(0, date1904: false) == nil && ExcelSerialDate.iso(-3, date1904: false) == nil)
        #expect(ExcelSerialDate.iso(.nan, date1904: false) == nil && ExcelSerialDate.iso(1e12, date1904: false) == nil)
        for (year, month, day) in [(1900, 1, 1), (1900, 2, 28), (1900, 3, 1), (2019, 5, 1), (2026, 3, 31), (2028, 2, 29)] {
            let serial = ExcelSerialDate.serial(year: year, month: month, day: day)
            #expect(ExcelSerialDate.iso(Double(serial), date1904: false) == CalendarDate.iso(year, month, day))
        }
    }

    @Test func numberFormatsTellDatesAndPercentages() {
        #expect(ExcelNumberFormat.builtIn(14) == .date && ExcelNumberFormat.builtIn(57) == .date)
        #expect(ExcelNumberFormat.builtIn(0) == .number && ExcelNumberFormat.builtIn(9) == .percent)
        for code in ["yyyy/m/d", "[$-ja-JP-x-gannen]ggge\"年\"m\"月\"d\"日\"", "yyyy\"年\"m\"月\"", "[$-411]ge.m.d", "d-mmm-yy"] {
            #expect(ExcelNumberFormat.custom(code) == .date, "\(code)")
        }
        for code in ["0.00", "#,##0", "h:mm", "\"day\"0", "[Red]0.0", "@"] {
            #expect(ExcelNumberFormat.custom(code) == .number, "\(code)")
        }
        #expect(ExcelNumberFormat.custom("0.0%") == .percent)
    }

    @Test func cellReferences() {
        #expect(WorkbookReader.reference("A1")! == (1, 0))
        #expect(WorkbookReader.reference("$AB$12")! == (12, 27))
        #expect(WorkbookReader.reference("XFD1048576")! == (1_048_576, 16_383))
        for bad in ["1A", "A", "12", "ABCD1", "A12345678", "a1"] { #expect(WorkbookReader.reference(bad) == nil, "\(bad)") }
    }
}
