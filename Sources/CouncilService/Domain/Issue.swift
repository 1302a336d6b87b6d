import CouncilDatabase
import Foundation

/// 課題の分類.
enum IssueCategory: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled, SlugDecodable {
    case spec, govCloud = "gov_cloud", dataMigration = "data_migration", resources, schedule, cost, regulation, other

    var japaneseLabel: String {
        switch self {
        case .spec: "仕様"
        case .govCloud: "ガバメントクラウド"
        case .dataMigration: "データ移行"
        case .resources: "人員・リソース"
        case .schedule: "スケジュール"
        case .cost: "費用"
        case .regulation: "制度改正"
        case .other: "その他"
        }
    }
}

enum IssueSeverity: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled, SlugDecodable {
    case low, medium, high, critical

    var japaneseLabel: String {
        switch self {
        case .low: "低"
        case .medium: "中"
        case .high: "高"
        case .critical: "緊急"
        }
    }

    /// For sorting: critical ranks highest.
    var rank: Int { Self.allCases.firstIndex(of: self)! + 1 }
}

/// council: every council member sees it. restricted: the reporter's organization, the
/// secretariat, the assigned organization and the vendors it names only; everyone else gets 404.
enum IssueVisibility: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled, SlugDecodable {
    case council, restricted

    var japaneseLabel: String {
        switch self {
        case .council: "協議会"
        case .restricted: "限定"
        }
    }
}

/// The workflow. `transitions` is the whole graph; `Policy` decides which edges a caller may take.
enum IssueState: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled, SlugDecodable {
    case new, triaged, inDiscussion = "in_discussion", onAgenda = "on_agenda", resolved, closed, rejected, duplicate

    var japaneseLabel: String {
        switch self {
        case .new: "新規"
        case .triaged: "受付済"
        case .inDiscussion: "検討中"
        case .onAgenda: "議題化"
        case .resolved: "解決"
        case .closed: "完了"
        case .rejected: "却下"
        case .duplicate: "重複"
        }
    }

    /// The open states as an SQL list, from `isOpen`.
    static let openList = SQL.list(allCases.filter(\.isOpen))

    /// Open issues still need work; only they can block others.
    var isOpen: Bool {
        switch self {
        case .new, .triaged, .inDiscussion, .onAgenda: true
        case .resolved, .closed, .rejected, .duplicate: false
        }
    }

    /// Every edge of the workflow. Terminal states can be reopened by the secretariat.
    var transitions: [IssueState] {
        switch self {
        case .new: [.triaged, .rejected, .duplicate, .closed]
        case .triaged: [.inDiscussion, .onAgenda, .rejected, .duplicate, .closed]
        case .inDiscussion: [.onAgenda, .resolved, .rejected, .duplicate, .closed]
        case .onAgenda: [.inDiscussion, .resolved, .rejected, .duplicate]
        case .resolved: [.closed, .inDiscussion, .triaged]
        case .closed: [.inDiscussion, .triaged]
        case .rejected, .duplicate: [.triaged]
        }
    }

    /// Moving here needs no open blocker.
    var needsBlockersClosed: Bool { self == .resolved || self == .closed }
}

/// How an issue touches a municipality.
enum IssueImpact: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled, SlugDecodable {
    case blocked, atRisk = "at_risk", affected

    var japaneseLabel: String {
        switch self {
        case .blocked: "移行不可"
        case .atRisk: "遅延リスク"
        case .affected: "影響あり"
        }
    }
}

/// A relation as seen from one issue. Stored canonically: `blockedBy` is the other issue's
/// `blocks`, `duplicatedBy` the other's `duplicates`; `relates` has no direction.
enum IssueRelationKind: String, CaseIterable, Codable, Sendable, SlugDecodable {
    case blocks, blockedBy = "blocked_by", duplicates, duplicatedBy = "duplicated_by", relates

    /// The stored kind, and whether this issue is its `from` side.
    var stored: (kind: String, thisIsFrom: Bool) {
        switch self {
        case .blocks: ("blocks", true)
        case .blockedBy: ("blocks", false)
        case .duplicates: ("duplicates", true)
        case .duplicatedBy: ("duplicates", false)
        case .relates: ("relates", true)
        }
    }

    /// The same relation seen from the other issue.
    var inverse: IssueRelationKind {
        switch self {
        case .blocks: .blockedBy
        case .blockedBy: .blocks
        case .duplicates: .duplicatedBy
        case .duplicatedBy: .duplicates
        case .relates: .relates
        }
    }

    static func seen(stored kind: String, fromThisSide: Bool) -> IssueRelationKind {
        switch kind {
        case "blocks": fromThisSide ? .blocks : .blockedBy
        case "duplicates": fromThisSide ? .duplicates : .duplicatedBy
        default: .relates
        }
    }
}

/// An affected municipality of an issue.
struct IssueMunicipality: Codable, Sendable, Equatable {
    var dantaiCode: MunicipalityCode
    var impact: IssueImpact
    var businessAreas: [BusinessArea]
    /// Filled on reads.
    var name: String?
    var prefectureCode: PrefectureCode?

    init(
        dantaiCode: MunicipalityCode, impact: IssueImpact, businessAreas: [BusinessArea], name: String? = nil,
        prefectureCode: PrefectureCode? = nil
    ) {
        self.dantaiCode = dantaiCode
        self.impact = impact
        self.businessAreas = businessAreas
        self.name = name
        self.prefectureCode = prefectureCode
    }

    /// The link without what reads add: what drafts compare.
    var link: IssueMunicipality { IssueMunicipality(dantaiCode: dantaiCode, impact: impact, businessAreas: businessAreas) }
}

/// An organization named by an issue (reporter, assignee, vendor concerned).
struct OrganizationRef: Codable, Sendable, Equatable {
    let id: Int
    let name: String
}

struct IssueRelation: Codable, Sendable, Equatable {
    let kind: IssueRelationKind
    let issue: Int
    let title: String
    let state: IssueState
}

/// One issue as the API shows it.
struct Issue: Codable, Sendable, Equatable {
    let number: Int
    let title: String
    let body: String
    let category: IssueCategory
    let severity: IssueSeverity
    let visibility: IssueVisibility
    let state: IssueState
    let reporterAccountID: Int
    let reporterOrganization: OrganizationRef
    let assigneeOrganization: OrganizationRef?
    let vendors: [OrganizationRef]
    let businessAreas: [BusinessArea]
    let municipalities: [IssueMunicipality]
    let dueDate: CalendarDate?
    let labels: [String]
    let answer: String?
    /// Shown only to callers who may see that issue (`IssueStore.hidingDuplicates`).
    var duplicateOf: Int?
    let version: Int
    let createdAt: Date
    let updatedAt: Date

    /// The strong validator of this representation.
    var etag: String { Self.etag(number: number, version: version) }

    static func etag(number: Int, version: Int) -> String { "\"issue-\(number)-v\(version)\"" }
}

/// What the policy needs to know of an issue to decide who sees and changes it.
struct IssueAccessFacts: Sendable, Equatable {
    let number: Int
    let visibility: IssueVisibility
    let state: IssueState
    let reporterOrganizationID: Int
    let assigneeOrganizationID: Int?
    let vendorIDs: [Int]
}

extension Issue {
    var accessFacts: IssueAccessFacts {
        IssueAccessFacts(
            number: number, visibility: visibility, state: state, reporterOrganizationID: reporterOrganization.id,
            assigneeOrganizationID: assigneeOrganization?.id, vendorIDs: vendors.map(\.id))
    }
}

/// A page of a keyset-paginated list: `next_cursor` continues it; `total` counts every match.
struct CursorPage<Item: Codable & Sendable>: Codable, Sendable {
    let items: [Item]
    let total: Int
    let nextCursor: String?
}

struct IssueComment: Codable, Sendable, Equatable {
    let id: Int
    let issueNumber: Int
    let authorAccountID: Int
    let authorName: String
    let authorOrganization: OrganizationRef
    let body: String
    let editCount: Int
    let createdAt: Date
    let updatedAt: Date
}

struct IssueCommentRevision: Codable, Sendable, Equatable {
    let body: String
    let replacedAt: Date
    let replacedBy: Int
}

/// One recorded change of an issue.
struct IssueEvent: Codable, Sendable, Equatable {
    let id: Int
    let at: Date
    let actorAccountID: Int?
    let actorOrganizationID: Int?
    let kind: String
    let field: String?
    let old: JSONValue?
    let new: JSONValue?
    let relatedIssue: Int?
}

enum WatcherKind: String, CaseIterable, Codable, Sendable, SlugDecodable, PostgresRawTextEncodable, PostgresDecodable {
    case account, organization
}

struct IssueWatcher: Codable, Sendable, Equatable {
    let kind: WatcherKind
    let id: Int
    let name: String
    let since: Date
}
