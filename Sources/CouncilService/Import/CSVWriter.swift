import Foundation

/// Writes CSV as Excel reads it: CRLF, every field quoted when needed, UTF-8 with a BOM (so
/// Excel recognizes it) or CP932.
public enum CSVWriter {
    public static func encode(header: [String], rows: [[String]], encoding: CSVTextEncoding) throws(CSVTextEncoding.Undecodable) -> Data {
        var text = ""
        for record in [header] + rows {
            text += record.map(quote).joined(separator: ",") + "\r\n"
        }
        switch encoding {
        case .cp932:
            guard let data = text.data(using: .shiftJIS) else {
                throw CSVTextEncoding.Undecodable(description: "the data has characters that CP932 cannot represent; export as utf8")
            }
            return data
        case .utf8, .auto:
            return Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
        }
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || field.hasPrefix(" ") || field.hasSuffix(" ") else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

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

    /// The normalized, trimmed value of a column in a record ("" when absent). Column names
    /// given here are already normalized, so they are looked up as they are.
    func value(_ record: CSVRecord, _ column: String) -> String {
        guard let index = positions[column] ?? positions[Self.key(column)], index < record.fields.count else { return "" }
        return JapaneseText.normalized(record.fields[index])
    }
}
