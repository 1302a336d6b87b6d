import CouncilDatabase

/// Who may hear of an event, decided when it is delivered (not when it was written), by the same
/// `Policy` that guards the pages and the API: an issue restricted since is no longer told about.
struct EventAudience: Sendable {
    /// The issues the events name, as they are now; an issue absent here is told to nobody.
    let issues: [Int: IssueAccessFacts]

    /// Reads the facts of every issue the events name, in one query.
    static func load(for events: [OutboxEvent], on connection: Connection) throws -> EventAudience {
        let numbers = Array(Set(events.flatMap { [$0.issueNumber, $0.relatedNumber].compactMap { $0 } }))
        guard !numbers.isEmpty else { return EventAudience(issues: [:]) }
        let rows = try connection.query(
            Query(
                "eventAudience.facts",
                "SELECT \(IssueStore.factColumns) FROM issues i WHERE i.number = ANY(\(numbers)::integer[])")
        ).rows
        return EventAudience(
            issues: Dictionary(
                uniqueKeysWithValues: try rows.map {
                    let f = try IssueStore.facts($0); return (f.number, f)
                }))
    }

    /// Whether an organization (and so anyone of it) may hear of the event.
    func admits(_ event: OutboxEvent, organization: Int, isSecretariat: Bool) -> Bool {
        if isSecretariat { return true }
        if let audience = event.audienceOrganizationID, audience != organization { return false }
        for number in [event.issueNumber, event.relatedNumber].compactMap({ $0 }) {
            guard let facts = issues[number], Policy.canSee(issue: facts, organization: organization, isSecretariat: false) else {
                return false
            }
        }
        return true
    }

    /// Whether the event is about the organization: an issue it reported, is assigned or is named
    /// in (either issue of a relation), its own filings, or addressed to it.
    func concerns(_ event: OutboxEvent, organization: Int) -> Bool {
        if event.audienceOrganizationID == organization || event.data["vendor_id"] == .number(Double(organization)) { return true }
        return [event.issueNumber, event.relatedNumber].compactMap { $0 }.contains { number in
            guard let facts = issues[number] else { return false }
            return facts.reporterOrganizationID == organization || facts.assigneeOrganizationID == organization
                || facts.vendorIDs.contains(organization)
        }
    }

    func admits(_ event: OutboxEvent, _ principal: Principal) -> Bool {
        admits(event, organization: principal.organizationID, isSecretariat: principal.isSecretariat)
    }
}
