import Foundation

/// Conversions between `Date` and the text PostgreSQL sends for timestamptz and date columns.
/// Every session runs with `TimeZone = UTC` (see `Connection`), so timestamps arrive as
/// `2026-11-25 20:06:07.123456+00`.
package enum PostgresDateFormat {
    package static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    package static func parseTimestamp(_ text: String) -> Date? {
        if let date = parseUTC(text) { return date }
        // A `date` column: "YYYY-MM-DD", midnight UTC.
        if text.utf8.count == 10 {
            return try? Date.ISO8601FormatStyle().year().month().day().parse(text)
        }
        // "YYYY-MM-DD HH:MM:SS[.ffffff]+00[:MM]"
        var iso = text.replacingOccurrences(of: " ", with: "T")
        if let sign = iso.lastIndex(where: { $0 == "+" || $0 == "-" }), sign > iso.index(iso.startIndex, offsetBy: 10) {
            let zone = iso[iso.index(after: sign)...]
            if zone.count == 2 { iso += ":00" }
        }
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let plain = Date.ISO8601FormatStyle()
        return (try? withFraction.parse(iso)) ?? (try? plain.parse(iso))
    }

    /// An ISO 8601 time from a query string: with or without fractional seconds, or a bare date.
    package static func parseISO8601(_ text: String) -> Date? {
        if text.utf8.count == 10 { return parseTimestamp(text) }
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return (try? Date.ISO8601FormatStyle().parse(text)) ?? (try? withFraction.parse(text))
    }

    /// The common case, parsed directly: "YYYY-MM-DD HH:MM:SS[.ffffff]+00" (every session is UTC).
    /// Foundation's parser costs tens of microseconds a value, which adds up over bulk reads.
    package static func parseUTC(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 22, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20, bytes[13] == 0x3A, bytes[16] == 0x3A,
            bytes[bytes.count - 3] == 0x2B, bytes[bytes.count - 2] == 0x30, bytes[bytes.count - 1] == 0x30
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        let end = bytes.count - 3
        if end > 19 {
            guard bytes[19] == 0x2E, end > 20, let digits = number(20..<end) else { return nil }
            fraction = Double(digits) / pow(10, Double(end - 20))
        }
        // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
        return Date(timeIntervalSince1970: seconds)
    }
}
