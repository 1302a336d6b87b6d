/// Where a blocker comes from: an open issue naming the 団体 as blocked, or an adoption delayed
/// or in 特定移行支援 for a vendor-side 事由.
enum BlockerSource: String, CaseIterable, Codable, Sendable {
    case issue, adoption
}

struct ProductRef: Codable, Sendable, Equatable {
    let id: Int
    let name: String
}

/// One 団体 blocked on one business area by one vendor, with the evidence.
struct Blocker: Codable, Sendable, Equatable {
    let dantaiCode: String
    let dantaiName: String
    let prefectureCode: PrefectureCode
    let block: Block
    let businessArea: BusinessArea
    let vendor: OrganizationRef
    let product: ProductRef?
    let sources: [BlockerSource]
    /// Open issues (visible to the caller) that name this 団体 as blocked and count against the
    /// vendor: triaged by the secretariat, or filed by the vendor itself.
    let issues: [Int]
    /// Those of `issues` the vendor filed itself that the secretariat has not triaged yet.
    let unconfirmedIssues: [Int]
    let adoptionState: AdoptionState?
    let reason: AdoptionReason?
}

struct BlockerFilter: Sendable, Equatable {
    var vendor: Int?
    var businessArea: BusinessArea?
    /// Any of these (empty: any).
    var prefectures: [PrefectureCode] = []
    var block: Block?
    var reason: AdoptionReason?
    var source: BlockerSource?
    var dantai: String?

    init() {}
}

enum BlockerGrouping: String, CaseIterable, Sendable {
    case vendor, prefecture, block, businessArea = "business_area", reason
}

/// Counts of one group: distinct 団体, and systems (団体 × business area).
struct BlockerGroup: Codable, Sendable, Equatable {
    let key: String
    let label: String
    let municipalities: Int
    let systems: Int
}

/// Counts of 団体 and systems for one row of a report table.
struct ReportCount: Codable, Sendable, Equatable {
    let key: String
    let label: String
    let dantai: Int
    let systems: Int
}

/// 特定移行支援システム in the shape of the Digital Agency's published tables.
struct SpecifiedSupportReport: Codable, Sendable, Equatable {
    let total: ReportCount
    let byReason: [ReportCount]
    let byBlock: [ReportCount]
    let byPrefecture: [ReportCount]
    let byBusinessArea: [ReportCount]
}

/// Every business area of one 団体, with who blocks it there.
struct DantaiBlockers: Codable, Sendable {
    struct Area: Codable, Sendable {
        let businessArea: BusinessArea
        let name: String
        let blockers: [Blocker]
    }

    let dantaiCode: String
    let name: String
    let businessAreas: [Area]
}

/// The 団体 one vendor blocks, by liaison block and prefecture.
struct VendorBlocked: Codable, Sendable {
    struct BlockGroup: Codable, Sendable {
        let block: Block
        let name: String
        let prefectures: [PrefectureGroup]
    }

    struct PrefectureGroup: Codable, Sendable {
        let prefectureCode: PrefectureCode
        let name: String
        let municipalities: [Entry]
    }

    struct Entry: Codable, Sendable {
        let dantaiCode: String
        let name: String
        let businessAreas: [BusinessArea]
        let issues: [Int]
        let reasons: [AdoptionReason]
    }

    let vendor: OrganizationRef
    let municipalities: Int
    let systems: Int
    let blocks: [BlockGroup]

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
