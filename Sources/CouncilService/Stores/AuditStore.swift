import CouncilDatabase
import Foundation

/// The audit log: written inside each mutation's transaction, read by the secretariat.
struct AuditStore: Sendable {
    let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Records one mutation on the transaction's connection. Unchanged fields are left out.
    static func record(
        _ connection: Connection, _ actor: AuditActor, action: AuditAction, entityType: AuditEntity, entityID: Int,
        before: [String: JSONValue]?, after: [String: JSONValue]?
    ) throws {
        try record(connection, actor, action: action, entityType: entityType, entityID: String(entityID), before: before, after: after)
    }

    /// Records an event whose subject has no row id (a sign-in refused for an unknown address).
    static func record(
        _ connection: Connection, _ actor: AuditActor, action: AuditAction, entityType: AuditEntity, entityID: String,
        before: [String: JSONValue]?, after: [String: JSONValue]?
    ) throws {
        let changes = Self.changes(before: before, after: after)
        try connection.query(
            Query(
                "audit.record",
                """
                INSERT INTO audit_log (actor_account_id, actor_organization_id, action, entity_type, entity_id, changes, request_id,
                                       client_request_id)
                VALUES (\(actor.accountID), \(actor.organizationID), \(action.rawValue), \(entityType.rawValue), \(entityID),
                        \(try JSONB(changes))::jsonb, \(actor.requestID), \(actor.clientRequestID))
                """))
    }

    func entries(_ filter: AuditFilter, before: Int?, limit: Int) async throws -> AuditPage {
        try await pool.withConnection { connection in
            var conditions: [SQL] = ["TRUE"]
            if let value = filter.actorAccount { conditions.append("actor_account_id = \(value)") }
            if let value = filter.actorOrganization { conditions.append("actor_organization_id = \(value)") }
            if let value = filter.entityType { conditions.append("entity_type = \(value)") }
            if let value = filter.entityID { conditions.append("entity_id = \(value)") }
            if let value = filter.action { conditions.append("action = \(value)") }
            if let value = filter.since { conditions.append("at >= \(value)") }
            if let value = filter.until { conditions.append("at < \(value)") }
            if let before { conditions.append("id < \(before)") }
            let rows = try connection.query(
                Query(
                    "audit.entries",
                    """
                    SELECT id, at, actor_account_id, actor_organization_id, action, entity_type, entity_id, changes, request_id,
                           client_request_id
                    FROM audit_log WHERE \(SQL.joined(conditions, separator: " AND "))
                    ORDER BY id DESC LIMIT \(limit + 1)
                    """)
            ).rows
            let items = try rows.prefix(limit).map { row in
                AuditEntry(
                    id: try row.decode("id"), at: try row.decode("at"), actorAccountID: try row.decodeIfPresent("actor_account_id"),
                    actorOrganizationID: try row.decodeIfPresent("actor_organization_id"), action: try row.decode("action"),
                    entityType: try row.decode("entity_type"), entityID: try row.decode("entity_id"),
                    changes: FieldChange.changes(try row.decode("changes", as: JSONValue.self)),
                    requestID: try row.decodeIfPresent("request_id"), clientRequestID: try row.decodeIfPresent("client_request_id"))
            }
            return AuditPage(items: Array(items), nextBefore: rows.count > limit ? items.last?.id : nil)
        }
    }
}

extension AuditStore {
    /// Field-by-field changes between two JSON objects (unchanged fields left out).
    static func changes(before: [String: JSONValue]?, after: [String: JSONValue]?) -> [String: FieldChange] {
        var changes: [String: FieldChange] = [:]
        for key in Set((before ?? [:]).keys).union((after ?? [:]).keys) where key != "created_at" && key != "updated_at" {
            let old = before?[key], new = after?[key]
            if old != new { changes[key] = FieldChange(old: old, new: new) }
        }
        return changes
    }
}
