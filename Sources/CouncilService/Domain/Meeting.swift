import CouncilDatabase
import Foundation

enum MeetingState: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled, SlugDecodable {
    case planned, held, cancelled

    var japaneseLabel: String {
        switch self {
        case .planned: "開催予定"
        case .held: "開催済"
        case .cancelled: "中止"
        }
    }
}

/// Proposed items (from `propose`) wait for the secretariat to confirm them.
enum AgendaItemStatus: String, CaseIterable, Codable, Sendable, SlugDecodable, PostgresRawTextEncodable, PostgresDecodable {
    case proposed, confirmed
}

struct AgendaIssue: Codable, Sendable, Equatable {
    let number: Int
    let title: String
    let state: IssueState
    let severity: IssueSeverity
}

struct AgendaItem: Codable, Sendable, Equatable {
    let id: Int
    /// 1…n among the items the reader sees (gaps would tell of items they may not see).
    var position: Int
    let issue: AgendaIssue?
    let topic: String?
    let presenter: OrganizationRef?
    let allottedMinutes: Int
    let status: AgendaItemStatus
    let minutes: String?
    let decision: String?
    let decidedAt: Date?
    /// The subject as it read when the item was confirmed (nil while proposed): a later edit of
    /// the topic or the issue's title shows against it.
    let confirmedSubject: String?

    /// What the item is about: the topic, or the linked issue's title.
    var subject: String { topic ?? issue?.title ?? "" }
}

/// 第N回 事業者協議会, with its attendees and agenda.
struct Meeting: Codable, Sendable, Equatable {
    let id: Int
    let number: Int
    let heldOn: CalendarDate
    let title: String
    let state: MeetingState
    let attendees: [OrganizationRef]
    let agenda: [AgendaItem]
    let createdAt: Date
    let updatedAt: Date
}

struct MeetingDraft: Sendable, Equatable {
    var number: Int?
    var heldOn: CalendarDate
    var title: String
    var state: MeetingState
    var attendeeIDs: [Int]

    init(number: Int?, heldOn: CalendarDate, title: String, state: MeetingState = .planned, attendeeIDs: [Int]) {
        self.number = number
        self.heldOn = heldOn
        self.title = JapaneseText.typedTrimmed(title)
        self.state = state
        self.attendeeIDs = Array(Set(attendeeIDs)).sorted()
    }

    func validate() throws {
        try Problem.requireLine("title", title, max: 200)
        if let number, !(1...100_000).contains(number) {
            throw Problem.invalid("number", Reason.meetingNumberRange)
        }
    }
}

/// The writable fields of an agenda item.
struct AgendaItemDraft: Sendable, Equatable {
    var issueNumber: Int?
    var topic: String?
    var presenterID: Int?
    var allottedMinutes: Int
    var status: AgendaItemStatus
    var minutes: String?

    init(
        issueNumber: Int?, topic: String?, presenterID: Int?, allottedMinutes: Int, status: AgendaItemStatus = .confirmed,
        minutes: String? = nil
    ) {
        self.issueNumber = issueNumber
        self.topic = topic.map(JapaneseText.typedTrimmed)
        self.presenterID = presenterID
        self.allottedMinutes = allottedMinutes
        self.status = status
        self.minutes = minutes.map(JapaneseText.typed)
    }

    func validate() throws {
        if (issueNumber == nil) == (topic == nil) {
            throw Problem.invalid("topic", Reason("an item is either an issue or a free topic", ja: "議題は課題か自由議題のどちらか一方です"))
        }
        if let topic { try Problem.requireLine("topic", topic, max: 200) }
        if !(1...480).contains(allottedMinutes) { throw Problem.invalid("allotted_minutes", Reason.allottedMinutesRange) }
        if let minutes, minutes.count > 100_000 { throw Problem.invalid("minutes", Reason("at most 100000 characters", ja: "100000文字までです")) }
    }
}
