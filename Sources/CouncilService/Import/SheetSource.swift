import Foundation

/// What an uploaded spreadsheet was: CSV in UTF-8 or CP932, or an .xlsx workbook.
package enum SheetFormat: String, Codable, Sendable {
    case utf8, cp932, xlsx
}

/// An uploaded spreadsheet, told apart by its content, not its name: an .xlsx workbook (a ZIP
/// archive) or a CSV file in UTF-8 or CP932.
enum SheetSource: Sendable {
    case csv(text: String, encoding: CSVTextEncoding)
    case workbook([WorkbookReader.Sheet])

    /// Why an upload is neither: what to do about it, said plainly.
    struct Unreadable: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    static func read(_ data: Data, encoding: CSVTextEncoding) throws(Unreadable) -> SheetSource {
        if WorkbookArchive.isZIP(data) {
            do {
                var reader = try WorkbookReader(data)
                return .workbook(try reader.readAll())
            } catch {
                throw Unreadable(description: error.description)
            }
        }
        // An OLE compound file: Excel 97–2003 (.xls), or any workbook saved with a password.
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            throw Unreadable(
                description: "the file is an .xls workbook or one protected by a password; save it as .xlsx (without a password) or as CSV")
        }
        do {
            let decoded = try encoding.decode(data)
            return .csv(text: decoded.text, encoding: decoded.encoding)
        } catch {
            throw Unreadable(description: error.description + "; an .xlsx workbook or a CSV file is expected")
        }
    }

    var format: SheetFormat {
        switch self {
        case .csv(_, let encoding): encoding == .cp932 ? .cp932 : .utf8
        case .workbook: .xlsx
        }
    }

    /// The table whose header has every one of `columns`: a workbook's first such sheet (its
    /// first sheet when none has them, so the missing columns are named).
    func table(having columns: [String]) throws(ImportRejected) -> SheetTable {
        switch self {
        case .csv(let text, _):
            return try SheetTable(csv: text, headerHaving: columns)
        case .workbook(let sheets):
            let sheet = sheets.first { Self.has(columns, $0) } ?? sheets[0]
            return try SheetTable(records: sheet.records, headerHaving: columns)
        }
    }

    /// A further sheet of a workbook whose header has `columns` but none of `without` (MIC's
    /// 政令指定都市 sheet beside its list); nil for a CSV file or when there is none.
    func sheet(having columns: [String], without: [String]) throws(ImportRejected) -> (name: String, table: SheetTable)? {
        guard case .workbook(let sheets) = self,
            let sheet = sheets.first(where: { sheet in Self.has(columns, sheet) && !without.contains { Self.has([$0], sheet) } })
        else { return nil }
        return (sheet.name, try SheetTable(records: sheet.records, headerHaving: columns))
    }

    private static func has(_ columns: [String], _ sheet: WorkbookReader.Sheet) -> Bool {
        let keys = Set(columns.map(SheetTable.key))
        return sheet.records.prefix(SheetTable.headerSearchRows).contains { Set($0.fields.map(SheetTable.key)).isSuperset(of: keys) }
    }
}
