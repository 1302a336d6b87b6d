import Foundation
import Testing

@testable import CouncilService

@Suite struct CSVReaderTests {
    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let text = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\r\nline\",x,\r\nlast,row,here"
        let records = try CSVReader.records(in: text)
        #expect(
            records == [
                SheetRecord(line: 1, fields: ["a", "b,c", "say \"hi\""]),
                SheetRecord(line: 2, fields: ["multi\nline", "x", ""]),
                SheetRecord(line: 4, fields: ["last", "row", "here"]),
            ])
    }

    @Test func lineNumbersFollowPhysicalLinesAndSkipBlankLines() throws {
        let records = try CSVReader.records(in: "h1,h2\n\n1,2\n\"a\nb\nc\",3\n4,5\n")
        #expect(records.map(\.line) == [1, 3, 4, 7])
    }

    @Test func lfAndCrlfAndLoneCrAllEndRecords() throws {
        #expect(try CSVReader.records(in: "a\nb\r\nc\rd").map(\.fields) == [["a"], ["b"], ["c"], ["d"]])
    }

    @Test func unterminatedQuoteIsReportedWithItsLine() {
        #expect(throws: CSVSyntaxError(line: 2, reason: SheetReason.csvUnclosedQuote)) {
            try CSVReader.records(in: "ok,row\n\"never closed,\nmore")
        }
        #expect(throws: CSVSyntaxError.self) { try CSVReader.records(in: "a\"b,c") }
        #expect(throws: CSVSyntaxError.self) { try CSVReader.records(in: "\"a\"b,c") }
    }

    @Test func utf8WithAndWithoutBOM() throws {
        let body = Data("団体コード,名\r\n131016,千代田区\r\n".utf8)
        let withBOM = Data([0xEF, 0xBB, 0xBF]) + body
        let plain = try CSVTextEncoding.auto.decode(body)
        let bom = try CSVTextEncoding.auto.decode(withBOM)
        #expect(plain.encoding == .utf8 && bom.encoding == .utf8)
        #expect(plain.text == bom.text)
        #expect(bom.text.hasPrefix("団体コード"))
    }

    @Test func cp932IsDetectedIncludingVendorExtensions() throws {
        let original = "団体コード,名称\r\n131016,千代田区 ①髙ｶﾅ\r\n"
        let bytes = try #require(original.data(using: .shiftJIS))
        let decoded = try CSVTextEncoding.auto.decode(bytes)
        #expect(decoded.encoding == .cp932)
        #expect(decoded.text == original)
        #expect(try CSVTextEncoding.cp932.decode(bytes).text == original)
        #expect(throws: CSVTextEncoding.Undecodable.self) { try CSVTextEncoding.utf8.decode(bytes) }
    }

    @Test func theNationalFileDecodesTheSameInBothEncodings() throws {
        let utf8 = try CSVTextEncoding.auto.decode(try TestFiles.sharedData("dantai-code-utf8.csv"))
        let cp932 = try CSVTextEncoding.auto.decode(try TestFiles.sharedData("dantai-code-cp932.csv"))
        #expect(utf8.encoding == .utf8 && cp932.encoding == .cp932)
        #expect(try CSVReader.records(in: utf8.text) == CSVReader.records(in: cp932.text))
    }
}
