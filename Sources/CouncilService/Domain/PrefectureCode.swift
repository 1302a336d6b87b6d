import CouncilDatabase

/// JIS X 0401 prefecture code, "01" (北海道) to "47" (沖縄県).
package struct PrefectureCode: Hashable, Comparable, ValidatedText, PostgresRawTextEncodable, PostgresDecodable {
    package let rawValue: String

    /// Accepts "1"…"47" or "01"…"47".
    package init?(rawValue: String) {
        guard rawValue.count <= 2, rawValue.allSatisfy(\.isASCII), let number = Int(rawValue), (1...47).contains(number) else {
            return nil
        }
        self.rawValue = number < 10 ? "0\(number)" : String(number)
    }

    init(uncheckedRawValue: String) {
        self.rawValue = uncheckedRawValue
    }

    package init?(postgresText: String) { self.init(rawValue: postgresText) }

    /// The prefecture's own 団体コード: code + "000" + check digit.
    package var municipalityCode: MunicipalityCode {
        let digits = (rawValue + "000").utf8.map { Int($0) - 48 }
        return MunicipalityCode(rawValue: rawValue + "000" + String(MunicipalityCode.checkDigit(digits)))!
    }

    package static func whyInvalid(_ text: String) -> Reason {
        Reason("'\(text)' is not a prefecture code 01-47", ja: "「\(text)」は都道府県コード（01〜47）ではありません")
    }
    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
