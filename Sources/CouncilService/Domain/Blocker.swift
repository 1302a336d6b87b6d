/// Where a blocker comes from: an open issue naming the 団体 as blocked, or an adoption delayed
/// or in 特定移行支援 for a vendor-side 事由.
public enum BlockerSource: String, CaseIterable, Codable, Sendable {
    case issue, adoption
}

public struct ProductRef: Codable, Sendable, Equatable {
    public let id: Int
    public let name: String
}

/// One 団体 blocked on one business area by one vendor, with the evidence.
public struct Blocker: Codable, Sendable, Equatable {
    public let dantaiCode: String
    public let dantaiName: String
    public let prefectureCode: PrefectureCode
    public let block: Block
    public let businessArea: BusinessArea
    public let vendor: OrganizationRef
    public let product: ProductRef?
    public let sources: [BlockerSource]
    /// Open issues (visible to the caller) that name this 団体 as blocked and count against the
    /// vendor: triaged by the secretariat, or filed by the vendor itself.
    public let issues: [Int]
    /// Those of `issues` the vendor filed itself that the secretariat has not triaged yet.
    public let unconfirmedIssues: [Int]
    public let adoptionState: AdoptionState?
    public let reason: AdoptionReason?
}

public struct BlockerFilter: Sendable, Equatable {
    public var vendor: Int?
    public var businessArea: BusinessArea?
    /// Any of these (empty: any).
    public var prefectures: [PrefectureCode] = []
    public var block: Block?
    public var reason: AdoptionReason?
    public var source: BlockerSource?
    public var dantai: String?

    public init() {}
}

public enum BlockerGrouping: String, CaseIterable, Sendable {
    case vendor, prefecture, block, businessArea = "business_area", reason
}

/// Counts of one group: distinct 団体, and systems (団体 × business area).
public struct BlockerGroup: Codable, Sendable, Equatable {
    public let key: String
    public let label: String
    public let municipalities: Int
    public let systems: Int
}

/// Counts of 団体 and systems for one row of a report table.
public struct ReportCount: Codable, Sendable, Equatable {
    public let key: String
    public let label: String
    public let dantai: Int
    public let systems: Int
}

/// 特定移行支援システム in the shape of the Digital Agency's published tables.
public struct SpecifiedSupportReport: Codable, Sendable, Equatable {
    public let total: ReportCount
    public let byReason: [ReportCount]
    public let byBlock: [ReportCount]
    public let byPrefecture: [ReportCount]
    public let byBusinessArea: [ReportCount]
}

/// Every business area of one 団体, with who blocks it there.
public struct DantaiBlockers: Codable, Sendable {
    public struct Area: Codable, Sendable {
        public let businessArea: BusinessArea
        public let name: String
        public let blockers: [Blocker]
    }

    public let dantaiCode: String
    public let name: String
    public let businessAreas: [Area]
}

/// The 団体 one vendor blocks, by liaison block and prefecture.
public struct VendorBlocked: Codable, Sendable {
    public struct BlockGroup: Codable, Sendable {
        public let block: Block
        public let name: String
        public let prefectures: [PrefectureGroup]
    }

    public struct PrefectureGroup: Codable, Sendable {
        public let prefectureCode: PrefectureCode
        public let name: String
        public let municipalities: [Entry]
    }

    public struct Entry: Codable, Sendable {
        public let dantaiCode: String
        public let name: String
        public let businessAreas: [BusinessArea]
        public let issues: [Int]
        public let reasons: [AdoptionReason]
    }

    public let vendor: OrganizationRef
    public let municipalities: Int
    public let systems: Int
    public let blocks: [BlockGroup]

    /// Groups a vendor's blockers (in 団体 order) by block and prefecture.
    init(vendor: OrganizationRef, blockers: [Blocker], prefectureNames: [PrefectureCode: String]) {
        self.vendor = vendor
        municipalities = Set(blockers.map(\.dantaiCode)).count
        systems = Set(blockers.map { $0.dantaiCode + "/" + $0.businessArea.rawValue }).count
        let byPrefecture = Dictionary(grouping: blockers, by: \.prefectureCode)
        blocks = Block.allCases.compactMap { block in
            let prefectures = byPrefecture.keys.filter { key in byPrefecture[key]?.first?.block == block }.sorted { $0.rawValue < $1.rawValue }
                .map { code in
                    let entries = Dictionary(grouping: byPrefecture[code] ?? [], by: \.dantaiCode).sorted { $0.key < $1.key }.map { dantai, rows in
                        Entry(
                            dantaiCode: dantai, name: rows[0].dantaiName, businessAreas: rows.map(\.businessArea),
                            issues: Array(Set(rows.flatMap(\.issues))).sorted(),
                            reasons: Array(Set(rows.compactMap(\.reason))).sorted { $0.rawValue < $1.rawValue })
                    }
                    return PrefectureGroup(prefectureCode: code, name: prefectureNames[code] ?? code.rawValue, municipalities: entries)
                }
            return prefectures.isEmpty ? nil : BlockGroup(block: block, name: block.japaneseName, prefectures: prefectures)
        }
    }
}
