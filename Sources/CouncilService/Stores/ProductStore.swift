import CouncilDatabase

/// Vendors' standard-compliant products and the business areas each covers.
struct ProductStore: Sendable {
    let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func product(_ id: Int) async throws -> Product? {
        try await pool.withConnection { try Self.fetch(id, on: $0, lock: .none) }
    }

    func products(vendor: Int?, businessArea: BusinessArea?, page: Page) async throws -> Paged<Product> {
        try await pool.withConnection { connection in
            var conditions: [SQL] = ["TRUE"]
            if let vendor { conditions.append("p.vendor_id = \(vendor)") }
            if let businessArea {
                conditions.append("EXISTS (SELECT 1 FROM product_business_areas c WHERE c.product_id = p.id AND c.business_area = \(businessArea))")
            }
            let filter = SQL.joined(conditions, separator: " AND ")
            let rows = try connection.query(
                Query(
                    "products.list",
                    """
                    SELECT \(Self.columns) FROM products p JOIN organizations o ON o.id = p.vendor_id
                    WHERE \(filter) ORDER BY p.id LIMIT \(page.limit) OFFSET \(page.offset)
                    """)
            ).rows
            let total: Int = try connection.query(
                Query(
                    "products.count",
                    """
                    SELECT count(*) AS n FROM products p WHERE \(filter)
                    """)
            ).single().decode("n")
            return Paged(items: try rows.map(Self.product), total: total, limit: page.limit, offset: page.offset)
        }
    }

    func create(_ draft: ProductDraft, by actor: AuditActor) async throws -> Product {
        try draft.validate()
        return try await pool.withTransaction { connection in
            guard let vendor = try OrganizationStore.fetch(draft.vendorID, on: connection, lock: false), vendor.kind == .vendor else {
                throw Problem.invalid("vendor_id", Reason("no vendor organization \(draft.vendorID)", ja: "ベンダーの組織\(draft.vendorID)はありません"))
            }
            guard vendor.active else { throw Problem.unprocessable("vendor_id", Reason("\(vendor.name) is inactive", ja: "\(vendor.name)は停止しています")) }
            let id: Int = try connection.query(
                Query(
                    "products.insert",
                    """
                    INSERT INTO products (vendor_id, name, version, notes) VALUES (\(draft.vendorID), \(draft.name), \(draft.version), \(draft.notes))
                    RETURNING id
                    """)
            ).single().decode("id")
            try Self.setAreas(id, draft.businessAreas, on: connection)
            let created = try Self.fetch(id, on: connection, lock: .none)!
            try AuditStore.record(
                connection, actor, action: .productCreate, entityType: .product, entityID: id,
                before: nil, after: try JSONValue.fields(of: created))
            return created
        }
    }

    func update(
        _ id: Int, by actor: AuditActor,
        _ change: @escaping @Sendable (Product) throws -> ProductDraft
    ) async throws -> Product? {
        try await pool.withTransaction { connection in
            guard let current = try Self.fetch(id, on: connection, lock: .update) else { return nil }
            let draft = try change(current)
            guard draft != ProductDraft(current) else { return current }
            try draft.validate()
            try connection.query(
                Query(
                    "products.update",
                    """
                    UPDATE products SET name = \(draft.name), version = \(draft.version), notes = \(draft.notes), updated_at = now()
                    WHERE id = \(id)
                    """))
            try Self.setAreas(id, draft.businessAreas, on: connection)
            let updated = try Self.fetch(id, on: connection, lock: .none)!
            try AuditStore.record(
                connection, actor, action: .productUpdate, entityType: .product, entityID: id,
                before: try JSONValue.fields(of: current), after: try JSONValue.fields(of: updated))
            return updated
        }
    }

    /// Replaces the covered areas; an area that still has reports or adoptions cannot be dropped.
    private static func setAreas(_ product: Int, _ areas: [BusinessArea], on connection: Connection) throws {
        let slugs = areas.map(\.rawValue)
        let inUse = try connection.query(
            Query(
                "products.areasInUse",
                """
                SELECT DISTINCT business_area FROM (
                    SELECT business_area FROM status_reports WHERE product_id = \(product)
                    UNION ALL SELECT business_area FROM adoptions WHERE product_id = \(product)) used
                WHERE NOT (business_area = ANY (\(slugs)::text[]))
                """)
        ).rows.map { try $0.decode("business_area", as: String.self) }
        if let area = inUse.first {
            throw Problem.unprocessable(
                "business_areas",
                Reason("\(area) has status reports or adoptions for this product and cannot be removed", ja: "この製品の\(area)には開発状況か導入の届出があるため外せません"))
        }
        try connection.query(
            Query(
                "products.dropAreas",
                """
                DELETE FROM product_business_areas WHERE product_id = \(product) AND NOT (business_area = ANY (\(slugs)::text[]))
                """))
        try connection.query(
            Query(
                "products.addAreas",
                """
                INSERT INTO product_business_areas (product_id, business_area)
                SELECT \(product), area FROM unnest(\(slugs)::text[]) AS area ON CONFLICT DO NOTHING
                """))
    }

    /// How a read of a product holds its row until the transaction ends.
    enum RowLock {
        case none
        /// Other sharers go on beside it; an edit of the product waits (a status filing).
        case share
        /// Everyone else who locks it waits (an edit).
        case update
    }

    static func fetch(_ id: Int, on connection: Connection, lock: RowLock) throws -> Product? {
        let lockClause: SQL =
            switch lock {
            case .none: ""
            case .share: "FOR SHARE OF p"
            case .update: "FOR UPDATE OF p"
            }
        return try connection.query(
            Query(
                "products.byID",
                """
                SELECT \(columns) FROM products p JOIN organizations o ON o.id = p.vendor_id WHERE p.id = \(id) \(lockClause)
                """)
        ).first.map(product)
    }

    static let columns: SQL = """
        p.id, p.vendor_id, o.name AS vendor_name, p.name, p.version, p.notes, p.created_at, p.updated_at,
        ARRAY(SELECT c.business_area FROM product_business_areas c JOIN business_areas b ON b.slug = c.business_area
              WHERE c.product_id = p.id ORDER BY b.sort_order)::text[] AS business_areas
        """

    static func product(_ row: Row) throws -> Product {
        Product(
            id: try row.decode("id"), vendorID: try row.decode("vendor_id"), vendorName: try row.decode("vendor_name"),
            name: try row.decode("name"), businessAreas: try row.decode("business_areas"), version: try row.decodeIfPresent("version"),
            notes: try row.decodeIfPresent("notes"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}

extension ProductStore {
    /// Product ids and names for resolving spreadsheet rows: one vendor's, or everyone's.
    func names(vendor: Int?) async throws -> [(id: Int, vendor: Int, name: String)] {
        try await pool.withConnection { connection in
            let filter: SQL = vendor.map { "vendor_id = \($0)" } ?? "TRUE"
            return try connection.query(Query("products.names", "SELECT id, vendor_id, name FROM products WHERE \(filter)")).rows.map {
                (try $0.decode("id"), try $0.decode("vendor_id"), try $0.decode("name"))
            }
        }
    }
}
