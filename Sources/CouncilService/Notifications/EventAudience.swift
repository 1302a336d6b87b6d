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
        organizationsConcerned(by: event).contains(organization)
    }

    /// Every organization the event is about (`concerns`): the fan-out reads only their endpoints
    /// scoped to their own, not every endpoint for every event.
    func organizationsConcerned(by event: OutboxEvent) -> Set<Int> {
        var organizations = Set<Int>()
        if let audience = event.audienceOrganizationID { organizations.insert(audience) }
        if case .number(let vendor)? = event.data["vendor_id"], let id = Int(exactly: vendor) { organizations.insert(id) }
        for number in [event.issueNumber, event.relatedNumber].compactMap({ $0 }) {
            guard let facts = issues[number] else { continue }
            organizations.insert(facts.reporterOrganizationID)
            if let assignee = facts.assigneeOrganizationID { organizations.insert(assignee) }
            organizations.formUnion(facts.vendorIDs)
        }
        return organizations
    }

    func admits(_ event: OutboxEvent, _ principal: Principal) -> Bool {
        admits(event, organization: principal.organizationID, isSecretariat: principal.isSecretariat)
    }
}
