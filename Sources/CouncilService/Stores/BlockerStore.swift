import CouncilDatabase
import NIOCore

/// Who blocks whom: computed on each request from open issues and adoptions, within what the
/// caller may see.
struct BlockerStore: Sendable {
    /// Views may come from a standby (`ReadPool`); the cache is keyed by what the serving
    /// server's change counters say, so a view never mixes servers.
    let pool: ReadPool
    let cache = ViewCache()

    init(pool: DatabasePool) {
        self.init(reads: ReadPool(primary: pool))
    }

    init(reads: ReadPool) {
        self.pool = reads
    }

    /// A view's JSON, on one pooled connection: the cached bytes while nothing the view reads
    /// has changed, else the view computed, encoded and kept. nil when `compute` finds nothing.
    func cachedJSON<View: Encodable & Sendable>(
        _ key: String, _ compute: @escaping @Sendable (Connection) throws -> View?
    ) async throws -> ByteBuffer? {
        try await cached("json|" + key) { connection in
            try compute(connection).map { ByteBuffer(bytes: try JSONCoding.fast.encode($0)) }
        }
    }

    /// A view computed on one connection, or the cached one while nothing it reads has changed.
    /// A page that shows several views reads the change version once (`version()`) and passes
    /// it as `known`: a view cached at that version is then served without a connection.
    private func cached<Value: Sendable>(
        _ key: String, known version: Int64? = nil, _ compute: @escaping @Sendable (Connection) throws -> Value
    ) async throws -> Value {
        try await cache.value(key, known: version, lease: pool.withConnection, compute: compute)
    }

    /// The change version the views are kept under, as the server that serves them says now.
    func version() async throws -> Int64 {
        try await pool.withConnection { connection in try ViewCache.version(on: connection) }
    }

    func blockers(_ filter: BlockerFilter, page: Page, scope: Policy.IssueScope) async throws -> Paged<Blocker> {
        try await cached("list|\(filter)|\(scope)|\(page)") { connection in
            let base = Self.base(filter, scope: scope)
            let rows = try connection.query(
                Query(
                    "blockers.list",
                    """
                    SELECT * FROM (\(base)) b
                    ORDER BY b.dantai_code, (SELECT sort_order FROM business_areas WHERE slug = b.business_area), b.vendor_id
                    LIMIT \(page.limit) OFFSET \(page.offset)
                    """)
            ).rows
            let total: Int = try connection.query(Query("blockers.count", "SELECT count(*) AS n FROM (\(base)) b")).single().decode("n")
            return Paged(items: try rows.map(Self.blocker), total: total, limit: page.limit, offset: page.offset)
        }
    }

    /// One 団体's blockers (its page), kept like the API's while nothing the view reads changed.
    func municipalityView(_ code: MunicipalityCode, scope: Policy.IssueScope, known version: Int64? = nil) async throws -> DantaiBlockers? {
        try await cached("dantai|\(code)|\(scope)", known: version) { try Self.municipalityView(code, scope: scope, on: $0) }
    }

    /// The blockers of one 団体 in each of the 20 business areas; nil when there is no such 団体.
    static func municipalityView(_ code: MunicipalityCode, scope: Policy.IssueScope, on connection: Connection) throws -> DantaiBlockers? {
        guard
            let name: String = try connection.query(Query("blockers.dantaiName", "SELECT name FROM dantai WHERE code = \(code)")).first?
                .decode("name")
        else { return nil }
        var filter = BlockerFilter()
        filter.dantai = code.rawValue
        let blockers = try connection.query(Query("blockers.ofDantai", "SELECT * FROM (\(Self.base(filter, scope: scope))) b ORDER BY b.vendor_id"))
            .rows.map(Self.blocker)
        return DantaiBlockers(
            dantaiCode: code.rawValue, name: name,
            businessAreas: BusinessArea.allCases.map { area in
                DantaiBlockers.Area(businessArea: area, name: area.japaneseName, blockers: blockers.filter { $0.businessArea == area })
            })
    }

    func vendorView(
        _ vendor: Int, businessArea: BusinessArea?, prefectures: [PrefectureCode],
        scope: Policy.IssueScope
    ) async throws -> VendorBlocked? {
        try await pool.withConnection { try Self.vendorView(vendor, businessArea: businessArea, prefectures: prefectures, scope: scope, on: $0) }
    }

    /// One vendor's blocked 団体; nil when there is no such vendor.
    static func vendorView(
        _ vendor: Int, businessArea: BusinessArea?, prefectures: [PrefectureCode],
        scope: Policy.IssueScope, on connection: Connection
    ) throws -> VendorBlocked? {
        guard
            let name: String = try connection.query(
                Query(
                    "blockers.vendorName",
                    """
                    SELECT name FROM organizations WHERE id = \(vendor) AND kind = 'vendor'
                    """)
            ).first?.decode("name")
        else { return nil }
        var filter = BlockerFilter()
        filter.vendor = vendor
        filter.businessArea = businessArea
        filter.prefectures = prefectures
        let blockers = try connection.query(
            Query(
                "blockers.ofVendor",
                """
                SELECT * FROM (\(Self.base(filter, scope: scope))) b
                ORDER BY b.dantai_code, (SELECT sort_order FROM business_areas WHERE slug = b.business_area)
                """)
        ).rows.map(Self.blocker)
        var names: [PrefectureCode: String] = [:]
        for row in try connection.query(Query("blockers.prefectureNames", "SELECT code, name FROM prefectures")).rows {
            names[try row.decode("code")] = try row.decode("name")
        }
        return VendorBlocked(vendor: OrganizationRef(id: vendor, name: name), blockers: blockers, prefectureNames: names)
    }

    func groups(
        _ filter: BlockerFilter, by grouping: BlockerGrouping, scope: Policy.IssueScope, known version: Int64? = nil
    ) async throws -> [BlockerGroup] {
        // Labels are looked up once per group (`g.key`), not once per row. Each (団体, business
        // area) is counted once per group: rows are made distinct first (a hash), then counted.
        let rowLabel: SQL = grouping == .vendor ? "min(s.vendor_name)" : "NULL::text"
        let vendorName: SQL = grouping == .vendor ? "b.vendor_name" : "NULL::text AS vendor_name"
        let (key, label, order): (SQL, SQL, SQL) =
            switch grouping {
            case .vendor: ("b.vendor_id::text", "g.row_label", "municipalities DESC, key")
            case .prefecture: ("b.prefecture_code", "(SELECT name FROM prefectures WHERE code = g.key)", "key")
            case .block: ("b.block", "(SELECT name FROM blocks WHERE slug = g.key)", "(SELECT sort_order FROM blocks WHERE slug = g.key)")
            case .businessArea:
                (
                    "b.business_area", "(SELECT name FROM business_areas WHERE slug = g.key)",
                    "(SELECT sort_order FROM business_areas WHERE slug = g.key)"
                )
            case .reason: ("coalesce(b.reason, 'none')", "g.key", "key")
            }
        return try await cached("groups|\(grouping)|\(filter)|\(scope)", known: version) { connection in
            try connection.query(
                Query(
                    "blockers.groups.\(grouping.rawValue)",
                    """
                    SELECT g.key, \(label) AS label, g.municipalities, g.systems FROM (
                        SELECT s.key, \(rowLabel) AS row_label, count(DISTINCT s.dantai_code) AS municipalities, count(*) AS systems
                        FROM (SELECT DISTINCT \(key) AS key, b.dantai_code, b.business_area, \(vendorName)
                              FROM (\(Self.base(filter, scope: scope, details: false))) b) s
                        GROUP BY 1) g
                    ORDER BY \(order)
                    """)
            ).rows.map { row in
                let key: String = try row.decode("key")
                var label: String = try row.decode("label")
                if grouping == .reason { label = AdoptionReason(rawValue: key)?.japaneseLabel ?? "課題による" }
                return BlockerGroup(key: key, label: label, municipalities: try row.decode("municipalities"), systems: try row.decode("systems"))
            }
        }
    }

    /// One row per (団体, business area, vendor) from both sources, with their evidence.
    /// Without `details` (counts only), the product of each row is not looked up.
    ///
    /// The issue side is read from `blocks_by_issue` (sql/0029), kept by the writing transaction:
    /// an open issue's blocked links, per business area, for each vendor it counts against —
    /// once the secretariat has triaged it (past `new`), or at once when the vendor reported it
    /// itself (then listed as unconfirmed until triaged): anyone may report, nobody blames
    /// another alone. Only visibility is decided here, for the caller.
    static func base(_ filter: BlockerFilter, scope: Policy.IssueScope, details: Bool = true) -> SQL {
        var blockConditions: [SQL] = []
        var adoptionConditions: [SQL] = [
            "a.state IN ('delayed', 'specified_support')", "a.reason IN ('vendor_withdrawal', 'vendor_resources')",
        ]
        if let vendor = filter.vendor {
            blockConditions.append("b.vendor_id = \(vendor)")
            adoptionConditions.append("p.vendor_id = \(vendor)")
        }
        if let area = filter.businessArea {
            blockConditions.append("b.business_area = \(area)")
            adoptionConditions.append("a.business_area = \(area)")
        }
        if !filter.prefectures.isEmpty {
            let codes = filter.prefectures.map(\.rawValue)
            blockConditions.append("left(b.dantai_code, 2) = ANY (\(codes)::text[])")
            adoptionConditions.append("left(a.dantai_code, 2) = ANY (\(codes)::text[])")
        }
        if let dantai = filter.dantai {
            blockConditions.append("b.dantai_code = \(dantai)")
            adoptionConditions.append("a.dantai_code = \(dantai)")
        }
        if case .organization = scope {
            blockConditions.append(
                "EXISTS (SELECT FROM issues i WHERE i.number = b.issue_number AND \(IssueSearch.visibility(scope, alias: "i")))")
        }
        // Counts only look at whether a row has issues: they are not sorted for them.
        let issueOrder: SQL = details ? "ORDER BY b.issue_number" : ""
        var outer: [SQL] = ["TRUE"]
        if let block = filter.block { outer.append("pf.block = \(block)") }
        if let reason = filter.reason { outer.append("r.reason = \(reason)") }
        switch filter.source {
        case .issue: outer.append("cardinality(r.issues) > 0")
        case .adoption: outer.append("r.adoption_state IS NOT NULL")
        case nil: break
        }
        return """
            WITH keyed AS (
                SELECT b.dantai_code, b.business_area AS area, b.vendor_id, array_agg(b.issue_number \(issueOrder)) AS issues,
                       coalesce(array_agg(b.issue_number \(issueOrder)) FILTER (WHERE b.unconfirmed), '{}') AS unconfirmed_issues
                FROM blocks_by_issue b WHERE \(blockConditions.isEmpty ? "TRUE" : SQL.joined(blockConditions, separator: " AND "))
                GROUP BY b.dantai_code, b.business_area, b.vendor_id),
            adoption_blocks AS (
                SELECT a.dantai_code, a.business_area AS area, p.vendor_id, a.product_id, a.state, a.reason
                FROM adoptions a JOIN products p ON p.id = a.product_id
                WHERE \(SQL.joined(adoptionConditions, separator: " AND "))),
            r AS (
                SELECT coalesce(k.dantai_code, ab.dantai_code) AS dantai_code, coalesce(k.area, ab.area) AS business_area,
                       coalesce(k.vendor_id, ab.vendor_id) AS vendor_id, coalesce(k.issues, '{}') AS issues,
                       coalesce(k.unconfirmed_issues, '{}') AS unconfirmed_issues,
                       ab.product_id AS adoption_product_id, ab.state AS adoption_state, ab.reason
                FROM keyed k FULL JOIN adoption_blocks ab
                  ON ab.dantai_code = k.dantai_code AND ab.area = k.area AND ab.vendor_id = k.vendor_id)
            SELECT r.dantai_code, \(dantaiName) AS dantai_name,
                   pf.code AS prefecture_code, pf.block, r.business_area, r.vendor_id,
                   o.name AS vendor_name, r.issues, r.unconfirmed_issues, r.adoption_state, r.reason, pr.id AS product_id, pr.name AS product_name
            FROM r
            -- A 団体コード begins with its prefecture's code; the name is looked up per row, by index.
            JOIN prefectures pf ON pf.code = left(r.dantai_code, 2)
            JOIN organizations o ON o.id = r.vendor_id
            \(details ? productLookup : "LEFT JOIN products pr ON FALSE")
            WHERE \(SQL.joined(outer, separator: " AND "))
            """
    }

    /// The product behind a row: its blocking adoption's, else the one this vendor supplies there
    /// (a 団体 has one adoption per business area).
    static let productLookup: SQL = """
        LEFT JOIN adoptions ax ON r.adoption_product_id IS NULL AND ax.dantai_code = r.dantai_code AND ax.business_area = r.business_area
        LEFT JOIN products pr ON pr.id = coalesce(r.adoption_product_id, ax.product_id)
                             AND (r.adoption_product_id IS NOT NULL OR pr.vendor_id = r.vendor_id)
        """

    /// A 団体's name: a municipality's by its key, a prefecture's (the few rows a prefecture
    /// blocks itself) only when no municipality has the code — not the `dantai` view's union per row.
    static let dantaiName: SQL = """
        coalesce((SELECT mu.name FROM municipalities mu WHERE mu.code = r.dantai_code),
                 (SELECT pn.name FROM prefectures pn WHERE pn.dantai_code = r.dantai_code))
        """

    static func blocker(_ row: Row) throws -> Blocker {
        let issues: [Int] = try row.decode("issues")
        let state: AdoptionState? = try row.decodeIfPresent("adoption_state")
        let productID: Int? = try row.decodeIfPresent("product_id")
        var sources: [BlockerSource] = []
        if !issues.isEmpty { sources.append(.issue) }
        if state != nil { sources.append(.adoption) }
        return Blocker(
            dantaiCode: try row.decode("dantai_code"), dantaiName: try row.decode("dantai_name"), prefectureCode: try row.decode("prefecture_code"),
            block: try row.decode("block"), businessArea: try row.decode("business_area"),
            vendor: OrganizationRef(id: try row.decode("vendor_id"), name: try row.decode("vendor_name")),
            product: try productID.map { ProductRef(id: $0, name: try row.decode("product_name")) },
            sources: sources, issues: issues, unconfirmedIssues: try row.decode("unconfirmed_issues"), adoptionState: state,
            reason: try row.decodeIfPresent("reason"))
    }
}

extension BlockerStore {
    /// 特定移行支援システム counted by 事由, block, prefecture and business area.
    func specifiedSupport(known version: Int64? = nil) async throws -> SpecifiedSupportReport {
        try await cached("specifiedSupport", known: version) { connection in
            func counts(_ name: String, key: SQL, label: SQL, order: SQL) throws -> [ReportCount] {
                try connection.query(
                    Query(
                        "reports.specifiedSupport.\(name)",
                        """
                        SELECT \(key) AS key, min(\(label)) AS label, count(DISTINCT a.dantai_code) AS dantai, count(*) AS systems
                        FROM adoptions a JOIN dantai d ON d.code = a.dantai_code JOIN prefectures pf ON pf.code = d.prefecture_code
                        WHERE a.state = 'specified_support' GROUP BY 1 ORDER BY \(order)
                        """)
                ).rows.map {
                    ReportCount(
                        key: try $0.decode("key"), label: try $0.decode("label"), dantai: try $0.decode("dantai"), systems: try $0.decode("systems"))
                }
            }
            let total =
                try counts("total", key: "'all'", label: "'合計'", order: "1").first ?? ReportCount(key: "all", label: "合計", dantai: 0, systems: 0)
            let reasons = try counts("byReason", key: "a.reason", label: "a.reason", order: "1").map {
                ReportCount(key: $0.key, label: AdoptionReason(rawValue: $0.key)?.japaneseLabel ?? $0.key, dantai: $0.dantai, systems: $0.systems)
            }
            return SpecifiedSupportReport(
                total: total, byReason: reasons,
                byBlock: try counts(
                    "byBlock", key: "pf.block", label: "(SELECT name FROM blocks WHERE slug = pf.block)",
                    order: "(SELECT sort_order FROM blocks WHERE slug = min(pf.block))"),
                byPrefecture: try counts("byPrefecture", key: "pf.code", label: "pf.name", order: "1"),
                byBusinessArea: try counts(
                    "byBusinessArea", key: "a.business_area", label: "(SELECT name FROM business_areas WHERE slug = a.business_area)",
                    order: "(SELECT sort_order FROM business_areas WHERE slug = min(a.business_area))"))
        }
    }
}
