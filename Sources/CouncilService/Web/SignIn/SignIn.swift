import CouncilDatabase
import Foundation

/// Signing in with an e-mail and a password. Every refusal looks the same to the person (and takes
/// the same time), whether the address exists or not; five failures within fifteen minutes, per
/// typed address or per client address, lock that subject out until the oldest failure ages away.
package struct SignIn: Sendable {
    let pool: DatabasePool
    let hasher: PasswordHasher

    package static let allowedFailures = 5
    package static let failureWindow: TimeInterval = 15 * 60

    package init(pool: DatabasePool, hasher: PasswordHasher) {
        self.pool = pool
        self.hasher = hasher
    }

    package enum Outcome: Sendable, Equatable {
        /// The cookie's secret of a new session.
        case signedIn(secret: String)
        case refused
        case lockedOut
    }

    package func attempt(
        email typed: String, password: String, address: String?, userAgent: String?, requestID: String?
    ) async throws -> Outcome {
        let key = String(typed.trimmingCharacters(in: .whitespaces).lowercased().prefix(254))
        let subjects = ["account:" + key] + (address.map { ["address:" + $0] } ?? [])
        let candidate = try await pool.withConnection { connection in
            let failures: Int = try connection.query(
                Query(
                    "signIn.failures",
                    """
                    SELECT coalesce(max(n), 0) AS n FROM (
                        SELECT count(*) AS n FROM sign_in_failures
                        WHERE subject = ANY(\(subjects)::text[]) AND failed_at > now() - make_interval(secs => \(Self.failureWindow))
                        GROUP BY subject
                    ) counts
                    """)
            ).single().decode("n")
            let account = try connection.query(
                Query(
                    "signIn.account",
                    """
                    SELECT a.id, a.organization_id, a.password_hash FROM accounts a JOIN organizations o ON o.id = a.organization_id
                    WHERE a.email_key = \(key) AND a.active AND o.active
                    """)
            ).first
            return (
                failures,
                try account.map { (id: try $0.decode("id", as: Int.self), organization: try $0.decode("organization_id", as: Int.self)) },
                try account?.decodeIfPresent("password_hash", as: String.self)
            )
        }
        let (failures, account, hash) = candidate
        // The hash is checked even when locked out, so a lock-out takes as long as any answer.
        let matches = try await hasher.verify(password, hash: hash)
        if failures >= Self.allowedFailures {
            try await record(failureOf: account, typed: key, subjects: [], reason: "locked_out", requestID: requestID)
            return .lockedOut
        }
        guard matches, let account else {
            try await record(failureOf: account, typed: key, subjects: subjects, reason: "refused", requestID: requestID)
            return .refused
        }
        return .signedIn(
            secret: try await pool.withTransaction { connection in
                try connection.query(
                    Query("signIn.forgive", "DELETE FROM sign_in_failures WHERE subject = \(subjects[0])"))
                let secret = try SessionStore.open(account: account.id, address: address, userAgent: userAgent, on: connection)
                try AuditStore.record(
                    connection, AuditActor(accountID: account.id, organizationID: account.organization, requestID: requestID),
                    action: .sessionCreate, entityType: .account, entityID: account.id, before: nil, after: nil)
                return secret
            })
    }

    /// Counts the failure against each subject and audits it: against the account when the
    /// address is one, otherwise under the address as typed.
    private func record(
        failureOf account: (id: Int, organization: Int)?, typed: String, subjects: [String], reason: String, requestID: String?
    ) async throws {
        try await pool.withTransaction { connection in
            if !subjects.isEmpty {
                try connection.query(
                    Query(
                        "signIn.fail",
                        """
                        INSERT INTO sign_in_failures (subject) SELECT unnest(\(subjects)::text[])
                        """))
            }
            try AuditStore.record(
                connection, AuditActor(accountID: nil, organizationID: nil, requestID: requestID), action: .sessionRefused,
                entityType: account == nil ? .signIn : .account,
                entityID: account.map { String($0.id) } ?? typed, before: nil, after: ["reason": .string(reason)])
        }
    }

    /// Failures older than the window no longer count; they are deleted now and then.
    static func pruneFailures(_ pool: DatabasePool) async throws {
        _ = try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "signIn.prune",
                    "DELETE FROM sign_in_failures WHERE failed_at <= now() - make_interval(secs => \(Self.failureWindow))"))
        }
    }
}
