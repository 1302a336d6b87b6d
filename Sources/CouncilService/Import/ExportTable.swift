import Foundation

/// A cell of an exported table, typed, so each format writes it right: a workbook stores dates as
/// dates and codes as text (leading zeros kept); CSV writes them as the imports read them.
enum SheetCell: Sendable, Equatable {
    case text(String)
    /// 団体コード, 法人番号, #番号: text in every format, never a number.
    case code(String)
    case number(Decimal)
    case date(CalendarDate)
    case month(YearMonth)
    case time(Date)
    case empty

    static func text(_ text: String?) -> SheetCell { text.map(SheetCell.text) ?? .empty }
    static func date(_ date: CalendarDate?) -> SheetCell { date.map(SheetCell.date) ?? .empty }
    static func month(_ month: YearMonth?) -> SheetCell { month.map(SheetCell.month) ?? .empty }
    static func number(_ number: Int) -> SheetCell { .number(Decimal(number)) }

    static let japanTime = TimeZone(identifier: "Asia/Tokyo")!
    static let isoInJapan = Date.ISO8601FormatStyle(timeZone: japanTime)

    /// The cell as CSV writes it: dates `2026-03-31`, months `2026-03`, times in Japan time.
    var csvText: String {
        switch self {
        case .text(let text), .code(let text): text
        case .number(let number): "\(number)"
        case .date(let date): date.rawValue
        case .month(let month): month.rawValue
        case .time(let time): time.formatted(Self.isoInJapan)
        case .empty: ""
        }
    }
}

/// An export: a header of Japanese labels and typed rows, with the drop-down lists a column
/// offers (the accepted labels) when it is a template to fill in.
struct ExportTable: Sendable {
    let sheetName: String
    let header: [String]
    let rows: [[SheetCell]]
    /// Column index → the labels a cell may take (a workbook offers them as a drop-down list).
    var choices: [Int: [String]] = [:]
}

/// The formats an export is written in: `format=csv` (default; `encoding` utf8 or cp932) or `xlsx`.
enum ExportFormat: String, Sendable, CaseIterable {
    case csv, xlsx
}
