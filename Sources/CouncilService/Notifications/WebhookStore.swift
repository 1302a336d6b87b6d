import CouncilDatabase
import Foundation

/// Webhook endpoints, their deliveries and attempts: what the API manages and the dispatcher works through.
struct WebhookStore: Sendable {
    let pool: DatabasePool

    static let columns: SQL = """
        w.id, w.organization_id, w.url, w.event_types, w.scope, w.description, w.enabled, w.disabled_reason,
        CASE WHEN w.previous_secret_until > now() THEN w.previous_secret_until END AS previous_secret_until, w.created_at, w.updated_at
        """

    static func endpoint(_ row: Row) throws -> WebhookEndpoint {
        WebhookEndpoint(
            id: try row.decode("id"), organizationID: try row.decode("organization_id"), url: try row.decode("url"),
            eventTypes: try row.decode("event_types", as: [String].self).compactMap(EventKind.init(rawValue:)), scope: try row.decode("scope"),
            description: try row.decode("description"), enabled: try row.decode("enabled"),
            disabledReason: try row.decodeIfPresent("disabled_reason"), previousSecretUntil: try row.decodeIfPresent("previous_secret_until"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    /// Every endpoint of an organization; nil: of all organizations.
    func endpoints(of organization: Int?) async throws -> [WebhookEndpoint] {
        try await pool.withConnection { connection in
            let condition: SQL = organization.map { "w.organization_id = \($0)" } ?? "TRUE"
            return try connection.query(Query("webhooks.list", "SELECT \(Self.columns) FROM webhook_endpoints w WHERE \(condition) ORDER BY w.id"))
                .rows.map(Self.endpoint)
        }
    }

    func endpoint(_ id: Int) async throws -> WebhookEndpoint? {
        try await pool.withConnection { try Self.endpoint(id, on: $0) }
    }

    static func endpoint(_ id: Int, on connection: Connection, lock: Bool = false) throws -> WebhookEndpoint? {
        let lockClause: SQL = lock ? "FOR UPDATE" : ""
        return try connection.query(
            Query(lock ? "webhooks.byIDForUpdate" : "webhooks.byID", "SELECT \(columns) FROM webhook_endpoints w WHERE w.id = \(id) \(lockClause)")
        ).first.map(endpoint)
    }

    struct Draft: Sendable {
        var url: String
        var eventTypes: [EventKind]
        var scope: WebhookScope
        var description: String
        var enabled: Bool

        /// Trimmed, checked (the URL by the target rules, 422 naming `url`), types sorted once each.
        func validated(_ targets: WebhookTargetPolicy) throws -> Draft {
            var draft = self
            draft.url = url.trimmingCharacters(in: .whitespaces)
            if let refusal = targets.refusal(of: draft.url) {
                throw Problem.unprocessable("url", Reason("the URL \(refusal)", ja: "URLが使えません（\(refusal)）"))
            }
            draft.description = description.trimmingCharacters(in: .whitespacesAndNewlines)
            if !draft.description.isEmpty { try Problem.requireLine("description", draft.description, max: 200) }
            draft.eventTypes = Array(Set(eventTypes)).sorted { $0.rawValue < $1.rawValue }
            return draft
        }
    }

    func create(organization: Int, _ draft: Draft, by actor: AuditActor) async throws -> WebhookEndpoint {
        let secret = WebhookSecret.generate()
        return try await pool.withTransaction { connection in
            let id: Int = try connection.query(
                Query(
                    "webhooks.insert",
                    """
                    INSERT INTO webhook_endpoints (organization_id, url, event_types, scope, description, secret, created_by)
                    VALUES (\(organization), \(draft.url), \(draft.eventTypes.map(\.rawValue))::text[], \(draft.scope), \(draft.description),
                            \(secret.text), \(actor.accountID))
                    RETURNING id
                    """)
            ).single().decode("id")
            var created = try Self.endpoint(id, on: connection)!
            try AuditStore.record(
                connection, actor, action: .webhookCreate, entityType: .webhookEndpoint, entityID: id, before: nil,
                after: try JSONValue.fields(of: created))
            created.secret = secret.text
            return created
        }
    }

    func update(_ id: Int, by actor: AuditActor, _ change: @escaping @Sendable (WebhookEndpoint) throws -> Draft) async throws -> WebhookEndpoint {
        try await pool.withTransaction { connection in
            guard let current = try Self.endpoint(id, on: connection, lock: true) else {
                throw Problem.notFound(Reason.noWebhookEndpoint(id))
            }
            let draft = try change(current)
            try connection.query(
                Query(
                    "webhooks.update",
                    """
                    UPDATE webhook_endpoints SET url = \(draft.url), event_types = \(draft.eventTypes.map(\.rawValue))::text[], scope = \(draft.scope),
                           description = \(draft.description), enabled = \(draft.enabled),
                           disabled_reason = CASE WHEN \(draft.enabled) THEN NULL ELSE disabled_reason END, updated_at = now()
                    WHERE id = \(id)
                    """))
            let updated = try Self.endpoint(id, on: connection)!
            try AuditStore.record(
                connection, actor, action: .webhookUpdate, entityType: .webhookEndpoint, entityID: id,
                before: try JSONValue.fields(of: current), after: try JSONValue.fields(of: updated))
            return updated
        }
    }

    func delete(_ id: Int, by actor: AuditActor) async throws {
        try await pool.withTransaction { connection in
            guard let current = try Self.endpoint(id, on: connection, lock: true) else {
                throw Problem.notFound(Reason.noWebhookEndpoint(id))
            }
            try connection.query(Query("webhooks.delete", "DELETE FROM webhook_endpoints WHERE id = \(id)"))
            try AuditStore.record(
                connection, actor, action: .webhookDelete, entityType: .webhookEndpoint, entityID: id,
                before: try JSONValue.fields(of: current), after: nil)
        }
    }

    /// A new secret; the old one keeps signing (a second signature) for `overlap`, so receivers
    /// can switch without losing a message.
    func rotateSecret(_ id: Int, overlap: Duration, by actor: AuditActor) async throws -> WebhookEndpoint {
        let secret = WebhookSecret.generate()
        return try await pool.withTransaction { connection in
            guard try Self.endpoint(id, on: connection, lock: true) != nil else {
                throw Problem.notFound(Reason.noWebhookEndpoint(id))
            }
            try connection.query(
                Query(
                    "webhooks.rotate",
                    """
                    UPDATE webhook_endpoints SET previous_secret = secret, secret = \(secret.text),
                           previous_secret_until = now() + make_interval(secs => \(Double(overlap.components.seconds))), updated_at = now()
                    WHERE id = \(id)
                    """))
            var rotated = try Self.endpoint(id, on: connection)!
            try AuditStore.record(
                connection, actor, action: .webhookRotateSecret, entityType: .webhookEndpoint, entityID: id, before: nil,
                after: ["previous_secret_until": try JSONValue.fields(of: rotated)["previous_secret_until"] ?? .null])
            rotated.secret = secret.text
            return rotated
        }
    }

    /// The endpoint's deliveries, newest first, each with its attempts.
    func deliveries(of endpoint: Int, state: WebhookDeliveryState?, before: Int?, limit: Int) async throws -> (items: [WebhookDelivery], next: Int?) {
        try await pool.withConnection { connection in
            var conditions: [SQL] = ["d.endpoint_id = \(endpoint)"]
            if let state { conditions.append("d.state = \(state.rawValue)") }
            if let before { conditions.append("d.id < \(before)") }
            let rows = try connection.query(
                Query(
                    "webhooks.deliveries",
                    """
                    SELECT d.id, d.endpoint_id, d.event_id, e.kind, d.state, d.attempts,
                           CASE WHEN d.state = 'pending' THEN d.next_attempt_at END AS next_attempt_at, d.created_at, d.finished_at,
                           coalesce((SELECT jsonb_agg(jsonb_build_object('at', a.at, 'status', a.status, 'latency_ms', a.latency_ms,
                                                                         'response', a.response, 'error', a.error) ORDER BY a.id)
                                     FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]') AS log
                    FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id
                    WHERE \(SQL.joined(conditions, separator: " AND "))
                    ORDER BY d.id DESC LIMIT \(limit + 1)
                    """)
            ).rows
            let items = try rows.prefix(limit).map(Self.delivery)
            return (Array(items), rows.count > limit ? items.last?.id : nil)
        }
    }

    static func delivery(_ row: Row) throws -> WebhookDelivery {
        let eventID: Int = try row.decode("event_id")
        let log = try JSONCoding.decoder.decode([WebhookAttempt].self, from: Data(try row.decode("log", as: String.self).utf8))
        return WebhookDelivery(
            id: try row.decode("id"), endpointID: try row.decode("endpoint_id"), eventID: eventID,
            eventType: EventKind(rawValue: try row.decode("kind")) ?? .issueUpdated, messageID: Self.messageID(eventID),
            state: try row.decode("state"), attempts: try row.decode("attempts"), nextAttemptAt: try row.decodeIfPresent("next_attempt_at"),
            createdAt: try row.decode("created_at"), finishedAt: try row.decodeIfPresent("finished_at"), log: log)
    }

    /// The `webhook-id` of an event: the same for every attempt, so receivers drop repeats.
    static func messageID(_ eventID: Int) -> String { "evt_\(eventID)" }

    /// Sends the event of a delivery again, after whatever the endpoint has pending.
    func redeliver(endpoint: Int, delivery: Int, by actor: AuditActor) async throws -> WebhookDelivery {
        try await pool.withTransaction { connection in
            guard
                let eventID: Int = try connection.query(
                    Query("webhooks.deliveryEvent", "SELECT event_id FROM webhook_deliveries WHERE id = \(delivery) AND endpoint_id = \(endpoint)")
                ).first?.decode("event_id")
            else {
                throw Problem.notFound(
                    Reason("no delivery \(delivery) of webhook endpoint \(endpoint)", ja: "Webhookの送信先\(endpoint)に配信\(delivery)はありません"))
            }
            let id: Int = try connection.query(
                Query(
                    "webhooks.redeliver",
                    "INSERT INTO webhook_deliveries (endpoint_id, event_id) VALUES (\(endpoint), \(eventID)) RETURNING id")
            ).single().decode("id")
            try AuditStore.record(
                connection, actor, action: .webhookRedeliver, entityType: .webhookEndpoint, entityID: endpoint, before: nil,
                after: ["delivery_id": .number(Double(id)), "event_id": .number(Double(eventID))])
            return try Self.delivery(
                try connection.query(
                    Query(
                        "webhooks.deliveryByID",
                        """
                        SELECT d.id, d.endpoint_id, d.event_id, e.kind, d.state, d.attempts, d.next_attempt_at, d.created_at, d.finished_at,
                               '[]' AS log
                        FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id WHERE d.id = \(id)
                        """)
                ).single())
        }
    }
}
