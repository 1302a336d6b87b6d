import CouncilDatabase

/// Comments on issues (Markdown), editable by their author; every earlier text is kept.
struct IssueCommentStore: Sendable {
    let pool: DatabasePool
    static let maxBody = 50_000

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func comments(_ number: Int, after: Int?, limit: Int, for principal: Principal) async throws -> CursorPage<IssueComment> {
        try await pool.withConnection { connection in
            _ = try IssueStore.visibleFacts(number, principal, on: connection)
            return try Self.comments(number, after: after, limit: limit, on: connection)
        }
    }

    /// A page of the comments of an issue the caller was found to see.
    static func comments(_ number: Int, after: Int?, limit: Int, on connection: Connection) throws -> CursorPage<IssueComment> {
        let rows = try connection.query(
            Query(
                "issueComments.list",
                """
                SELECT \(Self.columns) FROM issue_comments c \(Self.joins)
                WHERE c.issue_number = \(number) AND c.id > \(after ?? 0) ORDER BY c.id LIMIT \(limit + 1)
                """)
        ).rows
        let total: Int = try connection.query(
            Query(
                "issueComments.count",
                """
                SELECT count(*) AS n FROM issue_comments WHERE issue_number = \(number)
                """)
        ).single().decode("n")
        let items = try rows.prefix(limit).map(Self.comment)
        return CursorPage(items: Array(items), total: total, nextCursor: rows.count > limit ? items.last.map { String($0.id) } : nil)
    }

    /// A new comment and the issue's ETag after it. `expectedVersion` (from `If-Match`, when
    /// sent) must be the issue's current version.
    func add(
        _ number: Int, body: String, expectedVersion: Int? = nil, by principal: Principal, _ actor: AuditActor
    ) async throws -> (comment: IssueComment, etag: String) {
        try await pool.withTransaction { connection in
            try Policy.requireParticipant(try IssueStore.visibleFacts(number, principal, on: connection, lock: true), principal)
            let comment = try Self.insert(number, body: body, principal, actor, on: connection)
            let version = try Self.touch(number, on: connection)
            // The issue's row is locked since the check above, so the version before is this one's predecessor.
            if let expectedVersion, expectedVersion != version - 1 {
                throw Problem.preconditionFailed(current: Issue.etag(number: number, version: version - 1))
            }
            try Outbox.record(
                connection, .issueCommented, issueNumber: number, actor,
                [
                    "comment": .object([
                        "id": .number(Double(comment.id)), "body": .string(comment.body),
                        "author_organization_id": .number(Double(principal.organizationID)),
                    ])
                ])
            return (comment, Issue.etag(number: number, version: version))
        }
    }

    /// Adds a comment inside a running transaction; the caller moves the issue's version (a
    /// transition carrying a note moves it once, in its own UPDATE).
    static func insert(_ number: Int, body: String, _ principal: Principal, _ actor: AuditActor, on connection: Connection) throws -> IssueComment {
        let text = try validated(body)
        let key = IssueSearchKey.make(text)
        let id: Int = try connection.query(
            Query(
                "issueComments.insert",
                """
                INSERT INTO issue_comments (issue_number, author_account_id, author_organization_id, body, search_key, search_grams)
                VALUES (\(number), \(principal.accountID), \(principal.organizationID), \(text), \(key), \(IssueSearchKey.grams(key))::text[])
                RETURNING id
                """)
        ).single().decode("id")
        try IssueEvents.record(connection, number, actor, kind: "comment_added", field: "comments", old: nil, new: .number(Double(id)))
        let comment = try fetch(id, on: connection)!
        try AuditStore.record(
            connection, actor, action: .issueCommentCreate, entityType: .issueComment, entityID: id,
            before: nil, after: try JSONValue.fields(of: comment))
        return comment
    }

    /// The edited comment, and the issue's ETag when the edit changed the text (and so moved it).
    func edit(
        _ number: Int, comment id: Int, body: String, by principal: Principal, _ actor: AuditActor
    ) async throws -> (comment: IssueComment, etag: String?) {
        try await pool.withTransaction { connection in
            _ = try IssueStore.visibleFacts(number, principal, on: connection)
            guard let current = try Self.fetch(id, on: connection, lock: true), current.issueNumber == number else {
                throw Problem.notFound(Reason.noComment(id, onIssue: number))
            }
            try Policy.requireEditComment(author: current.authorAccountID, principal)
            let text = try Self.validated(body)
            guard text != current.body else { return (current, nil) }
            let key = IssueSearchKey.make(text)
            try connection.query(
                Query(
                    "issueComments.keepRevision",
                    """
                    INSERT INTO issue_comment_revisions (comment_id, body, replaced_by) VALUES (\(id), \(current.body), \(principal.accountID))
                    """))
            try connection.query(
                Query(
                    "issueComments.update",
                    """
                    UPDATE issue_comments SET body = \(text), search_key = \(key), search_grams = \(IssueSearchKey.grams(key))::text[],
                           edit_count = edit_count + 1, updated_at = clock_timestamp()
                    WHERE id = \(id)
                    """))
            let version = try Self.touch(number, on: connection)
            try IssueEvents.record(
                connection, number, actor, kind: "comment_edited", field: "comments",
                old: .number(Double(id)), new: .number(Double(id)))
            let updated = try Self.fetch(id, on: connection)!
            try AuditStore.record(
                connection, actor, action: .issueCommentUpdate, entityType: .issueComment, entityID: id,
                before: try JSONValue.fields(of: current), after: try JSONValue.fields(of: updated))
            return (updated, Issue.etag(number: number, version: version))
        }
    }

    func revisions(_ number: Int, comment id: Int, for principal: Principal) async throws -> [IssueCommentRevision] {
        try await pool.withConnection { connection in
            _ = try IssueStore.visibleFacts(number, principal, on: connection)
            guard let comment = try Self.fetch(id, on: connection), comment.issueNumber == number else {
                throw Problem.notFound(Reason.noComment(id, onIssue: number))
            }
            return try connection.query(
                Query(
                    "issueComments.revisions",
                    """
                    SELECT body, replaced_at, replaced_by FROM issue_comment_revisions WHERE comment_id = \(id) ORDER BY id
                    """)
            ).rows.map {
                IssueCommentRevision(body: try $0.decode("body"), replacedAt: try $0.decode("replaced_at"), replacedBy: try $0.decode("replaced_by"))
            }
        }
    }

    private static func validated(_ body: String) throws -> String {
        let text = JapaneseText.typedTrimmed(body)
        if text.isEmpty || text.count > maxBody {
            throw Problem.invalid("body", Reason("give 1 to \(maxBody) characters", ja: "1〜\(maxBody)文字で書いてください"))
        }
        return text
    }

    /// A comment is part of the conversation a client acts on: it moves the issue's ETag and
    /// its last activity (its search grams live on the comment's own row). Returns the new version.
    private static func touch(_ number: Int, on connection: Connection) throws -> Int {
        try connection.query(
            Query(
                "issues.touchForComment",
                """
                UPDATE issues SET version = version + 1, updated_at = now() WHERE number = \(number) RETURNING version
                """)
        ).single().decode("version")
    }

    static func fetch(_ id: Int, on connection: Connection, lock: Bool = false) throws -> IssueComment? {
        let lockClause: SQL = lock ? "FOR UPDATE OF c" : ""
        return try connection.query(
            Query(
                lock ? "issueComments.byIDForUpdate" : "issueComments.byID",
                """
                SELECT \(columns) FROM issue_comments c \(joins) WHERE c.id = \(id) \(lockClause)
                """)
        ).first.map(comment)
    }

    static let joins: SQL = "JOIN accounts a ON a.id = c.author_account_id JOIN organizations o ON o.id = c.author_organization_id"
    static let columns: SQL = """
        c.id, c.issue_number, c.author_account_id, a.display_name AS author_name, c.author_organization_id,
        o.name AS author_organization_name, c.body, c.edit_count, c.created_at, c.updated_at
        """

    static func comment(_ row: Row) throws -> IssueComment {
        IssueComment(
            id: try row.decode("id"), issueNumber: try row.decode("issue_number"), authorAccountID: try row.decode("author_account_id"),
            authorName: try row.decode("author_name"),
            authorOrganization: OrganizationRef(id: try row.decode("author_organization_id"), name: try row.decode("author_organization_name")),
            body: try row.decode("body"), editCount: try row.decode("edit_count"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}
