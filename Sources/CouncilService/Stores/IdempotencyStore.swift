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
        /// The key is free: run the request with `claim` as its first transaction's preamble,
        /// then `complete` or `release`.
        case free
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

    /// Another request claimed the key between `lookup` and this request's claim.
    struct ClaimTaken: Error {}

    /// What a key means now. Writes only to forget: keys past their retention, and this key when
    /// its first request was abandoned (a crashed daemon never finished it).
    func lookup(_ identity: Identity, requestHash: Data) async throws -> Claim {
        let account = identity.account, key = identity.key
        return try await pool.withConnection { connection in
            // One statement: the DELETE's effect is not visible to the SELECT, hence `abandoned`.
            guard
                let row = try connection.query(
                    Query(
                        "idempotency.lookup",
                        """
                        WITH expired AS (
                            DELETE FROM idempotency_keys
                            WHERE created_at < now() - \(Self.retention)::interval
                               OR (account_id = \(account) AND key = \(key) AND status IS NULL AND created_at < now() - \(Self.abandonedAfter)::interval))
                        SELECT encode(request_hash, 'base64') AS request_hash, status, content_type, location, etag, encode(body, 'base64') AS body,
                               rights, secret
                        FROM idempotency_keys
                        WHERE account_id = \(account) AND key = \(key) AND created_at >= now() - \(Self.retention)::interval
                          AND NOT (status IS NULL AND created_at < now() - \(Self.abandonedAfter)::interval)
                        """)
                ).first
            else { return .free }
            guard try row.decode("request_hash", as: String.self) == requestHash.base64EncodedString() else { return .mismatch }
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

    /// Claims a free key inside the request's own first transaction (a `TransactionPreamble`): it
    /// commits with what the request changes, and vanishes if that rolls back. A concurrent
    /// claim of the same key waits for the other transaction, then finds it taken.
    static func claim(_ identity: Identity, requestHash: Data, on connection: Connection) throws {
        let claimed =
            try connection.query(
                Query(
                    "idempotency.claim",
                    """
                    INSERT INTO idempotency_keys (account_id, key, request_hash, rights)
                    VALUES (\(identity.account), \(identity.key), decode(\(requestHash.base64EncodedString()), 'base64'), \(identity.rights))
                    ON CONFLICT DO NOTHING RETURNING key
                    """)
            ).rows.count == 1
        if !claimed { throw ClaimTaken() }
    }

    /// Keeps a successful answer: on the row the request claimed, or — for a request that opened
    /// no transaction — on a new one.
    func complete(_ identity: Identity, requestHash: Data, response: StoredResponse) async throws {
        _ = try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "idempotency.complete",
                    """
                    INSERT INTO idempotency_keys (account_id, key, request_hash, rights, status, content_type, location, etag, body, secret)
                    VALUES (\(identity.account), \(identity.key), decode(\(requestHash.base64EncodedString()), 'base64'), \(identity.rights),
                            \(response.status), \(response.contentType), \(response.location), \(response.etag),
                            decode(\(response.body?.base64EncodedString()), 'base64'), \(response.body == nil))
                    ON CONFLICT (account_id, key) DO UPDATE
                    SET status = excluded.status, content_type = excluded.content_type, location = excluded.location, etag = excluded.etag,
                        body = excluded.body, secret = excluded.secret
                    WHERE idempotency_keys.status IS NULL
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
