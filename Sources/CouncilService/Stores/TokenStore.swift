import CouncilDatabase
import Foundation

/// API tokens: issue, list, revoke, and resolve a presented secret to a `Principal`.
struct TokenStore: Sendable {
    let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// One round trip per request: resolves the secret (only its SHA-256 is stored) and notes the
    /// use at most once a minute (a second round trip then). Revocation and expiry take effect on
    /// the next request.
    func principal(for secret: String) async throws -> Principal? {
        guard TokenSecret.looksValid(secret) else { return nil }
        return try await pool.withConnection { connection in
            guard
                let row = try connection.query(
                    Query(
                        "tokens.authenticate",
                        """
                        \(Self.authentication(secret)) SELECT * FROM found
                        """, planning: .either)
                ).first
            else { return nil }
            return try Self.principal(row, on: connection)
        }
    }

    /// The token check as the start of a statement: `found` holds the caller's row (none for an
    /// unknown, expired or revoked token, or an inactive account or organization) and whether its
    /// use is to be noted (at most once a minute). A read that authenticates itself selects from it.
    /// The note is a statement of its own (`principal(_:on:)`): as a data-modifying CTE it made
    /// PostgreSQL set up an UPDATE on every request, a quarter or more of a GET's statement.
    static func authentication(_ secret: String) -> SQL {
        """
        WITH found AS (
            SELECT t.id AS token_id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute' AS use_unnoted,
                   \(Principal.columns)
            FROM api_tokens t
            JOIN accounts a ON a.id = t.account_id
            JOIN organizations o ON o.id = a.organization_id
            WHERE t.secret_hash = sha256(convert_to(\(secret), 'UTF8'))
              AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
              AND a.active AND o.active
        )
        """
    }

    /// The caller of a row selected from `authentication`'s `found`, its use noted when due.
    static func principal(_ row: Row, on connection: Connection) throws -> Principal {
        let token: Int = try row.decode("token_id")
        if try row.decode("use_unnoted", as: Bool.self) {
            // Two requests may both find it due: the condition lets only the first write.
            try connection.query(
                Query(
                    "tokens.noteUse",
                    """
                    UPDATE api_tokens SET last_used_at = now()
                    WHERE id = \(token) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
                    """))
        }
        return try Principal(row, credential: .token(token))
    }

    func tokens(of account: Int) async throws -> [APIToken] {
        try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "tokens.ofAccount",
                    """
                    SELECT \(Self.columns) FROM api_tokens WHERE account_id = \(account) ORDER BY id
                    """)
            ).rows.map(Self.token)
        }
    }

    /// The token and the account that owns it.
    func token(_ id: Int) async throws -> (APIToken, Account)? {
        try await pool.withConnection { connection in
            guard
                let token = try connection.query(
                    Query(
                        "tokens.byID",
                        """
                        SELECT \(Self.columns) FROM api_tokens WHERE id = \(id)
                        """)
                ).first.map(Self.token)
            else { return nil }
            return (token, try AccountStore.fetch(token.accountID, on: connection, lock: false)!)
        }
    }

    func issue(to account: Int, name: String, expiresAt: Date?, by actor: AuditActor) async throws -> IssuedToken {
        try await pool.withTransaction { connection in
            try Self.issue(to: account, name: name, expiresAt: expiresAt, by: actor, on: connection)
        }
    }

    static func issue(to account: Int, name: String, expiresAt: Date?, by actor: AuditActor, on connection: Connection) throws -> IssuedToken {
        let secret = TokenSecret.generate()
        let token = try token(
            try connection.query(
                Query(
                    "tokens.insert",
                    """
                    INSERT INTO api_tokens (account_id, name, hint, secret_hash, expires_at)
                    VALUES (\(account), \(name), \(TokenSecret.hint(secret)), sha256(convert_to(\(secret), 'UTF8')), \(expiresAt))
                    RETURNING \(columns)
                    """)
            ).single())
        // The audit row names the token, never its secret.
        try AuditStore.record(
            connection, actor, action: .tokenCreate, entityType: .token, entityID: token.id,
            before: nil, after: try JSONValue.fields(of: token))
        return IssuedToken(token: token, secret: secret)
    }

    /// Revokes at once; revoking a revoked token changes nothing.
    func revoke(_ id: Int, by actor: AuditActor) async throws -> APIToken? {
        try await pool.withTransaction { connection in
            guard
                let current = try connection.query(
                    Query(
                        "tokens.lock",
                        """
                        SELECT \(Self.columns) FROM api_tokens WHERE id = \(id) FOR UPDATE
                        """)
                ).first.map(Self.token)
            else { return nil }
            guard current.revokedAt == nil else { return current }
            let revoked = try Self.token(
                try connection.query(
                    Query(
                        "tokens.revoke",
                        """
                        UPDATE api_tokens SET revoked_at = now() WHERE id = \(id) RETURNING \(Self.columns)
                        """)
                ).single())
            try AuditStore.record(
                connection, actor, action: .tokenRevoke, entityType: .token, entityID: id,
                before: try JSONValue.fields(of: current), after: try JSONValue.fields(of: revoked))
            return revoked
        }
    }

    static let columns: SQL = "id, account_id, name, hint, created_at, expires_at, last_used_at, revoked_at"

    static func token(_ row: Row) throws -> APIToken {
        APIToken(
            id: try row.decode("id"), accountID: try row.decode("account_id"), name: try row.decode("name"),
            hint: try row.decode("hint"), createdAt: try row.decode("created_at"), expiresAt: try row.decodeIfPresent("expires_at"),
            lastUsedAt: try row.decodeIfPresent("last_used_at"), revokedAt: try row.decodeIfPresent("revoked_at"))
    }
}

extension Principal {
    /// What a token's or a session's lookup selects of the account (aliased `a`) and its
    /// organization (`o`) to make the caller.
    static let columns: SQL = """
        a.id AS account_id, a.organization_id, o.kind, a.role, a.org_admin,
        ARRAY(SELECT prefecture_code FROM liaison_prefectures p WHERE p.account_id = a.id ORDER BY 1)::text[] AS prefectures
        """

    init(_ row: Row, credential: Credential) throws {
        self.init(
            accountID: try row.decode("account_id"), organizationID: try row.decode("organization_id"),
            organizationKind: try row.decode("kind"), role: try row.decode("role"), orgAdmin: try row.decode("org_admin"),
            prefectures: try row.decode("prefectures"), credential: credential)
    }
}
