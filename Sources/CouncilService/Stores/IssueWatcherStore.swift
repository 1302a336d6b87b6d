import CouncilDatabase

/// Accounts and organizations following an issue.
struct IssueWatcherStore: Sendable {
    let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func watchers(_ number: Int, for principal: Principal) async throws -> [IssueWatcher] {
        try await pool.withConnection { connection in
            _ = try IssueStore.visibleFacts(number, principal, on: connection)
            return try Self.watchers(number, on: connection)
        }
    }

    /// The watchers of an issue the caller was found to see.
    static func watchers(_ number: Int, on connection: Connection) throws -> [IssueWatcher] {
        try connection.query(
            Query(
                "issueWatchers.list",
                """
                SELECT CASE WHEN w.account_id IS NULL THEN 'organization' ELSE 'account' END AS kind,
                       coalesce(w.account_id, w.organization_id) AS id, coalesce(a.display_name, o.name) AS name, w.created_at
                FROM issue_watchers w LEFT JOIN accounts a ON a.id = w.account_id LEFT JOIN organizations o ON o.id = w.organization_id
                WHERE w.issue_number = \(number) ORDER BY kind, id
                """)
        ).rows.map {
            IssueWatcher(kind: try $0.decode("kind"), id: try $0.decode("id"), name: try $0.decode("name"), since: try $0.decode("created_at"))
        }
    }

    /// Adds a watcher; false when it was already watching.
    func add(_ number: Int, _ kind: WatcherKind, _ id: Int, by principal: Principal, _ actor: AuditActor) async throws -> Bool {
        try await pool.withTransaction { connection in
            let facts = try IssueStore.visibleFacts(number, principal, on: connection)
            try Policy.requireManageWatcher(kind: kind, id: id, principal)
            // The watcher must be able to see the issue itself.
            guard
                let watcher = try connection.query(
                    Query(
                        "issueWatchers.watcher",
                        """
                        SELECT o.id AS organization_id, o.kind FROM organizations o
                        WHERE o.active AND o.id = CASE WHEN \(kind) = 'account'
                                                     THEN (SELECT organization_id FROM accounts WHERE id = \(id) AND active) ELSE \(id) END
                        """)
                ).first
            else {
                throw Problem.unprocessable("id", Reason("no active \(kind.rawValue) \(id)", ja: "有効な\(kind.rawValue) \(id)はありません"))
            }
            let organization: Int = try watcher.decode("organization_id")
            let organizationKind: OrganizationKind = try watcher.decode("kind")
            guard Policy.canSee(issue: facts, organization: organization, isSecretariat: organizationKind == .secretariat) else {
                throw Problem.unprocessable(
                    "id", Reason("this \(kind.rawValue) may not see issue #\(number)", ja: "この\(kind.rawValue)は課題#\(number)を見られません"))
            }
            let column: SQL = kind == .account ? "account_id" : "organization_id"
            let inserted =
                try connection.query(
                    Query(
                        "issueWatchers.insert.\(kind.rawValue)",
                        """
                        INSERT INTO issue_watchers (issue_number, \(column)) VALUES (\(number), \(id)) ON CONFLICT DO NOTHING RETURNING issue_number
                        """)
                ).rows.count == 1
            guard inserted else { return false }
            try IssueEvents.record(connection, number, actor, kind: "watcher_added", field: kind.rawValue, old: nil, new: .number(Double(id)))
            try AuditStore.record(
                connection, actor, action: .issueWatcherCreate, entityType: .issue, entityID: number,
                before: nil, after: ["watcher": .string("\(kind.rawValue):\(id)")])
            return true
        }
    }

    func remove(_ number: Int, _ kind: WatcherKind, _ id: Int, by principal: Principal, _ actor: AuditActor) async throws {
        try await pool.withTransaction { connection in
            _ = try IssueStore.visibleFacts(number, principal, on: connection)
            try Policy.requireManageWatcher(kind: kind, id: id, principal)
            let column: SQL = kind == .account ? "account_id" : "organization_id"
            let deleted = try connection.query(
                Query(
                    "issueWatchers.delete.\(kind.rawValue)",
                    """
                    DELETE FROM issue_watchers WHERE issue_number = \(number) AND \(column) = \(id) RETURNING issue_number
                    """)
            ).rows.count
            guard deleted == 1 else {
                throw Problem.notFound(
                    Reason("\(kind.rawValue) \(id) is not watching #\(number)", ja: "\(kind.rawValue) \(id)は#\(number)をウォッチしていません"))
            }
            try IssueEvents.record(connection, number, actor, kind: "watcher_removed", field: kind.rawValue, old: .number(Double(id)), new: nil)
            try AuditStore.record(
                connection, actor, action: .issueWatcherDelete, entityType: .issue, entityID: number,
                before: ["watcher": .string("\(kind.rawValue):\(id)")], after: nil)
        }
    }
}
