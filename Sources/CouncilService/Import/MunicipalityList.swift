/// A designated city (政令指定都市) named on MIC's second sheet, and where.
package struct DesignatedCityRow: Sendable, Equatable {
    package let line: Int
    /// The sheet's name and column, as a problem names it (`政令指定都市!団体コード`).
    package let column: String
    package let code: MunicipalityCode
}

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

    static let required = Column.allCases.map(\.rawValue)

    /// The list in a CSV file's text, refused whole with every problem.
    package static func parse(_ text: String) throws(ImportRejected) -> [MunicipalityListRow] {
        try read(try SheetTable(csv: text, headerHaving: required)).requireClean()
    }

    /// Every row of the sheet: those that read well, and every problem of those that do not.
    static func read(_ table: SheetTable) throws(ImportRejected) -> ParsedRows<MunicipalityListRow> {
        try table.require(required)
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

    /// The columns of MIC's 政令指定都市 sheet, which has no prefecture columns.
    static let designatedRequired = [Column.code.rawValue, Column.name.rawValue]
    static let designatedWithout = [Column.prefectureName.rawValue]

    /// MIC's 政令指定都市 sheet: each designated city (…市) followed by its wards (…区, which are
    /// not 団体 and are skipped). The cities replace the list kept in `designated_cities`.
    static func readDesignated(_ table: SheetTable, sheet: String) throws(ImportRejected) -> ParsedRows<DesignatedCityRow> {
        try table.require(designatedRequired)
        var parsed = ParsedRows<DesignatedCityRow>()
        let codeColumn = "\(sheet)!\(Column.code.rawValue)", nameColumn = "\(sheet)!\(Column.name.rawValue)"
        for record in table.records {
            let name = table.value(record, Column.name.rawValue)
            if name.hasSuffix("区") { continue }
            guard name.hasSuffix("市") else {
                parsed.problems.append(ImportProblem(line: record.line, column: nameColumn, reason: "'\(name)' is neither a city (市) nor a ward (区)"))
                continue
            }
            var codeText = table.value(record, Column.code.rawValue)
            if codeText.count == 5, codeText.allSatisfy(\.isASCII) { codeText = "0" + codeText }
            do {
                parsed.rows.append(DesignatedCityRow(line: record.line, column: codeColumn, code: try MunicipalityCode(validating: codeText)))
            } catch {
                parsed.problems.append(ImportProblem(line: record.line, column: codeColumn, reason: error.description))
            }
        }
        if parsed.rows.isEmpty, parsed.problems.isEmpty {
            parsed.problems.append(ImportProblem(line: table.header.line, column: codeColumn, reason: "the sheet names no designated city"))
        }
        return parsed
    }
}
