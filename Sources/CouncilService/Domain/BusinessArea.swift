import CouncilDatabase

/// The 20 standardized business areas (標準化対象20業務). Slugs are our own stable identifiers;
/// the names are those of the law. The owning ministry lives in the database (it is editable).
enum BusinessArea: String, CaseIterable, Codable, Sendable, SlugDecodable, PostgresRawTextEncodable, PostgresDecodable {
    case juki = "juki"
    case koseki = "koseki"
    case kosekiFuhyo = "koseki_fuhyo"
    case inkan = "inkan"
    case senkyo = "senkyo"
    case koteiShisanzei = "kotei_shisanzei"
    case kojinJuminzei = "kojin_juminzei"
    case hojinJuminzei = "hojin_juminzei"
    case keijidoshazei = "keijidoshazei"
    case kokuho = "kokuho"
    case kokuminNenkin = "kokumin_nenkin"
    case shogaishaFukushi = "shogaisha_fukushi"
    case kokiKoreisha = "koki_koreisha"
    case kaigo = "kaigo"
    case jidoTeate = "jido_teate"
    case seikatsuHogo = "seikatsu_hogo"
    case kenkoKanri = "kenko_kanri"
    case shugaku = "shugaku"
    case jidoFuyoTeate = "jido_fuyo_teate"
    case kosodate = "kosodate"

    var japaneseName: String {
        switch self {
        case .juki: "住民基本台帳"
        case .koseki: "戸籍"
        case .kosekiFuhyo: "戸籍の附票"
        case .inkan: "印鑑登録"
        case .senkyo: "選挙人名簿管理"
        case .koteiShisanzei: "固定資産税"
        case .kojinJuminzei: "個人住民税"
        case .hojinJuminzei: "法人住民税"
        case .keijidoshazei: "軽自動車税"
        case .kokuho: "国民健康保険"
        case .kokuminNenkin: "国民年金"
        case .shogaishaFukushi: "障害者福祉"
        case .kokiKoreisha: "後期高齢者医療"
        case .kaigo: "介護保険"
        case .jidoTeate: "児童手当"
        case .seikatsuHogo: "生活保護"
        case .kenkoKanri: "健康管理"
        case .shugaku: "就学"
        case .jidoFuyoTeate: "児童扶養手当"
        case .kosodate: "子ども・子育て支援"
        }
    }

    /// Other names people write in filings.
    var aliases: [String] {
        switch self {
        case .juki: ["住民記録"]
        case .kosekiFuhyo: ["戸籍附票"]
        default: []
        }
    }

    /// Prefectures run only these two.
    var prefecturesRunIt: Bool { self == .jidoFuyoTeate || self == .seikatsuHogo }

    /// Finds an area by slug, Japanese name or alias (width-insensitive).
    init?(matching text: String) {
        let key = JapaneseText.normalized(text)
        guard let area = Self.byName[key] ?? Self.byName[key.lowercased()] else { return nil }
        self = area
    }

    /// Slugs, names and aliases, for spreadsheet rows (looked up once per row).
    private static let byName: [String: BusinessArea] = {
        var names: [String: BusinessArea] = [:]
        for area in allCases {
            names[area.rawValue] = area
            names[area.japaneseName] = area
            for alias in area.aliases { names[alias] = area }
        }
        return names
    }()
}
