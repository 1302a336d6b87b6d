/// A row of MIC's 全国地方公共団体コード list, checked for what the file alone can tell.
package struct MunicipalityListRow: Sendable, Equatable {
    package let line: Int
    package let code: MunicipalityCode
    package let prefectureName: String
    /// Empty on a prefecture's own row.
    package let name: String
    package let prefectureKana: String
    package let kana: String
}

/// Reads MIC's list in its own column layout (団体コード, 都道府県名（漢字）, 市区町村名（漢字）,
/// 都道府県名（カナ）, 市区町村名（カナ）); header cells may contain line breaks and columns may come
/// in any order. Half-width kana becomes full-width; a code Excel stripped of its leading zero
/// (11002) is restored.
package enum MunicipalityList {
    enum Column: String, CaseIterable {
        case code = "団体コード"
        case prefectureName = "都道府県名(漢字)"
        case name = "市区町村名(漢字)"
        case prefectureKana = "都道府県名(カナ)"
        case kana = "市区町村名(カナ)"
    }

    /// The list in a CSV file's text, refused whole with every problem.
    package static func parse(_ text: String) throws(ImportRejected) -> [MunicipalityListRow] {
        try read(try SheetTable(csv: text)).requireClean()
    }

    /// Every row of the sheet: those that read well, and every problem of those that do not.
    static func read(_ table: SheetTable) throws(ImportRejected) -> ParsedRows<MunicipalityListRow> {
        try table.require(Column.allCases.map(\.rawValue))
        try table.requireRows()
        var parsed = ParsedRows<MunicipalityListRow>()
        var firstLineOfCode: [MunicipalityCode: Int] = [:]
        for record in table.records {
            func value(_ column: Column) -> String { table.value(record, column.rawValue) }
            func problem(_ column: Column?, _ reason: String) {
                parsed.problems.append(ImportProblem(line: record.line, column: column?.rawValue, reason: reason))
            }
            let problemsBefore = parsed.problems.total
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
            if parsed.problems.total == problemsBefore { parsed.rows.append(row) }
        }
        return parsed
    }
}
