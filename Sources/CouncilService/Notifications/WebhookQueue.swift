import CouncilDatabase
import Foundation

/// The dispatcher's queries: fanning the outbox out into deliveries, leasing an endpoint,
/// recording what each attempt did. Every daemon runs them; row locks and leases keep two
/// daemons from doing the same work at once.
enum WebhookQueue {
    /// The webhook deliveries of a batch of events (in the fan-out's transaction, `Fanout`): for
    /// the enabled endpoints that want each event and whose organization may see it now.
    static func fanOut(_ events: [OutboxEvent], _ audience: EventAudience, on connection: Connection) throws {
        let endpoints = try connection.query(
            Query(
                "webhooks.enabledEndpoints",
                """
                SELECT \(WebhookStore.columns), o.kind = 'secretariat' AS secretariat
                FROM webhook_endpoints w JOIN organizations o ON o.id = w.organization_id WHERE w.enabled ORDER BY w.id
                """)
        ).rows.map { (try WebhookStore.endpoint($0), try $0.decode("secretariat", as: Bool.self)) }
        var endpointIDs: [Int] = [], eventIDs: [Int] = []
        for event in events {
            for (endpoint, secretariat) in endpoints
            where endpoint.wants(event, audience) && audience.admits(event, organization: endpoint.organizationID, isSecretariat: secretariat) {
                endpointIDs.append(endpoint.id)
                eventIDs.append(event.id)
            }
        }
        guard !endpointIDs.isEmpty else { return }
        try connection.query(
            Query(
                "webhooks.fanoutInsert",
                """
                INSERT INTO webhook_deliveries (endpoint_id, event_id)
                SELECT endpoint_id, event_id FROM unnest(\(endpointIDs)::bigint[], \(eventIDs)::bigint[]) WITH ORDINALITY
                    AS d(endpoint_id, event_id, n)
                ORDER BY n
                """))
    }

    /// An endpoint leased to one worker, with what it signs with.
    struct Lease: Sendable {
        let endpointID: Int
        let organizationID: Int
        /// Whether the organization is the secretariat (which sees everything).
        let secretariat: Bool
        let url: String
        let secrets: [WebhookSecret]
    }

    /// Leases an enabled endpoint whose oldest pending delivery is due; nil when there is none.
    static func claim(worker: String, lease: Duration, on connection: Connection) throws -> Lease? {
        guard
            let row = try connection.query(
                Query(
                    "webhooks.claim",
                    """
                    UPDATE webhook_endpoints w SET leased_until = clock_timestamp() + make_interval(secs => \(lease.seconds)), leased_by = \(worker)
                    WHERE w.id = (
                        SELECT e.id FROM webhook_endpoints e
                        WHERE e.enabled AND (e.leased_until IS NULL OR e.leased_until < clock_timestamp())
                          AND (SELECT d.next_attempt_at FROM webhook_deliveries d
                               WHERE d.endpoint_id = e.id AND d.state = 'pending' ORDER BY d.id LIMIT 1) <= clock_timestamp()
                        ORDER BY e.leased_until NULLS FIRST, e.id
                        LIMIT 1 FOR UPDATE SKIP LOCKED)
                    RETURNING w.id, w.organization_id, w.url, w.secret,
                              CASE WHEN w.previous_secret_until > now() THEN w.previous_secret END AS previous_secret,
                              (SELECT o.kind = 'secretariat' FROM organizations o WHERE o.id = w.organization_id) AS secretariat
                    """)
            ).first
        else { return nil }
        let secrets = [try row.decode("secret", as: String.self)] + (try row.decodeIfPresent("previous_secret", as: String.self).map { [$0] } ?? [])
        return Lease(
            endpointID: try row.decode("id"), organizationID: try row.decode("organization_id"), secretariat: try row.decode("secretariat"),
            url: try row.decode("url"),
            secrets: secrets.compactMap(WebhookSecret.init))
    }

    /// Extends the lease before the next delivery; false when another worker took the endpoint
    /// over (this one was too slow) or it was disabled or deleted.
    static func renew(_ lease: Lease, worker: String, duration: Duration, on connection: Connection) throws -> Bool {
        try connection.query(
            Query(
                "webhooks.renew",
                """
                UPDATE webhook_endpoints SET leased_until = clock_timestamp() + make_interval(secs => \(duration.seconds))
                WHERE id = \(lease.endpointID) AND leased_by = \(worker) AND enabled
                RETURNING id
                """)
        ).first != nil
    }

    static func release(_ lease: Lease, worker: String, on connection: Connection) throws {
        try connection.query(
            Query(
                "webhooks.release",
                "UPDATE webhook_endpoints SET leased_until = NULL, leased_by = NULL WHERE id = \(lease.endpointID) AND leased_by = \(worker)"))
    }

    /// The endpoint's oldest pending delivery when it is due, with its event.
    struct Due: Sendable {
        let deliveryID: Int
        let attempts: Int
        let createdAt: Date
        let event: OutboxEvent
    }

    static func due(_ lease: Lease, on connection: Connection) throws -> Due? {
        guard
            let row = try connection.query(
                Query(
                    "webhooks.due",
                    """
                    SELECT d.id AS delivery_id, d.attempts, d.created_at AS delivery_created_at, d.next_attempt_at <= clock_timestamp() AS is_due,
                           \(Outbox.columns)
                    FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id
                    WHERE d.endpoint_id = \(lease.endpointID) AND d.state = 'pending'
                    ORDER BY d.id LIMIT 1
                    """)
            ).first, try row.decode("is_due", as: Bool.self)
        else { return nil }
        guard let event = try Outbox.event(row) else {
            // Written by a newer daemon: leave it for one that knows its kind.
            return nil
        }
        return Due(
            deliveryID: try row.decode("delivery_id"), attempts: try row.decode("attempts"), createdAt: try row.decode("delivery_created_at"),
            event: event)
    }

    /// What one attempt did.
    struct Outcome: Sendable {
        var status: Int?
        var latencyMs: Int
        var response: String
        var error: String?
        var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
    }

    static func recordAttempt(_ due: Due, _ outcome: Outcome, on connection: Connection) throws {
        try connection.query(
            Query(
                "webhooks.attempt",
                """
                INSERT INTO webhook_attempts (delivery_id, status, latency_ms, response, error)
                VALUES (\(due.deliveryID), \(outcome.status), \(outcome.latencyMs), \(outcome.response), \(outcome.error))
                """))
    }

    static func finish(_ due: Due, as state: WebhookDeliveryState, countingAttempt: Bool, on connection: Connection) throws {
        try connection.query(
            Query(
                "webhooks.finish",
                """
                UPDATE webhook_deliveries SET state = \(state), attempts = attempts + \(countingAttempt ? 1 : 0), finished_at = clock_timestamp()
                WHERE id = \(due.deliveryID) AND state = 'pending'
                """))
    }

    static func retry(_ due: Due, after delay: Duration, on connection: Connection) throws {
        try connection.query(
            Query(
                "webhooks.retry",
                """
                UPDATE webhook_deliveries SET attempts = attempts + 1,
                       next_attempt_at = clock_timestamp() + make_interval(secs => \(delay.seconds))
                WHERE id = \(due.deliveryID) AND state = 'pending'
                """))
    }

    /// Gives up: the delivery failed, the endpoint is disabled, and its organization hears of it.
    static func disable(_ lease: Lease, _ due: Due, reason: String, on connection: Connection) throws {
        try finish(due, as: .failed, countingAttempt: true, on: connection)
        try connection.query(
            Query(
                "webhooks.disable",
                """
                UPDATE webhook_endpoints SET enabled = false, disabled_reason = \(reason), leased_until = NULL, leased_by = NULL,
                       updated_at = now()
                WHERE id = \(lease.endpointID)
                """))
        let system = AuditActor.system
        try AuditStore.record(
            connection, system, action: "webhook.disable", entityType: "webhook_endpoint", entityID: lease.endpointID, before: nil,
            after: ["enabled": .bool(false), "disabled_reason": .string(reason)])
        try Outbox.record(
            connection, .webhookDisabled, .organization(lease.organizationID), system,
            data: [
                "webhook": .object(["id": .number(Double(lease.endpointID)), "url": .string(lease.url)]),
                "reason": .string(reason),
            ])
    }

    /// Deletes events older than `before` once none of their deliveries (webhook or mail) is
    /// pending (deliveries and attempts go with them), a batch at a time. Returns how many went.
    static func prune(before: Date, limit: Int, on connection: Connection) throws -> Int {
        try connection.query(
            Query(
                "outbox.prune",
                """
                DELETE FROM outbox_events WHERE id IN (
                    SELECT e.id FROM outbox_events e
                    WHERE e.at < \(before)
                      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.state = 'pending')
                      AND NOT EXISTS (SELECT 1 FROM mail_deliveries m WHERE m.event_id = e.id AND m.state IN ('pending', 'digest'))
                    ORDER BY e.at LIMIT \(limit))
                """)
        ).affectedRows
    }
}

extension Duration {
    /// Seconds with their fraction, for `make_interval`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
