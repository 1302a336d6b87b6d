/// One row of a spreadsheet and where a person finds it: the physical line a CSV record starts
/// on (as an editor shows it), or a workbook's row number (as Excel shows it).
struct SheetRecord: Sendable, Equatable {
    let line: Int
    let fields: [String]
}

/// A spreadsheet with a header row — a CSV file or a workbook's sheet — read by column name
/// (NFKC, white space and line breaks ignored).
struct SheetTable {
    let header: SheetRecord
    let records: [SheetRecord]
    private let positions: [String: Int]

    /// A CSV file's text.
    init(csv text: String, headerHaving columns: [String] = []) throws(ImportRejected) {
        let all: [SheetRecord]
        do {
            all = try CSVReader.records(in: text)
        } catch {
            throw ImportRejected(problems: [ImportProblem(line: error.line, column: nil, error.reason)])
        }
        try self.init(records: all, headerHaving: columns)
    }

    /// How far down a header row is looked for, below titles and notes people put above it.
    static let headerSearchRows = 20

    /// Rows read from any format. The header is the first row that has every one of `columns`
    /// (within the first rows: a sheet often starts with a title), else the first row.
    init(records all: [SheetRecord], headerHaving columns: [String] = []) throws(ImportRejected) {
        guard !all.isEmpty else {
            throw ImportRejected(problems: [ImportProblem(line: 1, column: nil, SheetReason.emptyFile)])
        }
        let keys = columns.map(Self.key)
        let start =
            keys.isEmpty
            ? 0 : all.prefix(Self.headerSearchRows).firstIndex { row in Set(row.fields.map(Self.key)).isSuperset(of: keys) } ?? 0
        let header = all[start]
        self.header = header
        self.records = Array(all.dropFirst(start + 1))
        var positions: [String: Int] = [:]
        for (index, cell) in header.fields.enumerated() {
            let key = Self.key(cell)
            if positions[key] == nil { positions[key] = index }
        }
        self.positions = positions
    }

    static func key(_ name: String) -> String { JapaneseText.normalized(name).filter { !$0.isWhitespace } }

    /// Fails listing every required column that is missing.
    func require(_ columns: [String]) throws(ImportRejected) {
        let missing = columns.filter { positions[Self.key($0)] == nil }
        guard missing.isEmpty else {
            throw ImportRejected(problems: missing.map { ImportProblem(line: header.line, column: $0, SheetReason.missingColumn($0)) })
        }
    }

    /// Whether the header has a column of this name.
    func has(_ column: String) -> Bool { positions[Self.key(column)] != nil }

    /// A file must have rows below its header.
    func requireRows() throws(ImportRejected) {
        if records.isEmpty {
            throw ImportRejected(problems: [ImportProblem(line: header.line, column: nil, SheetReason.noRows)])
        }
    }

    /// A column found once per sheet, so reading it in each row is an index, not a look-up by
    /// its (Japanese) name: hashing those names was a seventh of reading a national sheet.
    struct Column {
        let name: String
        fileprivate let index: Int?
    }

    /// The column of this name (given already normalized, or normalized here).
    func column(_ name: String) -> Column {
        Column(name: name, index: positions[name] ?? positions[Self.key(name)])
    }

    /// The normalized (matching form), trimmed value of a column in a record ("" when absent),
    /// without the `'` an export put before formula-like text.
    func value(_ record: SheetRecord, _ column: Column) -> String {
        JapaneseText.normalized(cell(record, column))
    }

    func value(_ record: SheetRecord, _ column: String) -> String { value(record, self.column(column)) }

    /// A free-text column (備考, 版, 理由) as typed: kept as people wrote it, trimmed.
    func text(_ record: SheetRecord, _ column: Column) -> String {
        JapaneseText.typedTrimmed(cell(record, column))
    }

    func text(_ record: SheetRecord, _ column: String) -> String { text(record, self.column(column)) }

    private func cell(_ record: SheetRecord, _ column: Column) -> String {
        guard let index = column.index, index < record.fields.count else { return "" }
        return SpreadsheetCell.restored(record.fields[index])
    }
}

/// What reading a spreadsheet gave: the rows that passed the file's own checks, and the problems
/// of those that did not — kept apart so the stores' rules still run over the good rows, and one
/// answer lists every bad line.
struct ParsedRows<Row: Sendable>: Sendable {
    var rows: [Row] = []
    var problems = ImportProblems()

    /// The rows, or every problem when there is one.
    func requireClean() throws(ImportRejected) -> [Row] {
        if let rejection = problems.rejection { throw rejection }
        return rows
    }
}
