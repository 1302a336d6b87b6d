import CouncilDatabase
import Foundation

/// A calendar date, `YYYY-MM-DD` (PostgreSQL `date`).
struct CalendarDate: Hashable, Comparable, ValidatedText, PostgresRawTextEncodable, PostgresDecodable {
    let rawValue: String

    init?(rawValue: String) {
        let parts = rawValue.split(separator: "-", omittingEmptySubsequences: false)
        guard rawValue.utf8.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1900...2200).contains(year), CalendarDate.isValid(year: year, month: month, day: day)
        else { return nil }
        self.rawValue = rawValue
    }

    init?(postgresText: String) { self.init(rawValue: postgresText) }
    static func whyInvalid(_ text: String) -> Reason {
        Reason("'\(text)' is not a date YYYY-MM-DD", ja: "「\(text)」は日付（YYYY-MM-DD）ではありません")
    }
    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }
}

/// A month, `YYYY-MM`; stored as the first day of the month. Parses what people type in
/// spreadsheets: `2025-10`, `2025/10`, `2025年10月`, `令和7年10月`, `R7.10` (see `TypedDate`).
struct YearMonth: Hashable, Comparable, ValidatedText, PostgresEncodable, PostgresDecodable {
    let rawValue: String

    init?(rawValue: String) {
        guard let (year, month, _) = TypedDate.parse(rawValue, withDay: false) else { return nil }
        self.rawValue = String(year) + (month < 10 ? "-0" : "-") + String(month)
    }

    init?(postgresText: String) { self.init(rawValue: String(postgresText.prefix(7))) }
    var postgresText: String { rawValue + "-01" }
    static func whyInvalid(_ text: String) -> Reason {
        Reason(
            "'\(text)' is not a month such as 2026-03, 2026/3, 令和8年3月 or R8.3",
            ja: "「\(text)」は年月ではありません（2026-03、2026/3、令和8年3月、R8.3 のように書いてください）")
    }
    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Days since 1970-01-01 as a proleptic Gregorian date (Howard Hinnant's `civil_from_days`):
/// Excel's serial dates and Japan time on the pages are both counted in days.
enum CivilDays {
    static func date(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
