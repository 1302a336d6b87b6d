/// A business area as stored (the owning ministry can be changed by the secretariat).
struct BusinessAreaRecord: Codable, Sendable, Equatable {
    let slug: BusinessArea
    let name: String
    let aliases: [String]
    let ministry: Ministry
    let prefecturesRunIt: Bool
}

struct Ministry: Codable, Sendable, Equatable {
    let slug: String
    let name: String
}

struct BlockRecord: Codable, Sendable, Equatable {
    let slug: Block
    let name: String
    let prefectures: [PrefectureCode]
}

struct Prefecture: Codable, Sendable, Equatable {
    let code: PrefectureCode
    let dantaiCode: MunicipalityCode
    let name: String
    let kana: String
    let block: Block
    /// Active municipalities in the prefecture.
    let municipalityCount: Int
}
