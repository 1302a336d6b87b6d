/// A row of MIC's 全国地方公共団体コード list, checked for what the file alone can tell.
public struct MunicipalityListRow: Sendable, Equatable {
    public let line: Int
    public let code: MunicipalityCode
    public let prefectureName: String
    /// Empty on a prefecture's own row.
    public let name: String
    public let prefectureKana: String
    public let kana: String
}

/// Reads MIC's list in its own column layout (団体コード, 都道府県名（漢字）, 市区町村名（漢字）,
/// 都道府県名（カナ）, 市区町村名（カナ）); header cells may contain line breaks and columns may come
/// in any order. Half-width kana becomes full-width; a code Excel stripped of its leading zero
/// (11002) is restored.
public enum MunicipalityList {
    enum Column: String, CaseIterable {
        case code = "団体コード"
        case prefectureName = "都道府県名(漢字)"
        case name = "市区町村名(漢字)"
        case prefectureKana = "都道府県名(カナ)"
        case kana = "市区町村名(カナ)"
    }

    public static func parse(_ text: String) throws(ImportRejected) -> [MunicipalityListRow] {
        let records: [CSVRecord]
        do {
            records = try CSVReader.records(in: text)
        } catch {
            throw ImportRejected(problems: [ImportProblem(line: error.line, column: nil, reason: error.reason)])
        }
        guard let header = records.first else {
            throw ImportRejected(problems: [ImportProblem(line: 1, column: nil, reason: "the file is empty")])
        }
        let positions = try columnPositions(header)
        var rows: [MunicipalityListRow] = []
        var problems: [ImportProblem] = []
        var firstLineOfCode: [MunicipalityCode: Int] = [:]
        for record in records.dropFirst() {
            func value(_ column: Column) -> String {
                let index = positions[column]!
                return index < record.fields.count ? JapaneseText.normalized(record.fields[index]) : ""
            }
            func problem(_ column: Column?, _ reason: String) {
                problems.append(ImportProblem(line: record.line, column: column?.rawValue, reason: reason))
            }
            var codeText = value(.code)
            if codeText.count == 5, codeText.allSatisfy(\.isASCII) { codeText = "0" + codeText }
            let code: MunicipalityCode
            do {
                code = try MunicipalityCode(validating: codeText)
            } catch {
                problem(.code, error.description)
                continue
            }
            if let first = firstLineOfCode[code] {
                problem(.code, "\(code) already appears on line \(first)")
                continue
            }
            firstLineOfCode[code] = record.line
            let row = MunicipalityListRow(
                line: record.line, code: code, prefectureName: value(.prefectureName), name: value(.name),
                prefectureKana: value(.prefectureKana), kana: value(.kana))
            if row.prefectureName.isEmpty { problem(.prefectureName, "the prefecture name is empty") }
            if code.isPrefecture {
                if !row.name.isEmpty { problem(.name, "\(code) is a prefecture's code, but the row names a municipality '\(row.name)'") }
            } else {
                if row.name.isEmpty {
                    problem(.name, "the municipality name is empty")
                } else if MunicipalityKind(officialName: row.name, prefecture: code.prefecture) == nil {
                    problem(.name, "'\(row.name)' does not end in 市, 町, 村 (or 区 in 東京都)")
                }
                if row.kana.isEmpty { problem(.kana, "the reading is empty") }
            }
            rows.append(row)
        }
        if rows.isEmpty && problems.isEmpty {
            problems.append(ImportProblem(line: header.line, column: nil, reason: "the file has a header but no rows"))
        }
        guard problems.isEmpty else { throw ImportRejected(problems: problems) }
        return rows
    }

    private static func columnPositions(_ header: CSVRecord) throws(ImportRejected) -> [Column: Int] {
        var positions: [Column: Int] = [:]
        for (index, cell) in header.fields.enumerated() {
            let key = JapaneseText.normalized(cell).filter { !$0.isWhitespace }
            if let column = Column(rawValue: key), positions[column] == nil { positions[column] = index }
        }
        let missing = Column.allCases.filter { positions[$0] == nil }
        guard missing.isEmpty else {
            throw ImportRejected(problems: missing.map {
                ImportProblem(line: header.line, column: $0.rawValue, reason: "the header has no '\($0.rawValue)' column (MIC layout expected)")
            })
        }
        return positions
    }
}
