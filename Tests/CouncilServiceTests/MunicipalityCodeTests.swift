import Foundation
import Testing

@testable import CouncilService

@Suite struct MunicipalityCodeTests {
    @Test func acceptsTheDocumentedExamples() throws {
        for text in ["131016", "011002", "011011", "011070", "010006", "130001"] {
            #expect(try MunicipalityCode(validating: text).rawValue == text)
        }
        #expect(try MunicipalityCode(validating: "131016").prefecture.rawValue == "13")
        #expect(try MunicipalityCode(validating: "130001").isPrefecture)
        #expect(try !MunicipalityCode(validating: "131016").isPrefecture)
    }

    @Test func refusesBadFormatAndCheckDigit() {
        #expect(throws: MunicipalityCode.Invalid.checkDigit("131015", expected: 6)) { try MunicipalityCode(validating: "131015") }
        for text in ["", "13101", "1310166", "13101a", "１３１０１６", " 131016", "481009", "001007"] {
            #expect(throws: MunicipalityCode.Invalid.self) { try MunicipalityCode(validating: text) }
        }
    }

    @Test func prefectureCodesCarryTheirOwnDantaiCode() {
        #expect(PrefectureCode(rawValue: "1")?.municipalityCode.rawValue == "010006")
        #expect(PrefectureCode(rawValue: "13")?.municipalityCode.rawValue == "130001")
        #expect(PrefectureCode(rawValue: "0") == nil)
        #expect(PrefectureCode(rawValue: "48") == nil)
        #expect(PrefectureCode(rawValue: "１") == nil)
    }

    /// Every code of the national file (1,788 団体) validates.
    @Test func everyCodeInTheNationalFileValidates() throws {
        let codes = try nationalCodes()
        #expect(codes.count == 1788)
        for code in codes {
            #expect(throws: Never.self) { try MunicipalityCode(validating: code) }
        }
    }

    /// Every single-digit corruption of a sample of real codes is rejected, except the ones the
    /// official formula cannot see: a weighted sum whose remainder moves between 0 and 10 (both
    /// give check digit 1). Those are counted separately so the blind spot is explicit.
    @Test func singleDigitCorruptionsOfASampleAreRejected() throws {
        let sample = try nationalCodes().enumerated().filter { $0.offset % 25 == 0 }.map(\.element)
        var rejected = 0
        var formulaBlindSpots = 0
        for code in sample {
            let digits = Array(code)
            for position in 0..<6 {
                for replacement in "0123456789" where replacement != digits[position] {
                    var corrupted = digits
                    corrupted[position] = replacement
                    let text = String(corrupted)
                    let accepted = (try? MunicipalityCode(validating: text)) != nil
                    if accepted {
                        // Only an undetectable change in the first five digits may pass.
                        #expect(position < 5, "check digit corruption \(text) of \(code) accepted")
                        #expect(Set([remainder(code), remainder(text)]) == Set([0, 10]), "\(text) of \(code) accepted")
                        formulaBlindSpots += 1
                    } else {
                        rejected += 1
                    }
                }
            }
        }
        #expect(sample.count > 60)
        #expect(rejected > 0)
        // With weights 6..2 and remainders uniformly spread, the blind spot is small.
        #expect(Double(formulaBlindSpots) < Double(rejected) * 0.05)
    }

    private func remainder(_ code: String) -> Int {
        zip(code.prefix(5).map { Int(String($0))! }, [6, 5, 4, 3, 2]).reduce(0) { $0 + $1.0 * $1.1 } % 11
    }

    private func nationalCodes() throws -> [String] {
        let text = try CSVTextEncoding.auto.decode(try TestFiles.sharedData("dantai-code-utf8.csv")).text
        return try CSVReader.records(in: text).dropFirst().map { $0.fields[0] }
    }
}
