import CouncilDatabase

/// What kind of 市区町村 a municipality is.
enum MunicipalityKind: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable {
    case city
    case town
    case village
    /// 東京都の特別区 (the 23 wards). Wards of designated cities are not 団体 and are not listed.
    case specialWard = "special_ward"

    /// The kind implied by an official name: its last character (市/町/村, 区 in 東京都).
    init?(officialName name: String, prefecture: PrefectureCode) {
        switch name.last {
        case "市": self = .city
        case "町": self = .town
        case "村": self = .village
        case "区" where prefecture.rawValue == "13": self = .specialWard
        default: return nil
        }
    }
}
