import CouncilDatabase
import Foundation

/// Why a one-time link exists: a new account's first password, or an administrator's reset.
package enum PasswordLinkPurpose: String, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable {
    case invitation
    case reset

    /// How long a link works: a week to accept an invitation, a day for a reset.
    var lifetime: TimeInterval { self == .invitation ? 7 * 86400 : 86400 }
}

/// A link just made: the only time its secret exists outside the person's mailbox.
package struct IssuedPasswordLink: Codable, Sendable {
    package let accountID: Int
    package let purpose: PasswordLinkPurpose
    /// The page under the daemon's public address (`url` in the API's answer).
    package let path: String
    package let expiresAt: Date
}

/// One-time links that set a password. Only the SHA-256 of a link's secret is stored; a new link
/// for an account voids its older unused ones, and using one ends every session of the account.
package struct PasswordLinkStore: Sendable {
    let pool: DatabasePool
    let hasher: PasswordHasher

    static let prefix = "cl_"
    /// Where a link leads: the page that asks for the new password.
    static func path(_ secret: String) -> String { "/password/" + secret }

    package init(pool: DatabasePool, hasher: PasswordHasher) {
        self.pool = pool
        self.hasher = hasher
    }

    /// An invitation for an account that has never had a password, a reset for one that has.
    func create(for account: Account, by actor: AuditActor) async throws -> IssuedPasswordLink {
        try await pool.withTransaction { connection in
            let hasPassword: Bool = try connection.query(
                Query("passwordLinks.hasPassword", "SELECT password_hash IS NOT NULL AS set FROM accounts WHERE id = \(account.id) FOR UPDATE")
            ).single().decode("set")
            return try Self.create(for: account.id, purpose: hasPassword ? .reset : .invitation, by: actor, on: connection)
        }
    }

    static func create(
        for account: Int, purpose: PasswordLinkPurpose, by actor: AuditActor, on connection: Connection
    ) throws
        -> IssuedPasswordLink
    {
        let secret = TokenSecret.generate(prefix: prefix)
        try connection.query(
            Query(
                "passwordLinks.void",
                "UPDATE password_links SET used_at = now() WHERE account_id = \(account) AND used_at IS NULL"))
        let expiresAt: Date = try connection.query(
            Query(
                "passwordLinks.insert",
                """
                INSERT INTO password_links (account_id, purpose, secret_hash, created_by, expires_at)
                VALUES (\(account), \(purpose), sha256(convert_to(\(secret), 'UTF8')), \(actor.accountID),
                        now() + make_interval(secs => \(purpose.lifetime)))
                RETURNING expires_at
                """)
        ).single().decode("expires_at")
        try AuditStore.record(
            connection, actor, action: .accountPasswordLink, entityType: .account, entityID: account, before: nil,
            after: ["purpose": .string(purpose.rawValue)])
        return IssuedPasswordLink(accountID: account, purpose: purpose, path: path(secret), expiresAt: expiresAt)
    }

    /// The account a link would set the password of, while it is unused and unexpired.
    package func account(for secret: String) async throws -> Account? {
        guard TokenSecret.looksValid(secret, prefix: Self.prefix) else { return nil }
        return try await pool.withConnection { connection in
            guard let id = try Self.liveLink(secret, on: connection, lock: false)?.account else { return nil }
            return try AccountStore.fetch(id, on: connection, lock: false)
        }
    }

    /// Sets the password a link was made for and uses the link up; nil when it is not (or no
    /// longer) valid. The account's sessions end (a trigger), then the caller opens a new one.
    package func redeem(
        _ secret: String, password: NewPassword, address: String?, userAgent: String?, requestID: String?
    )
        async throws -> (account: Account, session: String)?
    {
        guard TokenSecret.looksValid(secret, prefix: Self.prefix) else { return nil }
        let hash = try await hasher.hash(password)
        return try await pool.withTransaction { connection in
            guard let link = try Self.liveLink(secret, on: connection, lock: true),
                let account = try AccountStore.fetch(link.account, on: connection, lock: true), account.active
            else { return nil }
            try connection.query(Query("passwordLinks.use", "UPDATE password_links SET used_at = now() WHERE id = \(link.id)"))
            try Self.setPassword(hash, of: account, on: connection)
            let actor = AuditActor(accountID: account.id, organizationID: account.organizationID, requestID: requestID)
            try AuditStore.record(
                connection, actor, action: .accountPasswordSet, entityType: .account, entityID: account.id, before: nil,
                after: ["via": .string(link.purpose.rawValue)])
            let session = try SessionStore.open(account: account.id, address: address, userAgent: userAgent, on: connection)
            return (account, session)
        }
    }

    /// A signed-in person changes their own password, proving the current one; every other
    /// session of theirs ends and this browser gets a new one. Nil when the current one is wrong.
    package func change(
        account id: Int, current: String, to password: NewPassword, address: String?, userAgent: String?, requestID: String?
    ) async throws -> String? {
        let stored: String? = try await pool.withConnection { connection in
            try connection.query(Query("passwordLinks.currentHash", "SELECT password_hash FROM accounts WHERE id = \(id)"))
                .first?.decodeIfPresent("password_hash")
        }
        guard try await hasher.verify(current, hash: stored) else { return nil }
        let hash = try await hasher.hash(password)
        return try await pool.withTransaction { connection in
            guard let account = try AccountStore.fetch(id, on: connection, lock: true) else { return nil }
            try Self.setPassword(hash, of: account, on: connection)
            try AuditStore.record(
                connection, AuditActor(accountID: id, organizationID: account.organizationID, requestID: requestID),
                action: .accountPasswordSet, entityType: .account, entityID: id, before: nil, after: ["via": .string("change")])
            return try SessionStore.open(account: id, address: address, userAgent: userAgent, on: connection)
        }
    }

    private static func setPassword(_ hash: String, of account: Account, on connection: Connection) throws {
        try connection.query(
            Query(
                "passwordLinks.setPassword",
                "UPDATE accounts SET password_hash = \(hash), password_changed_at = now() WHERE id = \(account.id)"))
    }

    private static func liveLink(
        _ secret: String, on connection: Connection, lock: Bool
    ) throws
        -> (id: Int, account: Int, purpose: PasswordLinkPurpose)?
    {
        let lockClause: SQL = lock ? "FOR UPDATE" : ""
        guard
            let row = try connection.query(
                Query(
                    "passwordLinks.live",
                    """
                    SELECT id, account_id, purpose FROM password_links
                    WHERE secret_hash = sha256(convert_to(\(secret), 'UTF8')) AND used_at IS NULL AND expires_at > now()
                    \(lockClause)
                    """)
            ).first
        else { return nil }
        return (try row.decode("id"), try row.decode("account_id"), try row.decode("purpose"))
    }
}
