import Foundation

/// Dates, times and numbers as a person in Japan reads them: Japan time, 2026年3月31日 in
/// Japanese (2026-03-31 in English), thousands separated.
enum PageFormat {
    private static let japan = TimeZone(identifier: "Asia/Tokyo")!

    private static func calendar() -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = japan
        return calendar
    }

    static func dateTime(_ date: Date, _ language: PageLanguage) -> String {
        let (y, m, d, h, min) = japanFields(date)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        let time = "\(h):\(two(min))"
        return language == .ja ? "\(y)年\(m)月\(d)日 \(time)" : "\(y)-\(two(m))-\(two(d)) " + time
    }

    /// A time's year, month, day, hour and minute in Japan. Japan time has been UTC+9 without
    /// daylight saving since 1952, so they come from arithmetic (`CivilDays`) rather than from a
    /// `Calendar` made and asked for every row of a page (a fifteenth of the issue list's CPU);
    /// earlier times ask the calendar.
    static func japanFields(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        let seconds = date.timeIntervalSince1970
        guard seconds >= -568_080_000, seconds < 1e12 else {  // 1952-01-01 and 33,658 AD
            let parts = calendar().dateComponents([.year, .month, .day, .hour, .minute], from: date)
            return (parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!)
        }
        let local = Int(seconds.rounded(.down)) + 9 * 3600
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let second = local - days * 86_400
        let (year, month, day) = CivilDays.date(days)
        return (year, month, day, second / 3_600, second % 3_600 / 60)
    }

    static func date(_ date: CalendarDate, _ language: PageLanguage) -> String {
        let parts = date.rawValue.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, language == .ja else { return date.rawValue }
        return "\(parts[0])年\(parts[1])月\(parts[2])日"
    }

    /// A migration month as the Digital Agency writes it: 令和8年3月（2026年3月）; 2026-03 in English.
    static func month(_ month: YearMonth, _ language: PageLanguage) -> String {
        let parts = month.rawValue.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, language == .ja else { return month.rawValue }
        let (year, number) = (parts[0], parts[1])
        let western = "\(year)年\(number)月"
        // The era the month begins in (TypedDate's eras: 平成 and 令和).
        guard let era = TypedDate.Era.allCases.last(where: { (year, number) >= ($0.span.first.0, $0.span.first.1) }) else { return western }
        let eraYear = year - era.firstYear + 1
        return "\(era.japaneseName)\(eraYear == 1 ? "元" : String(eraYear))年\(number)月（\(western)）"
    }

    /// A meeting's date as the Digital Agency's handouts print it: 令和8年12月10日（2026年12月10日）;
    /// 2026-12-10 in English.
    static func eraDate(_ date: CalendarDate, _ language: PageLanguage) -> String {
        let parts = date.rawValue.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, language == .ja else { return date.rawValue }
        let (year, month, day) = (parts[0], parts[1], parts[2])
        let western = "\(year)年\(month)月\(day)日"
        guard let era = TypedDate.Era.allCases.last(where: { (year, month, day) >= $0.span.first }) else { return western }
        let eraYear = year - era.firstYear + 1
        return "\(era.japaneseName)\(eraYear == 1 ? "元" : String(eraYear))年\(month)月\(day)日（\(western)）"
    }

    /// The moment a day ends in Japan (the next day's 0:00 JST): "until 2027/3/31" includes the 31st.
    static func endOfDayInJapan(_ date: CalendarDate) -> Date {
        let parts = date.rawValue.split(separator: "-").compactMap { Int($0) }
        let start = calendar().date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
        return calendar().date(byAdding: .day, value: 1, to: start)!
    }

    static func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }
}
