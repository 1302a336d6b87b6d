import Foundation

/// Conversions between `Date` and the text PostgreSQL sends for timestamptz and date columns.
/// Every session runs with `TimeZone = UTC` (see `Connection`), so timestamps arrive as
/// `2026-11-25 20:06:07.123456+00`.
enum PostgresDateFormat {
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    static func parseTimestamp(_ text: String) -> Date? {
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
    static func parseISO8601(_ text: String) -> Date? {
        if text.utf8.count == 10 { return parseTimestamp(text) }
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return (try? Date.ISO8601FormatStyle().parse(text)) ?? (try? withFraction.parse(text))
    }
}
