import CouncilDatabase
import Foundation

/// Responses to POSTs sent with an `Idempotency-Key`, kept for a day per (account, key) so a
/// retried request replays the first answer. In PostgreSQL, so every daemon sees every key.
struct IdempotencyStore: Sendable {
    let pool: DatabasePool
    /// How long a key is remembered; a key left unfinished this long (a crashed request) is free again.
    static let retention = "24 hours"
    static let abandonedAfter = "5 minutes"

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Whose key it is, and the caller's rights when it was claimed.
    struct Identity: Sendable {
        let account: Int
        let key: String
        let rights: String
    }

    struct StoredResponse: Sendable {
        let status: Int
        let contentType: String?
        let location: String?
        /// The ETag the first answer carried (a created issue's, a comment's issue's).
        let etag: String?
        /// nil for an answer that carried a secret: it is never kept.
        let body: Data?
    }

    enum Claim: Sendable {
        /// The key is new: run the request, then `complete` or `release`.
        case claimed
        /// The key was used before for this same request: here is its answer.
        case replay(StoredResponse)
        /// The first request with this key is still running.
        case inProgress
        /// The key was used for a different request.
        case mismatch
        /// The first request succeeded, and its answer held a secret that is shown only once.
        case secretAlreadyShown
        /// The caller's rights are not those of the first request.
        case rightsChanged
    }

    func claim(_ identity: Identity, requestHash: Data) async throws -> Claim {
        let account = identity.account, key = identity.key
        return try await pool.withTransaction { connection in
            try connection.query(
                Query(
                    "idempotency.expire",
                    """
                    DELETE FROM idempotency_keys
                    WHERE created_at < now() - \(Self.retention)::interval
                       OR (account_id = \(account) AND key = \(key) AND status IS NULL AND created_at < now() - \(Self.abandonedAfter)::interval)
                    """))
            let hash = requestHash.base64EncodedString()
            let claimed =
                try connection.query(
                    Query(
                        "idempotency.claim",
                        """
                        INSERT INTO idempotency_keys (account_id, key, request_hash, rights)
                        VALUES (\(account), \(key), decode(\(hash), 'base64'), \(identity.rights))
                        ON CONFLICT DO NOTHING RETURNING key
                        """)
                ).rows.count == 1
            if claimed { return .claimed }
            guard
                let row = try connection.query(
                    Query(
                        "idempotency.existing",
                        """
                        SELECT encode(request_hash, 'base64') AS request_hash, status, content_type, location, etag, encode(body, 'base64') AS body,
                               rights, secret
                        FROM idempotency_keys WHERE account_id = \(account) AND key = \(key)
                        """)
                ).first
            else { return .inProgress }
            guard try row.decode("request_hash", as: String.self) == hash else { return .mismatch }
            guard let status: Int = try row.decodeIfPresent("status") else { return .inProgress }
            guard try row.decode("rights", as: String.self) == identity.rights else { return .rightsChanged }
            if try row.decode("secret", as: Bool.self) { return .secretAlreadyShown }
            let body = try row.decodeIfPresent("body", as: String.self).flatMap { Data(base64Encoded: $0, options: .ignoreUnknownCharacters) }
            return .replay(
                StoredResponse(
                    status: status, contentType: try row.decodeIfPresent("content_type"),
                    location: try row.decodeIfPresent("location"), etag: try row.decodeIfPresent("etag"), body: body ?? Data()))
        }
    }

    func complete(_ identity: Identity, response: StoredResponse) async throws {
        _ = try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "idempotency.complete",
                    """
                    UPDATE idempotency_keys SET status = \(response.status), content_type = \(response.contentType),
                           location = \(response.location), etag = \(response.etag), body = decode(\(response.body?.base64EncodedString()), 'base64'),
                           secret = \(response.body == nil)
                    WHERE account_id = \(identity.account) AND key = \(identity.key)
                    """))
        }
    }

    /// Frees a key whose request failed: nothing was created, so a retry may run it afresh.
    func release(_ identity: Identity) async throws {
        _ = try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "idempotency.release",
                    """
                    DELETE FROM idempotency_keys WHERE account_id = \(identity.account) AND key = \(identity.key) AND status IS NULL
                    """))
        }
    }
}
