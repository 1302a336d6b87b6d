import CouncilDatabase
import Foundation

/// Where an event stands in the outbox: events are read in (transaction, id) order, which is
/// commit-safe (see sql/0022). Written as `xact-id`, the stream's event id.
package struct OutboxPosition: Sendable, Comparable, CustomStringConvertible {
    let xact: UInt64
    let id: Int

    package var description: String { "\(xact)-\(id)" }

    init(xact: UInt64, id: Int) {
        self.xact = xact
        self.id = id
    }

    /// `xact-id`, as `description` writes it; nil for anything else.
    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count <= 20 && $0.allSatisfy(\.isASCII) }),
            let xact = UInt64(parts[0]), let id = Int(parts[1]), id >= 0
        else { return nil }
        self.init(xact: xact, id: id)
    }

    package static func < (lhs: Self, rhs: Self) -> Bool { (lhs.xact, lhs.id) < (rhs.xact, rhs.id) }
}

/// One event of the outbox, as written by the change that caused it.
package struct OutboxEvent: Sendable {
    let position: OutboxPosition
    let at: Date
    let kind: EventKind
    let issueNumber: Int?
    let relatedNumber: Int?
    let audienceOrganizationID: Int?
    let actorAccountID: Int?
    let actorOrganizationID: Int?
    let data: [String: JSONValue]

    var id: Int { position.id }
}

/// The transactional outbox: `record` runs inside the change's own transaction.
enum Outbox {
    /// Who may hear of an event, decided again whenever it is delivered.
    struct Audience: Sendable {
        var issue: Int?
        var related: Int?
        var organization: Int?

        /// Everyone signed in (filings, meetings).
        static let council = Audience()
        static func issue(_ number: Int, related: Int? = nil) -> Audience { Audience(issue: number, related: related) }
        static func organization(_ id: Int) -> Audience { Audience(organization: id) }
    }

    static func record(
        _ connection: Connection, _ kind: EventKind, _ audience: Audience, _ actor: AuditActor, data: [String: JSONValue]
    ) throws {
        try connection.query(
            Query(
                "outbox.record",
                """
                INSERT INTO outbox_events (kind, issue_number, related_number, audience_organization_id, actor_account_id,
                                           actor_organization_id, data, request_id)
                VALUES (\(kind.rawValue), \(audience.issue), \(audience.related), \(audience.organization), \(actor.accountID),
                        \(actor.organizationID), \(try JSONB(data))::jsonb, \(actor.requestID))
                """))
    }

    static let columns: SQL = """
        e.id, e.xact::text AS xact, e.at, e.kind, e.issue_number, e.related_number, e.audience_organization_id,
        e.actor_account_id, e.actor_organization_id, e.data
        """

    /// Below it, every transaction of this database has ended (`outbox_horizon()`, sql/0022);
    /// valid for statements after the one that read it.
    static func horizon(on connection: Connection) throws -> UInt64 {
        UInt64(try connection.query(Query("outbox.horizon", "SELECT outbox_horizon()::text AS h")).single().decode("h", as: String.self)) ?? 0
    }

    /// Events after `position` of transactions below `horizon` (read by an earlier statement):
    /// nothing that commits later can ever sort before them, so a reader that moves on never
    /// skips one.
    static func events(after position: OutboxPosition, below horizon: UInt64, limit: Int, on connection: Connection) throws -> [OutboxEvent] {
        try connection.query(
            Query(
                "outbox.after",
                """
                SELECT \(columns) FROM outbox_events e
                WHERE (e.xact, e.id) > (\(String(position.xact))::xid8, \(position.id)) AND e.xact < \(String(horizon))::xid8
                ORDER BY e.xact, e.id LIMIT \(limit)
                """)
        ).rows.compactMap(event)
    }

    /// The events after `position` that are settled now: the horizon, then the events below it.
    static func events(after position: OutboxPosition, limit: Int, on connection: Connection) throws -> [OutboxEvent] {
        try events(after: position, below: try horizon(on: connection), limit: limit, on: connection)
    }

    /// Where a new reader starts: every event committed so far is at or before it (a few
    /// committed just now may follow it).
    static func head(on connection: Connection) throws -> OutboxPosition {
        let horizon = try self.horizon(on: connection)
        let id: Int = try connection.query(Query("outbox.maxID", "SELECT coalesce(max(id), 0) AS id FROM outbox_events")).single().decode("id")
        return OutboxPosition(xact: max(horizon, 1) - 1, id: id)
    }

    static func event(id: Int, on connection: Connection) throws -> OutboxEvent? {
        try connection.query(Query("outbox.byID", "SELECT \(columns) FROM outbox_events e WHERE e.id = \(id)")).first.flatMap(event)
    }

    /// A row as an event; a kind this daemon does not know (written by a newer one) is skipped.
    static func event(_ row: Row) throws -> OutboxEvent? {
        guard let kind = EventKind(rawValue: try row.decode("kind")) else { return nil }
        return OutboxEvent(
            position: OutboxPosition(xact: UInt64(try row.decode("xact", as: String.self)) ?? 0, id: try row.decode("id")),
            at: try row.decode("at"), kind: kind, issueNumber: try row.decodeIfPresent("issue_number"),
            relatedNumber: try row.decodeIfPresent("related_number"),
            audienceOrganizationID: try row.decodeIfPresent("audience_organization_id"),
            actorAccountID: try row.decodeIfPresent("actor_account_id"), actorOrganizationID: try row.decodeIfPresent("actor_organization_id"),
            data: try row.decode("data", as: JSONObject.self).members)
    }
}

extension Outbox {
    /// What every issue event carries about its issue.
    static func summary(_ issue: Issue) -> JSONValue {
        summary(
            number: issue.number, title: issue.title, state: issue.state.rawValue, severity: issue.severity.rawValue,
            visibility: issue.visibility.rawValue, vendorIDs: issue.vendors.map(\.id))
    }

    static func summary(number: Int, title: String, state: String, severity: String, visibility: String, vendorIDs: [Int]) -> JSONValue {
        .object([
            "number": .number(Double(number)), "title": .string(title), "state": .string(state), "severity": .string(severity),
            "visibility": .string(visibility), "vendor_ids": .array(vendorIDs.map { .number(Double($0)) }),
        ])
    }

    /// An event about an issue the change did not otherwise read whole (a comment, a relation):
    /// its summary from one light query, not the issue with all its links.
    static func record(
        _ connection: Connection, _ kind: EventKind, issueNumber number: Int, related: Int? = nil, _ actor: AuditActor,
        _ data: [String: JSONValue] = [:]
    ) throws {
        let row = try connection.query(
            Query(
                "outbox.issueSummary",
                """
                SELECT i.number, i.title, i.state, i.severity, i.visibility,
                       ARRAY(SELECT v.vendor_id FROM issue_vendors v WHERE v.issue_number = i.number ORDER BY v.vendor_id)::bigint[] AS vendor_ids
                FROM issues i WHERE i.number = \(number)
                """)
        ).single()
        var data = data
        data["issue"] = summary(
            number: number, title: try row.decode("title"), state: try row.decode("state"), severity: try row.decode("severity"),
            visibility: try row.decode("visibility"), vendorIDs: try row.decode("vendor_ids"))
        try record(connection, kind, .issue(number, related: related), actor, data: data)
    }

    /// An event about one issue, told to those who see it (and `related`, when it names another).
    static func record(
        _ connection: Connection, _ kind: EventKind, issue: Issue, related: Int? = nil, _ actor: AuditActor,
        _ data: [String: JSONValue] = [:]
    ) throws {
        var data = data
        data["issue"] = summary(issue)
        try record(connection, kind, .issue(issue.number, related: related), actor, data: data)
    }
}
