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
