import CouncilDatabase

/// The 8 liaison blocks (標準化リエゾンのブロック) that group the prefectures.
enum Block: String, CaseIterable, Codable, Sendable, SlugDecodable, PostgresRawTextEncodable, PostgresDecodable {
    case hokkaido
    case tohoku
    case kantoKoshinetsu = "kanto_koshinetsu"
    case chubu
    case kinki
    case chugoku
    case shikoku
    case kyushuOkinawa = "kyushu_okinawa"

    var japaneseName: String {
        switch self {
        case .hokkaido: "北海道"
        case .tohoku: "東北"
        case .kantoKoshinetsu: "関東・甲信静越"
        case .chubu: "中部"
        case .kinki: "近畿"
        case .chugoku: "中国"
        case .shikoku: "四国"
        case .kyushuOkinawa: "九州・沖縄"
        }
    }
}
