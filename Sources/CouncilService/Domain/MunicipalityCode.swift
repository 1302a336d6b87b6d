import CouncilDatabase

/// A 全国地方公共団体コード: 2-digit prefecture + 3 digits + check digit. Construction checks the
/// format and the check digit, so a value of this type is always a valid code.
package struct MunicipalityCode: Hashable, Comparable, ValidatedText, PostgresRawTextEncodable, PostgresDecodable {
    package let rawValue: String

    package enum Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        case format(String)
        case checkDigit(String, expected: Int)

        package var description: String {
            switch self {
            case .format(let text):
                return "'\(text)' is not a 団体コード: expected 6 digits (2-digit prefecture, 3 digits, check digit)"
            case .checkDigit(let text, let expected):
                return "'\(text)' fails the 団体コード check digit: the last digit should be \(expected)"
            }
        }
    }

    package init(validating text: String) throws(Invalid) {
        // One pass over the bytes, nothing allocated: every code read from a sheet or from the
        // database comes through here (34,592 of each on a national import).
        guard text.utf8.count == 6 else { throw .format(text) }
        var weighted = 0, prefecture = 0, last = 0, position = 0
        for byte in text.utf8 {
            let digit = Int(byte) &- 48
            guard (0...9).contains(digit) else { throw .format(text) }
            if position < 2 { prefecture = prefecture * 10 + digit }
            if position < 5 { weighted += digit * Self.weights[position] } else { last = digit }
            position += 1
        }
        let expected = (11 - weighted % 11) % 10
        guard last == expected else { throw .checkDigit(text, expected: expected) }
        guard (1...47).contains(prefecture) else { throw .format(text) }
        self.rawValue = text
    }

    private static let weights = [6, 5, 4, 3, 2]

    package init?(rawValue: String) {
        try? self.init(validating: rawValue)
    }

    package init?(postgresText: String) {
        self.init(rawValue: postgresText)
    }

    /// `(11 - (6a + 5b + 4c + 3d + 2e) mod 11) mod 10`.
    package static func checkDigit<Digits: Collection<Int>>(_ firstFive: Digits) -> Int {
        let weighted = zip(firstFive, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return (11 - weighted % 11) % 10
    }

    /// The prefecture the code belongs to.
    package var prefecture: PrefectureCode { PrefectureCode(uncheckedRawValue: String(rawValue.prefix(2))) }

    /// Prefectures' own codes end in 000 before the check digit (e.g. 130001 東京都).
    package var isPrefecture: Bool { rawValue.dropFirst(2).prefix(3) == "000" }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    package static func whyInvalid(_ text: String) -> Reason {
        let japanese = "「\(text)」は団体コードではありません（都道府県2桁・市区町村3桁・検査数字1桁の6桁。先頭の0が落ちた5桁も可）"
        do {
            _ = try MunicipalityCode(validating: text)
            return Reason("'\(text)' is not a 団体コード", ja: japanese)
        } catch .checkDigit(_, let expected) {
            return Reason(Invalid.checkDigit(text, expected: expected).description, ja: "「\(text)」は団体コードの検査数字が合いません（最後の桁は\(expected)のはずです）")
        } catch {
            return Reason(error.description, ja: japanese)
        }
    }
}
