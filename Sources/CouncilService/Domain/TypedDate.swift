/// Dates and months as people in Japanese offices type them: `2026-03-31`, `2026/3/31`,
/// `2026年3月31日`, `R8.3.31`, `令和8年3月31日`, `令和元年5月1日`, `H31.4.30`; months the same without
/// the day. A year is always four digits or an era year: `26/3/31` and `3/31` are ambiguous and
/// refused, as are dates an era does not have (平成32年, 令和元年4月).
package enum TypedDate {
    /// The eras a migration date can fall in, with their first day.
    enum Era: CaseIterable {
        case heisei, reiwa

        var firstYear: Int { self == .heisei ? 1989 : 2019 }
        var names: [String] { self == .heisei ? ["平成", "H", "h"] : ["令和", "R", "r"] }
        var japaneseName: String { names[0] }
        /// First and last (year, month, day) of the era, Western.
        var span: (first: (Int, Int, Int), last: (Int, Int, Int)) {
            self == .heisei ? ((1989, 1, 8), (2019, 4, 30)) : ((2019, 5, 1), (9999, 12, 31))
        }
    }

    /// `2026-03-31` for any accepted form of a date; nil when it is not one.
    package static func isoDate(_ text: String) -> String? { CalendarDate(typed: text)?.rawValue }

    package static let dateForms = "2026-03-31, 2026/3/31, 令和8年3月31日 or R8.3.31"

    /// The common case on plain bytes: `2026-03`, `2026/3/31`, `2026.03.31` (what exports and
    /// workbook date cells give). `.some(nil)`: such a form, but no valid date; nil: another form.
    private static func parseWestern(_ bytes: String.UTF8View, withDay: Bool) -> (year: Int, month: Int, day: Int?)?? {
        var numbers = (0, 0, 0), digits = (0, 0, 0), part = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int(byte - UInt8(ascii: "0"))
                switch part {
                case 0: numbers.0 = numbers.0 * 10 + digit; digits.0 += 1
                case 1: numbers.1 = numbers.1 * 10 + digit; digits.1 += 1
                default: numbers.2 = numbers.2 * 10 + digit; digits.2 += 1
                }
            case UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "."):
                part += 1
                if part > 2 { return .some(nil) }
            default: return nil
            }
        }
        guard part == (withDay ? 2 : 1), digits.0 == 4, (1...2).contains(digits.1), !withDay || (1...2).contains(digits.2) else {
            return .some(nil)
        }
        let (year, month, day) = numbers
        guard (1900...2200).contains(year), (1...12).contains(month) else { return .some(nil) }
        if withDay, !CalendarDate.isValid(year: year, month: month, day: day) { return .some(nil) }
        return (year, month, withDay ? day : nil)
    }

    /// (year, month, day) with `day` nil for a month; nil when the text is not such a date.
    /// Plain Character comparisons: Foundation's string searching is slow on Linux, and this runs
    /// for every date cell of an import.
    static func parse(_ text: String, withDay: Bool) -> (year: Int, month: Int, day: Int?)? {
        if let western = parseWestern(text.utf8, withDay: withDay) { return western }
        var characters = Array(JapaneseText.normalized(text).filter { !$0.isWhitespace })
        var era: Era?
        for candidate in Era.allCases {
            if let name = candidate.names.first(where: { characters.starts(with: Array($0)) }) {
                era = candidate
                characters.removeFirst(name.count)
                break
            }
        }
        if characters.last == (withDay ? "日" : "月") { characters.removeLast() }
        let parts = characters.split(omittingEmptySubsequences: false) { "-/.年月日".contains($0) }
        guard parts.count == (withDay ? 3 : 2) else { return nil }
        var numbers: [Int] = []
        for (index, part) in parts.enumerated() {
            if index == 0, era != nil, String(part) == "元" {
                numbers.append(1)
                continue
            }
            guard (1...4).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(String(part)) else {
                return nil
            }
            // A Western year has four digits, an era year one or two, a month or day one or two.
            let allowed = index > 0 || era != nil ? 1...2 : 4...4
            guard allowed.contains(part.count) else { return nil }
            numbers.append(number)
        }
        var year = numbers[0]
        let month = numbers[1], day = withDay ? numbers[2] : nil
        guard (1...12).contains(month) else { return nil }
        if let day {
            guard CalendarDate.isValid(year: era.map { year + $0.firstYear - 1 } ?? year, month: month, day: day) else { return nil }
        }
        if let era {
            guard year >= 1 else { return nil }
            year += era.firstYear - 1
            let (first, last) = era.span
            // A month is in the era if any of its days is.
            let value = (year, month, day ?? 1), valueEnd = (year, month, day ?? 31)
            guard valueEnd >= first, value <= last else { return nil }
        }
        guard (1900...2200).contains(year) else { return nil }
        return (year, month, day)
    }
}

extension CalendarDate {
    /// A date as typed in a spreadsheet or on the command line (see `TypedDate`).
    init?(typed text: String) {
        guard let (year, month, day) = TypedDate.parse(text, withDay: true), let day else { return nil }
        self.init(rawValue: Self.iso(year, month, day))
    }

    static func iso(_ year: Int, _ month: Int, _ day: Int) -> String {
        String(year) + (month < 10 ? "-0" : "-") + String(month) + (day < 10 ? "-0" : "-") + String(day)
    }

    static func whyInvalidTyped(_ text: String) -> Reason {
        Reason("'\(text)' is not a date such as \(TypedDate.dateForms)", ja: "「\(text)」は日付ではありません（\(TypedDate.dateForms) のように書いてください）")
    }
}
