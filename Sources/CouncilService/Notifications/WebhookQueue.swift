import CouncilDatabase
import Foundation

/// The dispatcher's queries: fanning the outbox out into deliveries, leasing an endpoint,
/// recording what each attempt did. Every daemon runs them; row locks and leases keep two
/// daemons from doing the same work at once.
enum WebhookQueue {
    /// The webhook deliveries of a batch of events (in the fan-out's transaction, `Fanout`): for
    /// the enabled endpoints that want each event and whose organization may see it now. Returns
    /// those endpoints.
    static func fanOut(_ events: [OutboxEvent], _ audience: EventAudience, on connection: Connection) throws -> [Int] {
        // Endpoints scoped to their own are read only for the organizations these events concern
        // (a handful of 200 or more): `wants` still decides.
        let concerned = Array(events.reduce(into: Set<Int>()) { $0.formUnion(audience.organizationsConcerned(by: $1)) })
        let endpoints = try connection.query(
            Query(
                "webhooks.subscribers",
                """
                SELECT w.id, w.organization_id, w.event_types, w.scope, o.kind = 'secretariat' AS secretariat
                FROM webhook_endpoints w JOIN organizations o ON o.id = w.organization_id
                WHERE w.enabled AND (w.scope = 'all' OR w.organization_id = ANY (\(concerned)::bigint[]))
                ORDER BY w.id
                """)
        ).rows.map(Subscriber.init)
        var endpointIDs: [Int] = [], eventIDs: [Int] = []
        for event in events {
            for endpoint in endpoints
            where endpoint.wants(event, audience)
                && audience.admits(event, organization: endpoint.organizationID, isSecretariat: endpoint.secretariat)
            {
                endpointIDs.append(endpoint.id)
                eventIDs.append(event.id)
            }
        }
        guard !endpointIDs.isEmpty else { return [] }
        try connection.query(
            Query(
                "webhooks.fanoutInsert",
                """
                INSERT INTO webhook_deliveries (endpoint_id, event_id)
                SELECT endpoint_id, event_id FROM unnest(\(endpointIDs)::bigint[], \(eventIDs)::bigint[]) WITH ORDINALITY
                    AS d(endpoint_id, event_id, n)
                ORDER BY n
                """))
        return Array(Set(endpointIDs))
    }

    /// What the fan-out reads of an enabled endpoint.
    struct Subscriber {
        let id: Int
        let organizationID: Int
        /// Empty: every kind.
        let eventTypes: [EventKind]
        let scope: WebhookScope
        /// Whether its organization is the secretariat (which sees everything).
        let secretariat: Bool

        init(_ row: Row) throws {
            id = try row.decode("id")
            organizationID = try row.decode("organization_id")
            eventTypes = try row.decode("event_types", as: [String].self).compactMap(EventKind.init(rawValue:))
            scope = try row.decode("scope")
            secretariat = try row.decode("secretariat")
        }

        /// Whether the endpoint asked for this event (its organization's right to see it is `EventAudience`'s).
        func wants(_ event: OutboxEvent, _ audience: EventAudience) -> Bool {
            (eventTypes.isEmpty || eventTypes.contains(event.kind)) && (scope == .all || audience.concerns(event, organization: organizationID))
        }
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

    /// An endpoint just leased with its first deliveries.
    struct Claim: Sendable {
        let lease: Lease
        /// Its oldest pending deliveries, in order, as far as they are due (at most the claim's limit).
        let due: [Due]
    }

    /// Leases an enabled endpoint (`endpoint`, or any) whose oldest pending delivery is due and
    /// reads up to `limit` of its pending deliveries with their events, in one statement; nil when
    /// there is none (or that endpoint is leased, disabled or has nothing due).
    static func claim(worker: String, lease: Duration, limit: Int, endpoint: Int? = nil, on connection: Connection) throws -> Claim? {
        let which: SQL = endpoint.map { "AND e.id = \($0)" } ?? ""
        let rows = try connection.query(
            Query(
                endpoint == nil ? "webhooks.claim" : "webhooks.claimEndpoint",
                """
                WITH leased AS (
                    UPDATE webhook_endpoints w SET leased_until = clock_timestamp() + make_interval(secs => \(lease.seconds)), leased_by = \(worker)
                    WHERE w.id = (
                        SELECT e.id FROM webhook_endpoints e
                        WHERE e.enabled AND (e.leased_until IS NULL OR e.leased_until < clock_timestamp())
                          AND (SELECT d.next_attempt_at FROM webhook_deliveries d
                               WHERE d.endpoint_id = e.id AND d.state = 'pending' ORDER BY d.id LIMIT 1) <= clock_timestamp()
                          \(which)
                        ORDER BY e.leased_until NULLS FIRST, e.id
                        LIMIT 1 FOR UPDATE SKIP LOCKED)
                    RETURNING w.id, w.organization_id, w.url, w.secret,
                              CASE WHEN w.previous_secret_until > now() THEN w.previous_secret END AS previous_secret,
                              (SELECT o.kind = 'secretariat' FROM organizations o WHERE o.id = w.organization_id) AS secretariat
                )
                SELECT l.id AS endpoint_id, l.organization_id, l.url, l.secret, l.previous_secret, l.secretariat, d.*
                FROM leased l LEFT JOIN LATERAL (\(pending(endpoint: "l.id", limit: limit))) d ON true
                ORDER BY d.delivery_id
                """,
                // The scan for any due endpoint (once a second) is planned as the queue is now.
                planning: endpoint == nil ? .everyCall : .cached)
        ).rows
        guard let row = rows.first else { return nil }
        let secrets = [try row.decode("secret", as: String.self)] + (try row.decodeIfPresent("previous_secret", as: String.self).map { [$0] } ?? [])
        let lease = Lease(
            endpointID: try row.decode("endpoint_id"), organizationID: try row.decode("organization_id"), secretariat: try row.decode("secretariat"),
            url: try row.decode("url"), secrets: secrets.compactMap(WebhookSecret.init))
        return Claim(lease: lease, due: try dueRows(rows))
    }

    /// The next of the leased endpoint's pending deliveries after `after`, in order, as far as they are due.
    static func due(_ lease: Lease, after: Int, limit: Int, on connection: Connection) throws -> [Due] {
        try dueRows(
            connection.query(
                Query("webhooks.due", "\(pending(endpoint: "\(lease.endpointID)::bigint", limit: limit, after: after))")
            ).rows)
    }

    /// An endpoint's oldest pending deliveries with their events and whether each is due.
    private static func pending(endpoint: SQL, limit: Int, after: Int = 0) -> SQL {
        """
        SELECT d.id AS delivery_id, d.attempts, d.created_at AS delivery_created_at, d.next_attempt_at <= clock_timestamp() AS is_due,
               \(Outbox.columns)
        FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id
        WHERE d.endpoint_id = \(endpoint) AND d.state = 'pending' AND d.id > \(after)
        ORDER BY d.id LIMIT \(limit)
        """
    }

    /// The leading due deliveries of `rows` (a claim's rows have none when its endpoint had none
    /// left); an event of a kind this daemon does not know stops the batch there: it is left for
    /// a newer daemon, and the deliveries after it wait behind it.
    private static func dueRows(_ rows: [Row]) throws -> [Due] {
        var due: [Due] = []
        for row in rows {
            guard let id = try row.decodeIfPresent("delivery_id", as: Int.self), try row.decode("is_due", as: Bool.self),
                let event = try Outbox.event(row)
            else { break }
            due.append(
                Due(deliveryID: id, attempts: try row.decode("attempts"), createdAt: try row.decode("delivery_created_at"), event: event))
        }
        return due
    }

    static func release(_ lease: Lease, worker: String, on connection: Connection) throws {
        try connection.query(
            Query(
                "webhooks.release",
                "UPDATE webhook_endpoints SET leased_until = NULL, leased_by = NULL WHERE id = \(lease.endpointID) AND leased_by = \(worker)"))
    }

    /// A pending delivery of a leased endpoint.
    struct Due: Sendable {
        let deliveryID: Int
        let attempts: Int
        let createdAt: Date
        let event: OutboxEvent
    }

    /// What one attempt did.
    struct Outcome: Sendable {
        var status: Int?
        var latencyMs: Int
        var response: String
        var error: String?
        var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
    }

    /// Where a delivery goes after a turn.
    enum Settlement: Sendable {
        /// Answered with a 2xx.
        case delivered(Outcome)
        /// Not answered well: tried again after the delay.
        case retry(Outcome, after: Duration)
        /// The receiver's organization may no longer see the event: not sent, not counted.
        case skipped
    }

    /// Records a delivery's turn — the attempt, the delivery's new state — and extends the lease
    /// for the next delivery or (`release`) gives the endpoint up, in one statement. Returns false
    /// when the lease is no longer this worker's (it was too slow and another took over, or the
    /// endpoint was disabled or deleted): the worker stops there.
    static func settle(
        _ due: Due, _ settlement: Settlement, lease: Lease, worker: String, extendBy duration: Duration, release: Bool, on connection: Connection
    ) throws -> Bool {
        let (outcome, state, delay): (Outcome?, WebhookDeliveryState, Double) =
            switch settlement {
            case .delivered(let outcome): (outcome, .delivered, 0)
            case .retry(let outcome, let after): (outcome, .pending, after.seconds)
            case .skipped: (nil, .skipped, 0)
            }
        return try connection.query(
            Query(
                "webhooks.settle",
                """
                WITH attempt AS (
                    INSERT INTO webhook_attempts (delivery_id, status, latency_ms, response, error)
                    SELECT \(due.deliveryID)::bigint, \(outcome?.status)::integer, \(outcome?.latencyMs ?? 0)::integer, \(outcome?.response ?? "")::text,
                           \(outcome?.error)::text
                    WHERE \(outcome != nil)
                ), delivery AS (
                    UPDATE webhook_deliveries
                    SET state = \(state)::text, attempts = attempts + \(outcome == nil ? 0 : 1),
                        finished_at = CASE WHEN \(state)::text = 'pending' THEN NULL ELSE clock_timestamp() END,
                        next_attempt_at = CASE WHEN \(state)::text = 'pending' THEN clock_timestamp() + make_interval(secs => \(delay))
                                               ELSE next_attempt_at END
                    WHERE id = \(due.deliveryID) AND state = 'pending'
                )
                UPDATE webhook_endpoints
                SET leased_until = CASE WHEN \(release) THEN NULL ELSE clock_timestamp() + make_interval(secs => \(duration.seconds)) END,
                    leased_by = CASE WHEN \(release) THEN NULL ELSE leased_by END
                WHERE id = \(lease.endpointID) AND leased_by = \(worker) AND enabled
                RETURNING id
                """)
        ).first != nil
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
            connection, system, action: .webhookDisable, entityType: .webhookEndpoint, entityID: lease.endpointID, before: nil,
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
