import CouncilDatabase

/// Each person's choice of mail: every change, a daily digest, or none.
struct MailPreferenceStore: Sendable {
    let pool: DatabasePool

    struct Preference: Codable, Sendable, Equatable {
        let mail: MailQueue.Mode
    }

    func preference(of account: Int) async throws -> Preference {
        try await pool.withConnection { connection in
            Preference(
                mail: try connection.query(
                    Query("mailPreference.get", "SELECT mail FROM notification_settings WHERE account_id = \(account)")
                ).first?.decode("mail") ?? .each)
        }
    }

    func set(_ mode: MailQueue.Mode, for account: Int, by actor: AuditActor) async throws -> Preference {
        try await pool.withTransaction { connection in
            try Self.set(mode, for: account, by: actor, on: connection)
        }
    }

    /// A new digest reader's first digest comes the next morning, not at once.
    static func set(_ mode: MailQueue.Mode, for account: Int, by actor: AuditActor, on connection: Connection) throws -> Preference {
        let before: MailQueue.Mode =
            try connection.query(
                Query("mailPreference.lock", "SELECT mail FROM notification_settings WHERE account_id = \(account) FOR UPDATE")
            ).first?.decode("mail") ?? .each
        try connection.query(
            Query(
                "mailPreference.set",
                """
                INSERT INTO notification_settings (account_id, mail, last_digest_at)
                VALUES (\(account), \(mode), CASE WHEN \(mode) = 'digest' THEN now() END)
                ON CONFLICT (account_id) DO UPDATE SET mail = excluded.mail, updated_at = now(),
                    last_digest_at = CASE WHEN notification_settings.mail <> 'digest' THEN excluded.last_digest_at
                                          ELSE notification_settings.last_digest_at END
                """))
        // Changes waiting for a digest go out with it; leaving digests sends them as they are.
        if before == .digest && mode != .digest {
            try connection.query(
                Query(
                    "mailPreference.releaseDigest",
                    """
                    UPDATE mail_deliveries SET state = CASE WHEN \(mode) = 'none' THEN 'skipped' ELSE 'pending' END
                    WHERE account_id = \(account) AND state = 'digest'
                    """))
        }
        if before != mode {
            try AuditStore.record(
                connection, actor, action: .notificationSettingsUpdate, entityType: .account, entityID: account,
                before: ["mail": .string(before.rawValue)], after: ["mail": .string(mode.rawValue)])
        }
        return Preference(mail: mode)
    }

    /// The one-click unsubscribe: the token alone turns its account's mail off. Nil: no such token.
    func unsubscribe(token: String) async throws -> Int? {
        guard TokenSecret.looksValid(token, prefix: "un_") else { return nil }
        return try await pool.withTransaction { connection in
            guard
                let account: Int = try connection.query(
                    Query("mailPreference.byToken", "SELECT account_id FROM mail_unsubscribe_tokens WHERE token = \(token)")
                ).first?.decode("account_id")
            else { return nil }
            _ = try Self.set(.none, for: account, by: AuditActor(accountID: account, organizationID: nil, requestID: nil), on: connection)
            return account
        }
    }
}
