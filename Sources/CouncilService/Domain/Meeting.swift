import CouncilDatabase
import Foundation

public enum MeetingState: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled {
    case planned, held, cancelled

    public var japaneseLabel: String {
        switch self {
        case .planned: "開催予定"
        case .held: "開催済"
        case .cancelled: "中止"
        }
    }
}

/// Proposed items (from `propose`) wait for the secretariat to confirm them.
public enum AgendaItemStatus: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable {
    case proposed, confirmed
}

public struct AgendaIssue: Codable, Sendable, Equatable {
    public let number: Int
    public let title: String
    public let state: IssueState
    public let severity: IssueSeverity
}

public struct AgendaItem: Codable, Sendable, Equatable {
    public let id: Int
    /// 1…n among the items the reader sees (gaps would tell of items they may not see).
    public internal(set) var position: Int
    public let issue: AgendaIssue?
    public let topic: String?
    public let presenter: OrganizationRef?
    public let allottedMinutes: Int
    public let status: AgendaItemStatus
    public let minutes: String?
    public let decision: String?
    public let decidedAt: Date?
    /// The subject as it read when the item was confirmed (nil while proposed): a later edit of
    /// the topic or the issue's title shows against it.
    public let confirmedSubject: String?

    /// What the item is about: the topic, or the linked issue's title.
    public var subject: String { topic ?? issue?.title ?? "" }
}

/// 第N回 事業者協議会, with its attendees and agenda.
public struct Meeting: Codable, Sendable, Equatable {
    public let id: Int
    public let number: Int
    public let heldOn: CalendarDate
    public let title: String
    public let state: MeetingState
    public let attendees: [OrganizationRef]
    public let agenda: [AgendaItem]
    public let createdAt: Date
    public let updatedAt: Date
}

public struct MeetingDraft: Sendable, Equatable {
    public var number: Int?
    public var heldOn: CalendarDate
    public var title: String
    public var state: MeetingState
    public var attendeeIDs: [Int]

    public init(number: Int?, heldOn: CalendarDate, title: String, state: MeetingState = .planned, attendeeIDs: [Int]) {
        self.number = number
        self.heldOn = heldOn
        self.title = JapaneseText.normalized(title)
        self.state = state
        self.attendeeIDs = Array(Set(attendeeIDs)).sorted()
    }

    public func validate() throws {
        try Problem.requireLine("title", title, max: 200)
        if let number, !(1...100_000).contains(number) { throw Problem.invalid("number", "a meeting number is 1 to 100000") }
    }
}

/// The writable fields of an agenda item.
public struct AgendaItemDraft: Sendable, Equatable {
    public var issueNumber: Int?
    public var topic: String?
    public var presenterID: Int?
    public var allottedMinutes: Int
    public var status: AgendaItemStatus
    public var minutes: String?

    public init(
        issueNumber: Int?, topic: String?, presenterID: Int?, allottedMinutes: Int, status: AgendaItemStatus = .confirmed,
        minutes: String? = nil
    ) {
        self.issueNumber = issueNumber
        self.topic = topic.map(JapaneseText.normalized)
        self.presenterID = presenterID
        self.allottedMinutes = allottedMinutes
        self.status = status
        self.minutes = minutes
    }

    public func validate() throws {
        if (issueNumber == nil) == (topic == nil) { throw Problem.invalid("topic", "an item is either an issue or a free topic") }
        if let topic { try Problem.requireLine("topic", topic, max: 200) }
        if !(1...480).contains(allottedMinutes) { throw Problem.invalid("allotted_minutes", "1 to 480 minutes") }
        if let minutes, minutes.count > 100_000 { throw Problem.invalid("minutes", "at most 100000 characters") }
    }
}
