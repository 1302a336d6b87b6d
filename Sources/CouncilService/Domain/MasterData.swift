/// A business area as stored (the owning ministry can be changed by the secretariat).
public struct BusinessAreaRecord: Codable, Sendable, Equatable {
    public let slug: BusinessArea
    public let name: String
    public let aliases: [String]
    public let ministry: Ministry
    public let prefecturesRunIt: Bool
}

public struct Ministry: Codable, Sendable, Equatable {
    public let slug: String
    public let name: String
}

public struct BlockRecord: Codable, Sendable, Equatable {
    public let slug: Block
    public let name: String
    public let prefectures: [PrefectureCode]
}

public struct Prefecture: Codable, Sendable, Equatable {
    public let code: PrefectureCode
    public let dantaiCode: MunicipalityCode
    public let name: String
    public let kana: String
    public let block: Block
    /// Active municipalities in the prefecture.
    public let municipalityCount: Int
}
