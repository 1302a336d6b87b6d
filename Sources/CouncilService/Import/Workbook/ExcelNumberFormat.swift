/// What a cell's number format says its number is: a date (a serial day count), a percentage, or
/// a plain number. Excel stores dates as numbers and tells them apart only by the format.
enum ExcelNumberFormat: Sendable, Equatable {
    case number
    case date
    case percent

    /// Built-in format ids: 14–22 and 45–47 are dates and times in every locale; 27–36 and
    /// 50–58 are the Japanese era and 年月日 formats Excel uses under a Japanese locale.
    static func builtIn(_ id: Int) -> ExcelNumberFormat {
        switch id {
        case 14...17, 22, 27...36, 50...58: .date
        case 9, 10: .percent
        default: .number
        }
    }

    /// A custom format code: a date when, outside quoted text, escapes and `[...]` sections, it has
    /// a year, month-or-minute, day or era token (`yyyy/m/d`, `ggge"年"m"月"d"日"`, `[$-411]…`).
    /// A time-only format (`h:mm`) stays a number; `%` outside quotes makes a percentage.
    static func custom(_ code: String) -> ExcelNumberFormat {
        var hasDate = false, hasPercent = false
        var inQuotes = false, inBrackets = false, escaped = false
        for character in code.lowercased() {
            if escaped {
                escaped = false
                continue
            }
            if character == "\"" {
                inQuotes.toggle()
                continue
            }
            guard !inQuotes else { continue }
            switch character {
            case "\\": escaped = true
            case "[": inBrackets = true
            case "]": inBrackets = false
            case "y", "d", "e", "g": hasDate = hasDate || !inBrackets
            case "%": hasPercent = hasPercent || !inBrackets
            default: break
            }
        }
        if hasDate { return .date }
        return hasPercent ? .percent : .number
    }
}

/// Excel's serial dates: days since 1899-12-30 in the 1900 system, where serial 60 is the
/// 1900-02-29 Lotus 1-2-3 invented (so days before it are one off); days since 1904-01-01 in the
/// 1904 system old Mac workbooks use.
enum ExcelSerialDate {
    /// `YYYY-MM-DD` for a serial (its time of day dropped); nil outside 1900–9999 or for the day
    /// that never was.
    static func iso(_ serial: Double, date1904: Bool) -> String? {
        guard serial.isFinite, serial >= 1, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        if date1904 {
            days += 1_462
        } else {
            if days == 60 { return nil }
            if days < 60 { days += 1 }
        }
        // Days since 1899-12-30 → days since 1970-01-01 → civil date.
        let (year, month, day) = CivilDays.date(days - 25_569)
        guard (1900...9999).contains(year) else { return nil }
        return CalendarDate.iso(year, month, day)
    }

    /// The serial of a date (1900 system), for writing workbooks.
    static func serial(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let daysSince1970 = era * 146_097 + dayOfEra - 719_468
        let serial = daysSince1970 + 25_569
        return serial <= 60 ? serial - 1 : serial
    }
}
