import CouncilDatabase

/// blocks / duplicates / relates between issues. Stored once, in a canonical direction; each
/// side sees it from its own point of view. Cycles of `blocks` are refused.
struct IssueRelationStore: Sendable {
    let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// The relations of a visible issue whose other side the caller may also see.
    func relations(_ number: Int, for principal: Principal) async throws -> [IssueRelation] {
        try await pool.withConnection { connection in
            _ = try IssueStore.visibleFacts(number, principal, on: connection)
            return try Self.visibleRelations(number, Policy.issueScope(principal), on: connection)
        }
    }

    static func visibleRelations(_ number: Int, _ scope: Policy.IssueScope, on connection: Connection) throws -> [IssueRelation] {
        try connection.query(
            Query(
                "issueRelations.list",
                """
                SELECT r.kind, r.from_number = \(number) AS from_this_side, o.number, o.title, o.state
                FROM issue_relations r JOIN issues o ON o.number = CASE WHEN r.from_number = \(number) THEN r.to_number ELSE r.from_number END
                WHERE (r.from_number = \(number) OR r.to_number = \(number)) AND \(IssueSearch.visibility(scope, alias: "o"))
                ORDER BY r.kind, o.number
                """)
        ).rows.map { row in
            IssueRelation(
                kind: .seen(stored: try row.decode("kind"), fromThisSide: try row.decode("from_this_side")),
                issue: try row.decode("number"), title: try row.decode("title"), state: try row.decode("state"))
        }
    }

    /// Adds `number <kind> other`; nil when it already existed (nothing changed).
    func add(
        _ number: Int, _ kind: IssueRelationKind, _ other: Int, by principal: Principal,
        _ actor: AuditActor
    ) async throws -> IssueRelation? {
        try await pool.withTransaction { connection in
            let target = try Self.lockPair(number, kind, other, principal, on: connection)
            guard try Self.link(kind, number, other, principal, actor, on: connection) else { return nil }
            try AuditStore.record(
                connection, actor, action: .issueRelationCreate, entityType: .issue, entityID: number,
                before: nil, after: ["relation": .string(kind.rawValue), "issue": .number(Double(other))])
            try Outbox.record(
                connection, .issueRelated, issueNumber: number, related: other, actor,
                ["relation": .object(["kind": .string(kind.rawValue), "issue": .number(Double(other))])])
            return IssueRelation(kind: kind, issue: other, title: target.title, state: target.state)
        }
    }

    func remove(_ number: Int, _ kind: IssueRelationKind, _ other: Int, by principal: Principal, _ actor: AuditActor) async throws {
        try await pool.withTransaction { connection in
            _ = try Self.lockPair(number, kind, other, principal, on: connection)
            let (stored, from, to) = Self.canonical(kind, number, other)
            let deleted = try connection.query(
                Query(
                    "issueRelations.delete",
                    """
                    DELETE FROM issue_relations WHERE kind = \(stored) AND from_number = \(from) AND to_number = \(to) RETURNING kind
                    """)
            ).rows.count
            guard deleted == 1 else {
                throw Problem.notFound(
                    Reason("#\(number) has no relation \(kind.rawValue) #\(other)", ja: "#\(number)に#\(other)との関連（\(kind.rawValue)）はありません"))
            }
            try Self.recordOnBoth(kind, number, other, actor, added: false, on: connection)
            try AuditStore.record(
                connection, actor, action: .issueRelationDelete, entityType: .issue, entityID: number,
                before: ["relation": .string(kind.rawValue), "issue": .number(Double(other))], after: nil)
            try Outbox.record(
                connection, .issueUnrelated, issueNumber: number, related: other, actor,
                ["relation": .object(["kind": .string(kind.rawValue), "issue": .number(Double(other))])])
        }
    }

    /// Checks the policy lets the caller relate the two issues (`Policy.requireRelate`), then
    /// locks both (in number order, so two requests cannot deadlock) and checks again under the locks.
    private static func lockPair(
        _ number: Int, _ kind: IssueRelationKind, _ other: Int, _ principal: Principal,
        on connection: Connection
    ) throws -> (title: String, state: IssueState) {
        func check() throws -> IssueAccessFacts {
            let this = try IssueStore.visibleFacts(number, principal, on: connection)
            try Policy.requireParticipant(this, principal)
            guard other != number else {
                throw Problem.unprocessable("issue", Reason("an issue cannot be related to itself", ja: "課題は自分自身と関連付けられません"))
            }
            guard let target = try IssueStore.facts(other, on: connection), Policy.canSee(issue: target, principal) else {
                throw Problem.unprocessable("issue", Reason("no issue #\(other)", ja: "課題#\(other)はありません"))
            }
            try Policy.requireRelate(this, kind, target, principal)
            return target
        }
        _ = try check()
        let rows = try connection.query(
            Query(
                "issueRelations.lockPair",
                """
                SELECT i.number, i.title FROM issues i WHERE i.number IN (\(number), \(other)) ORDER BY i.number FOR UPDATE
                """)
        ).rows
        let target = try check()
        let title = try rows.first { try $0.decode("number", as: Int.self) == other }.map { try $0.decode("title", as: String.self) }
        return (title ?? "", target.state)
    }

    static func canonical(_ kind: IssueRelationKind, _ number: Int, _ other: Int) -> (kind: String, from: Int, to: Int) {
        let stored = kind.stored
        if kind == .relates { return (stored.kind, min(number, other), max(number, other)) }
        return stored.thisIsFrom ? (stored.kind, number, other) : (stored.kind, other, number)
    }

    /// Inserts the relation inside a running transaction, with events on both issues; false
    /// when it was already there.
    @discardableResult
    static func link(
        _ kind: IssueRelationKind, _ number: Int, _ other: Int, _ principal: Principal, _ actor: AuditActor,
        on connection: Connection
    ) throws -> Bool {
        let (stored, from, to) = canonical(kind, number, other)
        if stored == "blocks" {
            // Serializes every new `blocks` edge, so two concurrent requests cannot each add half a cycle.
            try connection.query(Query("issueRelations.lockBlocks", "SELECT pg_advisory_xact_lock(hashtext('issue_relations.blocks'))"))
            let path = try connection.query(
                Query(
                    "issueRelations.blockPath",
                    """
                    WITH RECURSIVE reach (number, path) AS (
                        SELECT to_number, ARRAY[\(to)::int, to_number] FROM issue_relations WHERE kind = 'blocks' AND from_number = \(to)
                        UNION
                        SELECT r.to_number, reach.path || r.to_number FROM issue_relations r JOIN reach ON r.from_number = reach.number
                        WHERE r.kind = 'blocks' AND NOT r.to_number = ANY (reach.path))
                    SELECT path FROM reach WHERE number = \(from) LIMIT 1
                    """)
            ).first
            if let path {
                // Issues of the cycle the caller may not see are not named.
                let chain = try path.decode("path", as: [Int].self).map { step in
                    try IssueStore.facts(step, on: connection).map { Policy.canSee(issue: $0, principal) } == true ? "#\(step)" : "a restricted issue"
                }.joined(separator: " → ")
                throw Problem.unprocessable(
                    "issue",
                    Reason("#\(from) blocks #\(to) would close the cycle \(chain) → #\(to)", ja: "#\(from)が#\(to)をブロックすると循環になります（\(chain) → #\(to)）"))
            }
        }
        let inserted =
            try connection.query(
                Query(
                    "issueRelations.insert",
                    """
                    INSERT INTO issue_relations (kind, from_number, to_number, created_by) VALUES (\(stored), \(from), \(to), \(actor.accountID))
                    ON CONFLICT DO NOTHING RETURNING kind
                    """)
            ).rows.count == 1
        if inserted { try recordOnBoth(kind, number, other, actor, added: true, on: connection) }
        return inserted
    }

    /// A relation change is part of both issues' history and representation (their ETags move).
    private static func recordOnBoth(
        _ kind: IssueRelationKind, _ number: Int, _ other: Int, _ actor: AuditActor,
        added: Bool, on connection: Connection
    ) throws {
        let eventKind = added ? "relation_added" : "relation_removed"
        try IssueEvents.record(
            connection, number, actor, kind: eventKind, field: kind.rawValue,
            old: added ? nil : .number(Double(other)), new: added ? .number(Double(other)) : nil, related: other)
        try IssueEvents.record(
            connection, other, actor, kind: eventKind, field: kind.inverse.rawValue,
            old: added ? nil : .number(Double(number)), new: added ? .number(Double(number)) : nil, related: number)
        try connection.query(
            Query(
                "issueRelations.bumpVersions",
                """
                UPDATE issues SET version = version + 1, updated_at = now() WHERE number IN (\(number), \(other))
                """))
    }
}
