import CouncilDatabase
import Foundation

/// A browser session as the pages need it: who, and the token every form must carry.
struct WebSession: Sendable, Equatable {
    let id: Int
    let principal: Principal
    let displayName: String
    let csrfToken: String
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

    /// One round trip per page: resolves the cookie, checks both expiries and notes the visit at
    /// most once a minute (an idle session's clock restarts from its last noted visit).
    func session(for secret: String) async throws -> WebSession? {
        guard TokenSecret.looksValid(secret, prefix: Self.prefix) else { return nil }
        return try await pool.withConnection { connection in
            guard
                let row = try connection.query(
                    Query(
                        "sessions.resolve",
                        """
                        WITH found AS (
                            SELECT s.id AS session_id, s.csrf_token, s.last_seen_at, a.display_name, \(Principal.columns)
                            FROM web_sessions s
                            JOIN accounts a ON a.id = s.account_id
                            JOIN organizations o ON o.id = a.organization_id
                            WHERE s.secret_hash = sha256(convert_to(\(secret), 'UTF8'))
                              AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => \(Self.idleTimeout))
                              AND a.active AND o.active
                        ), touched AS (
                            UPDATE web_sessions SET last_seen_at = now() FROM found
                            WHERE web_sessions.id = found.session_id AND found.last_seen_at < now() - interval '1 minute'
                        )
                        SELECT * FROM found
                        """)
                ).first
            else { return nil }
            let id: Int = try row.decode("session_id")
            return WebSession(
                id: id,
                principal: try Principal(row, credential: .session(id)),
                displayName: try row.decode("display_name"), csrfToken: try row.decode("csrf_token"))
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
                connection, actor, action: "session.end", entityType: "account", entityID: account, before: nil, after: nil)
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
