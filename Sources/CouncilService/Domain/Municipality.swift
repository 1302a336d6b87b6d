/// A 市区町村 as the API shows it.
struct Municipality: Codable, Sendable, Equatable {
    let code: MunicipalityCode
    let name: String
    let kana: String
    let prefectureCode: PrefectureCode
    let prefectureName: String
    let block: Block
    let kind: MunicipalityKind
    let designatedCity: Bool
    let active: Bool
}

/// The filters of `GET /v1/municipalities`; nil means "any".
struct MunicipalityFilter: Sendable, Equatable {
    /// Any of these prefectures (empty: any).
    var prefectures: [PrefectureCode]
    var block: Block?
    var kind: MunicipalityKind?
    /// Only designated cities (政令指定都市), or only the others.
    var designatedCity: Bool?
    var active: Bool?
    /// Substring of the name or the reading, as a `JapaneseText.searchKey` (so kanji, katakana,
    /// hiragana and half-width input all meet the stored key).
    var searchKey: String?

    init(
        prefectures: [PrefectureCode] = [], block: Block? = nil, kind: MunicipalityKind? = nil,
        active: Bool? = nil, searchKey: String? = nil
    ) {
        self.prefectures = prefectures
        self.block = block
        self.kind = kind
        self.active = active
        self.searchKey = searchKey
    }
}

/// What an import of MIC's list did (or, on a dry run, would do).
struct MunicipalityImportReport: Codable, Sendable, Equatable {
    var rows: Int
    var prefecturesMatched: Int
    var inserted: Int
    var updated: Int
    var unchanged: Int
    /// Municipalities missing from the file, now inactive (never deleted).
    var deactivated: Int
    /// utf8 or cp932 for a CSV file, xlsx for a workbook.
    var encoding: String
    /// How many designated cities the file's 政令指定都市 sheet named (none: the file had no such sheet).
    var designatedCities: Int?
    var dryRun: Bool
}
