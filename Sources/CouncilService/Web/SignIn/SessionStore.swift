import CouncilDatabase
import Foundation

/// A browser session as the pages need it: who, and the token every form must carry.
struct WebSession: Sendable, Equatable {
    let id: Int
    let principal: Principal
    let displayName: String
    let csrfToken: String
    /// The change version (`ViewCache`) read with the session: a page serves the views and lists
    /// kept at it without a connection of their own. Read before anything the page reads, so
    /// nothing kept at it is older than what the page was asked after.
    let changeVersion: Int64
    /// The issue-edit version (sql/0036) of the same snapshot: with the change version, what
    /// pages of issue rows are kept at (`KeptPages`).
    let editVersion: Int64

    var rowsVersion: RowsVersion { RowsVersion(changes: changeVersion, edits: editVersion) }
}

/// Browser sessions, kept in PostgreSQL so every daemon honours every session. The cookie holds a
/// random secret; only its SHA-256 is stored, like API tokens.
struct SessionStore: Sendable {
    let pool: DatabasePool

    /// The cookie's prefix: tells a session secret from an API token at a glance.
    static let prefix = "cs_"
    /// Idle for longer than this ends a session.
    static let idleTimeout: TimeInterval = 2 * 3600
    /// However active, a session ends this long after sign-in.
    static let absoluteTimeout: TimeInterval = 12 * 3600

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Opens a session for `account` on the sign-in's transaction; returns the cookie's secret.
    static func open(account: Int, address: String?, userAgent: String?, on connection: Connection) throws -> String {
        let secret = TokenSecret.generate(prefix: prefix)
        try connection.query(
            Query(
                "sessions.open",
                """
                INSERT INTO web_sessions (account_id, secret_hash, csrf_token, expires_at, address, user_agent)
                VALUES (\(account), sha256(convert_to(\(secret), 'UTF8')), \(TokenSecret.generate(prefix: "")),
                        now() + make_interval(secs => \(Self.absoluteTimeout)), \(address), \(userAgent.map { String($0.prefix(300)) }))
                """))
        return secret
    }

    /// Resolves the cookie and checks both expiries in one statement; the visit is noted at most
    /// once a minute (an idle session's clock restarts from its last noted visit), in a statement
    /// of its own only when due: as a data-modifying CTE it made PostgreSQL set up an UPDATE on
    /// every page (as the token check did, `TokenStore.principal(_:on:)`). One plan serves every
    /// cookie (a key lookup): it runs in whatever plan mode the page's statements set.
    func session(for secret: String) async throws -> WebSession? {
        guard TokenSecret.looksValid(secret, prefix: Self.prefix) else { return nil }
        return try await pool.withConnection { connection in
            guard
                let row = try connection.query(
                    Query(
                        "sessions.resolve",
                        """
                        SELECT s.id AS session_id, s.csrf_token, s.last_seen_at < now() - interval '1 minute' AS visit_unnoted,
                               a.display_name, (SELECT sum(value)::bigint FROM change_counters) AS change_version,
                               (SELECT sum(value)::bigint FROM issue_edit_counters) AS edit_version,
                               \(Principal.columns)
                        FROM web_sessions s
                        JOIN accounts a ON a.id = s.account_id
                        JOIN organizations o ON o.id = a.organization_id
                        WHERE s.secret_hash = sha256(convert_to(\(secret), 'UTF8'))
                          AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => \(Self.idleTimeout))
                          AND a.active AND o.active
                        """, planning: .either)
                ).first
            else { return nil }
            let id: Int = try row.decode("session_id")
            if try row.decode("visit_unnoted", as: Bool.self) {
                // Two pages may both find it due: the condition lets only the first write.
                try connection.query(
                    Query(
                        "sessions.noteVisit",
                        """
                        UPDATE web_sessions SET last_seen_at = now()
                        WHERE id = \(id) AND last_seen_at < now() - interval '1 minute'
                        """))
            }
            return WebSession(
                id: id,
                principal: try Principal(row, credential: .session(id)),
                displayName: try row.decode("display_name"), csrfToken: try row.decode("csrf_token"),
                changeVersion: try row.decode("change_version"), editVersion: try row.decode("edit_version"))
        }
    }

    /// Signs a browser out: its session row is gone, whichever daemon is asked next.
    func end(_ id: Int, by actor: AuditActor) async throws {
        try await pool.withTransaction { connection in
            guard
                let account: Int = try connection.query(
                    Query("sessions.end", "DELETE FROM web_sessions WHERE id = \(id) RETURNING account_id")
                ).first?.decode("account_id")
            else { return }
            try AuditStore.record(
                connection, actor, action: .sessionEnd, entityType: .account, entityID: account, before: nil, after: nil)
        }
    }

    /// A live session as its owner sees it on the account page: where and when, never its secret.
    struct Listed: Sendable, Equatable {
        let id: Int
        let createdAt: Date
        let lastSeenAt: Date
        let address: String?
        let userAgent: String?
    }

    /// The account's live sessions, the most recently used first.
    func sessions(of account: Int) async throws -> [Listed] {
        try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "sessions.ofAccount",
                    """
                    SELECT id, created_at, last_seen_at, address, user_agent FROM web_sessions
                    WHERE account_id = \(account) AND expires_at > now() AND last_seen_at > now() - make_interval(secs => \(Self.idleTimeout))
                    ORDER BY last_seen_at DESC, id DESC
                    """)
            ).rows.map { row in
                Listed(
                    id: try row.decode("id"), createdAt: try row.decode("created_at"), lastSeenAt: try row.decode("last_seen_at"),
                    address: try row.decodeIfPresent("address"), userAgent: try row.decodeIfPresent("user_agent"))
            }
        }
    }

    /// Signs out the account's sessions — one (`only`) or all but `keeping` — as its owner asks.
    /// Another account's session is never touched: the owner is part of the statement.
    @discardableResult
    func end(of account: Int, only: Int? = nil, keeping: Int? = nil, by actor: AuditActor) async throws -> Int {
        try await pool.withTransaction { connection in
            let ended: Int = try connection.query(
                Query(
                    "sessions.endOfAccount",
                    """
                    WITH gone AS (
                        DELETE FROM web_sessions
                        WHERE account_id = \(account) AND (\(only)::bigint IS NULL OR id = \(only)) AND (\(keeping)::bigint IS NULL OR id <> \(keeping))
                        RETURNING 1
                    )
                    SELECT count(*) AS n FROM gone
                    """)
            ).single().decode("n")
            if ended > 0 {
                try AuditStore.record(
                    connection, actor, action: .sessionEnd, entityType: .account, entityID: account, before: nil,
                    after: ["sessions_ended": .number(Double(ended))])
            }
            return ended
        }
    }

    /// Sessions that ended by time are deleted now and then, so the table holds live ones only.
    func pruneExpired() async throws -> Int {
        try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "sessions.prune",
                    """
                    WITH gone AS (
                        DELETE FROM web_sessions
                        WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => \(Self.idleTimeout))
                        RETURNING 1
                    )
                    SELECT count(*) AS n FROM gone
                    """)
            ).single().decode("n")
        }
    }
}
