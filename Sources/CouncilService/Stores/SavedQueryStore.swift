import CouncilDatabase
import Foundation

/// A named filter set of `GET /v1/issues`: the query parameters, by name.
struct SavedQuery: Codable, Sendable, Equatable {
    let id: Int
    let name: String
    let accountID: Int
    let organizationID: Int
    let filters: [String: [String]]
    let shared: Bool
    let createdAt: Date
    let updatedAt: Date
}

/// Saved queries per account; shared ones are readable by the account's organization.
struct SavedQueryStore: Sendable {
    let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func queries(for principal: Principal) async throws -> [SavedQuery] {
        try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "savedQueries.list",
                    """
                    SELECT \(Self.columns) FROM saved_queries
                    WHERE account_id = \(principal.accountID) OR (shared AND organization_id = \(principal.organizationID))
                    ORDER BY name, id
                    """)
            ).rows.map(Self.savedQuery)
        }
    }

    /// A query the caller may read; 404 otherwise.
    func query(_ id: Int, for principal: Principal) async throws -> SavedQuery {
        try await pool.withConnection { connection in try Self.visible(id, principal, on: connection, lock: false) }
    }

    func create(
        name: String, filters: [String: [String]], shared: Bool, by principal: Principal,
        _ actor: AuditActor
    ) async throws -> SavedQuery {
        let name = try Self.validated(name)
        return try await pool.withTransaction { connection in
            let id: Int = try connection.query(
                Query(
                    "savedQueries.insert",
                    """
                    INSERT INTO saved_queries (account_id, organization_id, name, filters, shared)
                    VALUES (\(principal.accountID), \(principal.organizationID), \(name), \(try JSONB(filters))::jsonb, \(shared))
                    RETURNING id
                    """)
            ).single().decode("id")
            let created = try Self.visible(id, principal, on: connection, lock: false)
            try AuditStore.record(
                connection, actor, action: .savedQueryCreate, entityType: .savedQuery, entityID: id,
                before: nil, after: try JSONValue.fields(of: created))
            return created
        }
    }

    func update(
        _ id: Int, by principal: Principal, _ actor: AuditActor,
        _ change: @escaping @Sendable (SavedQuery) throws -> (name: String, filters: [String: [String]], shared: Bool)
    ) async throws -> SavedQuery {
        try await pool.withTransaction { connection in
            let current = try Self.visible(id, principal, on: connection, lock: true)
            try Policy.requireOwn(savedQuery: current.accountID, id: id, principal)
            let (name, filters, shared) = try change(current)
            try connection.query(
                Query(
                    "savedQueries.update",
                    """
                    UPDATE saved_queries SET name = \(try Self.validated(name)), filters = \(try JSONB(filters))::jsonb, shared = \(shared),
                           updated_at = now()
                    WHERE id = \(id)
                    """))
            let updated = try Self.visible(id, principal, on: connection, lock: false)
            try AuditStore.record(
                connection, actor, action: .savedQueryUpdate, entityType: .savedQuery, entityID: id,
                before: try JSONValue.fields(of: current), after: try JSONValue.fields(of: updated))
            return updated
        }
    }

    func delete(_ id: Int, by principal: Principal, _ actor: AuditActor) async throws {
        try await pool.withTransaction { connection in
            let current = try Self.visible(id, principal, on: connection, lock: true)
            try Policy.requireOwn(savedQuery: current.accountID, id: id, principal)
            try connection.query(Query("savedQueries.delete", "DELETE FROM saved_queries WHERE id = \(id)"))
            try AuditStore.record(
                connection, actor, action: .savedQueryDelete, entityType: .savedQuery, entityID: id,
                before: try JSONValue.fields(of: current), after: nil)
        }
    }

    private static func visible(_ id: Int, _ principal: Principal, on connection: Connection, lock: Bool) throws -> SavedQuery {
        let lockClause: SQL = lock ? "FOR UPDATE" : ""
        guard
            let query = try connection.query(
                Query(
                    lock ? "savedQueries.byIDForUpdate" : "savedQueries.byID",
                    """
                    SELECT \(columns) FROM saved_queries WHERE id = \(id) \(lockClause)
                    """)
            ).first.map(savedQuery),
            Policy.canSee(savedQuery: query.accountID, organization: query.organizationID, shared: query.shared, principal)
        else {
            throw Problem.notFound(Reason("no saved query \(id)", ja: "保存した検索\(id)はありません"))
        }
        return query
    }

    private static func validated(_ name: String) throws -> String {
        let name = JapaneseText.typedTrimmed(name)
        try Problem.requireLine("name", name, max: 100)
        return name
    }

    static let columns: SQL = "id, name, account_id, organization_id, filters::text AS filters, shared, created_at, updated_at"

    static func savedQuery(_ row: Row) throws -> SavedQuery {
        SavedQuery(
            id: try row.decode("id"), name: try row.decode("name"), accountID: try row.decode("account_id"),
            organizationID: try row.decode("organization_id"),
            filters: try row.decode("filters", as: JSONB<[String: [String]]>.self).value, shared: try row.decode("shared"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}
