import CouncilDatabase

/// The per-issue history: one event per changed field, relation, municipality link, state,
/// comment and watcher, written in the transaction of the change. Append-only by trigger.
struct IssueEvents: Sendable {
    let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    static func record(
        _ connection: Connection, _ number: Int, _ actor: AuditActor, kind: String, field: String?,
        old: JSONValue?, new: JSONValue?, related: Int? = nil
    ) throws {
        try connection.query(
            Query(
                "issueEvents.record",
                """
                INSERT INTO issue_events (issue_number, actor_account_id, actor_organization_id, kind, field, old_value, new_value,
                                          related_number, request_id)
                VALUES (\(number), \(actor.accountID), \(actor.organizationID), \(kind), \(field),
                        \(try old.map { try JSONB($0) })::jsonb, \(try new.map { try JSONB($0) })::jsonb, \(related), \(actor.requestID))
                """))
    }

    /// Events for an edit: each changed field, and each municipality link added, removed or changed.
    /// `before` and `after` come with their API fields, which the audit row uses too.
    static func recordChanges(
        _ connection: Connection, _ number: Int, _ actor: AuditActor,
        before: (issue: Issue, fields: [String: JSONValue]),
        after: (issue: Issue, fields: [String: JSONValue])
    ) throws {
        var old = before.fields, new = after.fields
        for key in ["municipalities", "version", "updated_at", "created_at"] {
            old[key] = nil
            new[key] = nil
        }
        for (field, change) in AuditStore.changes(before: old, after: new).sorted(by: { $0.key < $1.key }) {
            try record(connection, number, actor, kind: "field_changed", field: field, old: change.old ?? .null, new: change.new ?? .null)
        }
        let oldLinks = Dictionary(uniqueKeysWithValues: before.issue.municipalities.map { ($0.dantaiCode.rawValue, $0.link) })
        let newLinks = Dictionary(uniqueKeysWithValues: after.issue.municipalities.map { ($0.dantaiCode.rawValue, $0.link) })
        for code in Set(oldLinks.keys).union(newLinks.keys).sorted() {
            let was = oldLinks[code], now = newLinks[code]
            guard was != now else { continue }
            let kind = was == nil ? "municipality_added" : now == nil ? "municipality_removed" : "municipality_changed"
            try record(
                connection, number, actor, kind: kind, field: code,
                old: try was.map(linkValue) ?? .null, new: try now.map(linkValue) ?? .null)
        }
    }

    private static func linkValue(_ link: IssueMunicipality) throws -> JSONValue {
        .object(["impact": .string(link.impact.rawValue), "business_areas": .array(link.businessAreas.map { .string($0.rawValue) })])
    }

    /// An issue's events, oldest first, after the given id. Relation events naming an issue the
    /// caller may not see are left out.
    func events(_ number: Int, after: Int?, limit: Int, for principal: Principal) async throws -> CursorPage<IssueEvent> {
        try await pool.withConnection { connection in
            _ = try IssueStore.visibleFacts(number, principal, on: connection)
            return try Self.events(number, after: after, limit: limit, scope: Policy.issueScope(principal), on: connection)
        }
    }

    /// A page of the events of an issue the caller was found to see; an event naming another
    /// issue only when `scope` sees that one too.
    static func events(
        _ number: Int, after: Int?, limit: Int, scope issueScope: Policy.IssueScope, on connection: Connection
    ) throws -> CursorPage<IssueEvent> {
        let scope = IssueSearch.visibility(issueScope, alias: "ri")
        let visible: SQL = "(e.related_number IS NULL OR EXISTS (SELECT 1 FROM issues ri WHERE ri.number = e.related_number AND \(scope)))"
        let rows = try connection.query(
            Query(
                "issueEvents.list",
                """
                SELECT e.id, e.at, e.actor_account_id, e.actor_organization_id, e.kind, e.field,
                       e.old_value::text AS old_value, e.new_value::text AS new_value, e.related_number
                FROM issue_events e
                WHERE e.issue_number = \(number) AND e.id > \(after ?? 0) AND \(visible)
                ORDER BY e.id LIMIT \(limit + 1)
                """)
        ).rows
        let total: Int = try connection.query(
            Query(
                "issueEvents.count",
                """
                SELECT count(*) AS n FROM issue_events e WHERE e.issue_number = \(number) AND \(visible)
                """)
        ).single().decode("n")
        let items = try rows.prefix(limit).map { row in
            IssueEvent(
                id: try row.decode("id"), at: try row.decode("at"), actorAccountID: try row.decodeIfPresent("actor_account_id"),
                actorOrganizationID: try row.decodeIfPresent("actor_organization_id"), kind: try row.decode("kind"),
                field: try row.decodeIfPresent("field"),
                old: try row.decodeIfPresent("old_value", as: JSONValue.self),
                new: try row.decodeIfPresent("new_value", as: JSONValue.self),
                relatedIssue: try row.decodeIfPresent("related_number"))
        }
        return CursorPage(items: Array(items), total: total, nextCursor: rows.count > limit ? items.last.map { String($0.id) } : nil)
    }
}
