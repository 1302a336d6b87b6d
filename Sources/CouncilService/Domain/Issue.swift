import CouncilDatabase
import Foundation

/// 課題の分類.
public enum IssueCategory: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled {
    case spec, govCloud = "gov_cloud", dataMigration = "data_migration", resources, schedule, cost, regulation, other

    public var japaneseLabel: String {
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

public enum IssueSeverity: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled {
    case low, medium, high, critical

    public var japaneseLabel: String {
        switch self {
        case .low: "低"
        case .medium: "中"
        case .high: "高"
        case .critical: "緊急"
        }
    }

    /// For sorting: critical ranks highest.
    public var rank: Int { Self.allCases.firstIndex(of: self)! + 1 }
}

/// council: every council member sees it. restricted: the reporter's organization, the
/// secretariat, the assigned organization and the vendors it names only; everyone else gets 404.
public enum IssueVisibility: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled {
    case council, restricted

    public var japaneseLabel: String {
        switch self {
        case .council: "協議会"
        case .restricted: "限定"
        }
    }
}

/// The workflow. `transitions` is the whole graph; `Policy` decides which edges a caller may take.
public enum IssueState: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled {
    case new, triaged, inDiscussion = "in_discussion", onAgenda = "on_agenda", resolved, closed, rejected, duplicate

    public var japaneseLabel: String {
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
    public var isOpen: Bool {
        switch self {
        case .new, .triaged, .inDiscussion, .onAgenda: true
        case .resolved, .closed, .rejected, .duplicate: false
        }
    }

    /// Every edge of the workflow. Terminal states can be reopened by the secretariat.
    public var transitions: [IssueState] {
        switch self {
        case .new: [.triaged, .rejected, .duplicate, .closed]
        case .triaged: [.inDiscussion, .onAgenda, .rejected, .duplicate, .closed]
        case .inDiscussion: [.onAgenda, .resolved, .rejected, .duplicate, .closed]
        case .onAgenda: [.inDiscussion, .resolved, .rejected, .duplicate]
        case .resolved: [.closed, .inDiscussion]
        case .closed: [.inDiscussion]
        case .rejected, .duplicate: [.triaged]
        }
    }

    /// Moving here needs no open blocker.
    public var needsBlockersClosed: Bool { self == .resolved || self == .closed }
}

/// How an issue touches a municipality.
public enum IssueImpact: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled {
    case blocked, atRisk = "at_risk", affected

    public var japaneseLabel: String {
        switch self {
        case .blocked: "移行不可"
        case .atRisk: "遅延リスク"
        case .affected: "影響あり"
        }
    }
}

/// A relation as seen from one issue. Stored canonically: `blockedBy` is the other issue's
/// `blocks`, `duplicatedBy` the other's `duplicates`; `relates` has no direction.
public enum IssueRelationKind: String, CaseIterable, Codable, Sendable {
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
public struct IssueMunicipality: Codable, Sendable, Equatable {
    public var dantaiCode: MunicipalityCode
    public var impact: IssueImpact
    public var businessAreas: [BusinessArea]
    /// Filled on reads.
    public var name: String?
    public var prefectureCode: PrefectureCode?

    public init(
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
public struct OrganizationRef: Codable, Sendable, Equatable {
    public let id: Int
    public let name: String
}

public struct IssueRelation: Codable, Sendable, Equatable {
    public let kind: IssueRelationKind
    public let issue: Int
    public let title: String
    public let state: IssueState
}

/// One issue as the API shows it.
public struct Issue: Codable, Sendable, Equatable {
    public let number: Int
    public let title: String
    public let body: String
    public let category: IssueCategory
    public let severity: IssueSeverity
    public let visibility: IssueVisibility
    public let state: IssueState
    public let reporterAccountId: Int
    public let reporterOrganization: OrganizationRef
    public let assigneeOrganization: OrganizationRef?
    public let vendors: [OrganizationRef]
    public let businessAreas: [BusinessArea]
    public let municipalities: [IssueMunicipality]
    public let dueDate: CalendarDate?
    public let labels: [String]
    public let answer: String?
    /// Shown only to callers who may see that issue (`IssueStore.hidingDuplicates`).
    public internal(set) var duplicateOf: Int?
    public let version: Int
    public let createdAt: Date
    public let updatedAt: Date

    /// The strong validator of this representation.
    public var etag: String { "\"issue-\(number)-v\(version)\"" }
}

/// What the policy needs to know of an issue to decide who sees and changes it.
public struct IssueAccessFacts: Sendable, Equatable {
    public let number: Int
    public let visibility: IssueVisibility
    public let state: IssueState
    public let reporterOrganizationID: Int
    public let assigneeOrganizationID: Int?
    public let vendorIDs: [Int]
}

extension Issue {
    var accessFacts: IssueAccessFacts {
        IssueAccessFacts(
            number: number, visibility: visibility, state: state, reporterOrganizationID: reporterOrganization.id,
            assigneeOrganizationID: assigneeOrganization?.id, vendorIDs: vendors.map(\.id))
    }
}

/// A page of a keyset-paginated list: `next_cursor` continues it; `total` counts every match.
public struct CursorPage<Item: Codable & Sendable>: Codable, Sendable {
    public let items: [Item]
    public let total: Int
    public let nextCursor: String?
}

public struct IssueComment: Codable, Sendable, Equatable {
    public let id: Int
    public let issueNumber: Int
    public let authorAccountId: Int
    public let authorName: String
    public let authorOrganization: OrganizationRef
    public let body: String
    public let editCount: Int
    public let createdAt: Date
    public let updatedAt: Date
}

public struct IssueCommentRevision: Codable, Sendable, Equatable {
    public let body: String
    public let replacedAt: Date
    public let replacedBy: Int
}

/// One recorded change of an issue.
public struct IssueEvent: Codable, Sendable, Equatable {
    public let id: Int
    public let at: Date
    public let actorAccountId: Int?
    public let actorOrganizationId: Int?
    public let kind: String
    public let field: String?
    public let old: JSONValue?
    public let new: JSONValue?
    public let relatedIssue: Int?
}

public enum WatcherKind: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable {
    case account, organization
}

public struct IssueWatcher: Codable, Sendable, Equatable {
    public let kind: WatcherKind
    public let id: Int
    public let name: String
    public let since: Date
}
