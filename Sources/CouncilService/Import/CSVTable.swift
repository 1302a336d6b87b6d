/// A CSV file with a header row, read by column name (NFKC, white space and line breaks ignored).
struct CSVTable {
    let header: CSVRecord
    let records: [CSVRecord]
    private let positions: [String: Int]

    init(_ text: String) throws(ImportRejected) {
        let all: [CSVRecord]
        do {
            all = try CSVReader.records(in: text)
        } catch {
            throw ImportRejected(problems: [ImportProblem(line: error.line, column: nil, reason: error.reason)])
        }
        guard let header = all.first else {
            throw ImportRejected(problems: [ImportProblem(line: 1, column: nil, reason: "the file is empty")])
        }
        self.header = header
        self.records = Array(all.dropFirst())
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
            throw ImportRejected(problems: missing.map { ImportProblem(line: header.line, column: $0, reason: "the header has no '\($0)' column") })
        }
    }

    /// A file must have rows below its header; `problems` says whether the rows had any.
    func requireRows(parsed: Int, problems: [ImportProblem]) throws(ImportRejected) {
        if parsed == 0 && problems.isEmpty {
            throw ImportRejected(problems: [ImportProblem(line: header.line, column: nil, reason: "the file has a header but no rows")])
        }
    }

    /// The normalized (matching form), trimmed value of a column in a record ("" when absent), without the `'`
    /// an export put before formula-like text. Column names given here are already normalized,
    /// so they are looked up as they are.
    func value(_ record: CSVRecord, _ column: String) -> String {
        JapaneseText.normalized(cell(record, column))
    }

    /// A free-text column (備考, 版, 理由) as typed: kept as people wrote it, trimmed.
    func text(_ record: CSVRecord, _ column: String) -> String {
        JapaneseText.typedTrimmed(cell(record, column))
    }

    private func cell(_ record: CSVRecord, _ column: String) -> String {
        guard let index = positions[column] ?? positions[Self.key(column)], index < record.fields.count else { return "" }
        return SpreadsheetCell.restored(record.fields[index])
    }
}
