/// Every kind of event the outbox carries: the one list that webhook filters, the stream, the
/// OpenAPI document and the settings pages name.
package enum EventKind: String, CaseIterable, Codable, Sendable {
    case issueCreated = "issue.created"
    case issueUpdated = "issue.updated"
    case issueAssigned = "issue.assigned"
    case issueTransitioned = "issue.transitioned"
    case issueCommented = "issue.commented"
    case issueRelated = "issue.related"
    case issueUnrelated = "issue.unrelated"
    case statusReported = "status.reported"
    case adoptionsChanged = "adoptions.changed"
    case meetingCreated = "meeting.created"
    case meetingUpdated = "meeting.updated"
    case agendaChanged = "meeting.agenda_changed"
    case decisionRecorded = "meeting.decision_recorded"
    case webhookDisabled = "webhook.disabled"
}

extension EventKind {
    /// What people read for the kind, in Japanese and English.
    var labels: (ja: String, en: String) {
        switch self {
        case .issueCreated: ("課題の登録", "Issue filed")
        case .issueUpdated: ("課題の変更", "Issue edited")
        case .issueAssigned: ("担当の変更", "Issue assigned")
        case .issueTransitioned: ("状態の変更", "Issue moved")
        case .issueCommented: ("コメント", "Comment")
        case .issueRelated: ("関連の追加", "Relation added")
        case .issueUnrelated: ("関連の削除", "Relation removed")
        case .statusReported: ("開発状況の届出", "Status report")
        case .adoptionsChanged: ("採用・移行状況の変更", "Adoptions changed")
        case .meetingCreated: ("協議会の登録", "Meeting planned")
        case .meetingUpdated: ("協議会の変更", "Meeting changed")
        case .agendaChanged: ("議題の変更", "Agenda changed")
        case .decisionRecorded: ("決定事項", "Decision recorded")
        case .webhookDisabled: ("Webhook の停止", "Webhook disabled")
        }
    }
}
