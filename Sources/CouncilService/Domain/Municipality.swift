/// A 市区町村 as the API shows it.
public struct Municipality: Codable, Sendable, Equatable {
    public let code: MunicipalityCode
    public let name: String
    public let kana: String
    public let prefectureCode: PrefectureCode
    public let prefectureName: String
    public let block: Block
    public let kind: MunicipalityKind
    public let designatedCity: Bool
    public let active: Bool
}

/// The filters of `GET /v1/municipalities`; nil means "any".
public struct MunicipalityFilter: Sendable, Equatable {
    /// Any of these prefectures (empty: any).
    public var prefectures: [PrefectureCode]
    public var block: Block?
    public var kind: MunicipalityKind?
    public var active: Bool?
    /// Substring of the name or the reading, as a `JapaneseText.searchKey` (so kanji, katakana,
    /// hiragana and half-width input all meet the stored key).
    public var searchKey: String?

    public init(
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
public struct MunicipalityImportReport: Codable, Sendable, Equatable {
    public var rows: Int
    public var prefecturesMatched: Int
    public var inserted: Int
    public var updated: Int
    public var unchanged: Int
    /// Municipalities missing from the file, now inactive (never deleted).
    public var deactivated: Int
    public var encoding: String
    public var dryRun: Bool
}
