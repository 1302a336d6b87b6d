import CouncilDatabase

/// Organizations: the secretariat, vendors and observers.
struct OrganizationStore: Sendable {
    let pool: DatabasePool
    /// The names (`names(known:)`, `names(including:known:)`, `activeVendorNames(known:)`), kept
    /// while no organization changed: organizations move the change counters.
    private let cache = ViewCache(capacity: 4)

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func organization(_ id: Int) async throws -> Organization? {
        try await pool.withConnection { try Self.fetch(id, on: $0, lock: false) }
    }

    func organizations(kind: OrganizationKind?, active: Bool?, page: Page) async throws -> Paged<Organization> {
        try await pool.withConnection { connection in
            var conditions: [SQL] = ["TRUE"]
            if let kind { conditions.append("kind = \(kind)") }
            if let active { conditions.append("active = \(active)") }
            let filter = SQL.joined(conditions, separator: " AND ")
            let rows = try connection.query(
                Query(
                    "organizations.list",
                    """
                    SELECT \(Self.columns) FROM organizations WHERE \(filter) ORDER BY id LIMIT \(page.limit) OFFSET \(page.offset)
                    """)
            ).rows
            let total: Int = try connection.query(
                Query(
                    "organizations.count",
                    """
                    SELECT count(*) AS n FROM organizations WHERE \(filter)
                    """)
            ).single().decode("n")
            return Paged(items: try rows.map(Self.organization), total: total, limit: page.limit, offset: page.offset)
        }
    }

    /// Every organization's id and name, by id: what a filter's choices and a log's names need.
    /// Without a connection while kept at the `known` change version.
    func names(known version: Int64? = nil) async throws -> [(id: Int, name: String)] {
        try await allNames(known: version).ordered
    }

    /// Every organization's name by its id, kept at the `known` change version, with those of
    /// `ids` that are newer than it read by id: the vendors of the pages' issue tables.
    func names(including ids: some Sequence<Int>, known version: Int64?) async throws -> [Int: String] {
        let kept = try await allNames(known: version).byID
        let newer = Set(ids.lazy.filter { kept[$0] == nil })
        return newer.isEmpty ? kept : kept.merging(try await names(of: newer)) { _, read in read }
    }

    /// Every organization's name in id order and by id, from one statement, kept as one value.
    private struct AllNames: Sendable {
        let ordered: [(id: Int, name: String)]
        let byID: [Int: String]
    }

    private func allNames(known version: Int64?) async throws -> AllNames {
        try await cache.value("names", known: version, lease: pool.withConnection) { connection in
            let ordered = try connection.query(Query("organizations.names", "SELECT id, name FROM organizations ORDER BY id")).rows.map {
                (id: try $0.decode("id") as Int, name: try $0.decode("name") as String)
            }
            return AllNames(ordered: ordered, byID: Dictionary(uniqueKeysWithValues: ordered.map { ($0.id, $0.name) }))
        }
    }

    /// The active vendors' ids and names, by id: the choices of the issue list's vendor filter
    /// (read on every list page; 1.5 ms at national scale when not kept). Without a connection
    /// while kept at the `known` change version.
    func activeVendorNames(known version: Int64? = nil) async throws -> [(id: Int, name: String)] {
        try await cache.value("activeVendorNames", known: version, lease: pool.withConnection) { connection in
            try connection.query(
                Query(
                    "organizations.activeVendorNames",
                    "SELECT id, name FROM organizations WHERE kind = \(OrganizationKind.vendor) AND active ORDER BY id")
            ).rows.map { (id: try $0.decode("id"), name: try $0.decode("name")) }
        }
    }

    /// The names of these organizations, in one statement.
    func names(of ids: Set<Int>) async throws -> [Int: String] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.withConnection { connection in
            var names: [Int: String] = [:]
            for row in try connection.query(
                Query("organizations.namesOf", "SELECT id, name FROM organizations WHERE id = ANY (\(Array(ids))::bigint[])")
            ).rows {
                names[try row.decode("id")] = try row.decode("name")
            }
            return names
        }
    }

    func create(_ draft: OrganizationDraft, by actor: AuditActor) async throws -> Organization {
        try draft.validate()
        return try await pool.withTransaction { connection in
            try Self.checkMinistry(draft, on: connection)
            let created = try Self.organization(
                try connection.query(
                    Query(
                        "organizations.insert",
                        """
                        INSERT INTO organizations (kind, category, ministry, name, short_name, corporate_number, active)
                        VALUES (\(draft.kind), \(draft.category), \(draft.ministry), \(draft.name), \(draft.shortName),
                                \(draft.corporateNumber), \(draft.active))
                        RETURNING \(Self.columns)
                        """)
                ).single())
            try AuditStore.record(
                connection, actor, action: .organizationCreate, entityType: .organization,
                entityID: created.id, before: nil, after: try JSONValue.fields(of: created))
            return created
        }
    }

    /// Applies `change` to the locked current state; writes and audits only if something changed.
    func update(
        _ id: Int, by actor: AuditActor,
        _ change: @escaping @Sendable (Organization) throws -> OrganizationDraft
    ) async throws -> Organization? {
        try await pool.withTransaction { connection in
            guard let current = try Self.fetch(id, on: connection, lock: true) else { return nil }
            let draft = try change(current)
            guard draft != OrganizationDraft(current) else { return current }
            try draft.validate()
            try Self.checkMinistry(draft, on: connection)
            let updated = try Self.organization(
                try connection.query(
                    Query(
                        "organizations.update",
                        """
                        UPDATE organizations SET category = \(draft.category), ministry = \(draft.ministry), name = \(draft.name),
                            short_name = \(draft.shortName), corporate_number = \(draft.corporateNumber), active = \(draft.active),
                            updated_at = now()
                        WHERE id = \(id) RETURNING \(Self.columns)
                        """)
                ).single())
            try AuditStore.record(
                connection, actor, action: .organizationUpdate, entityType: .organization, entityID: id,
                before: try JSONValue.fields(of: current), after: try JSONValue.fields(of: updated))
            return updated
        }
    }

    static func fetch(_ id: Int, on connection: Connection, lock: Bool) throws -> Organization? {
        let lockClause: SQL = lock ? "FOR UPDATE" : ""
        return try connection.query(
            Query(
                "organizations.byID",
                """
                SELECT \(columns) FROM organizations WHERE id = \(id) \(lockClause)
                """)
        ).first.map(organization)
    }

    private static func checkMinistry(_ draft: OrganizationDraft, on connection: Connection) throws {
        guard let ministry = draft.ministry else { return }
        let known: Int = try connection.query(
            Query(
                "organizations.ministryExists",
                """
                SELECT count(*) AS n FROM ministries WHERE slug = \(ministry)
                """)
        ).single().decode("n")
        if known == 0 {
            throw Problem.invalid(
                "ministry",
                Reason("'\(ministry)' is not a ministry; see /v1/business-areas", ja: "「\(ministry)」は省庁ではありません（/v1/business-areas を見てください）"))
        }
    }

    static let columns: SQL = "id, kind, category, ministry, name, short_name, corporate_number, active, created_at, updated_at"

    static func organization(_ row: Row) throws -> Organization {
        Organization(
            id: try row.decode("id"), kind: try row.decode("kind"), category: try row.decodeIfPresent("category"),
            ministry: try row.decodeIfPresent("ministry"), name: try row.decode("name"), shortName: try row.decode("short_name"),
            corporateNumber: try row.decodeIfPresent("corporate_number"), active: try row.decode("active"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}
