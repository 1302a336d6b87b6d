import CouncilDatabase
import Foundation

/// Development status: append-only reports; the current status is the latest per product and area.
struct StatusStore: Sendable {
    let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    struct MatrixFilter: Sendable {
        var vendor: Int?
        var businessArea: BusinessArea?
        var stage: DevelopmentStage?
        var readiness: CloudReadiness?
        /// The matrix as it stood at the end of this day (Japan time).
        var asOf: CalendarDate?
        init() {}
    }

    /// Files a report. Filing the current status again changes nothing (`created` is false).
    /// `authorize` sees the product before anything is written.
    func file(
        _ draft: StatusDraft, by actor: AuditActor,
        authorize: @escaping @Sendable (Product) throws -> Void
    ) async throws -> (report: StatusReport, created: Bool) {
        try await pool.withTransaction { connection in
            try Self.file(draft, by: actor, on: connection, authorize: authorize)
        }
    }

    static func file(
        _ draft: StatusDraft, by actor: AuditActor, on connection: Connection,
        authorize: (Product) throws -> Void
    ) throws -> (report: StatusReport, created: Bool) {
        // One filing at a time decides what is current for a product's 業務; filings of its other
        // areas go on beside it, so a vendor's monthly report of every area is not filed one area
        // after another behind the product's row (an edit of the product still waits).
        try lockPairs([(draft.productID, draft.businessArea)], on: connection)
        guard let product = try ProductStore.fetch(draft.productID, on: connection, lock: .share) else {
            throw Problem.unprocessable("product_id", Reason.noProduct(draft.productID))
        }
        try authorize(product)
        guard product.businessAreas.contains(draft.businessArea) else {
            throw Problem.unprocessable(
                "business_area",
                Reason(
                    "\(product.name) does not cover \(draft.businessArea.japaneseName)",
                    ja: "\(product.name)は\(draft.businessArea.japaneseName)に対応していません"))
        }
        let current = try connection.query(
            Query(
                "status.latest",
                """
                SELECT \(columns) FROM status_reports r JOIN products p ON p.id = r.product_id
                WHERE r.product_id = \(draft.productID) AND r.business_area = \(draft.businessArea)
                ORDER BY r.reported_at DESC, r.id DESC LIMIT 1
                """)
        ).first.map(report)
        if let current, draft.matches(current) { return (current, false) }
        if let current, draft.stage.order < current.stage.order, draft.regressionReason == nil {
            throw Problem.unprocessable(
                "regression_reason",
                Reason(
                    "the stage moves back from \(current.stage.japaneseLabel) to \(draft.stage.japaneseLabel); say why",
                    ja: "開発段階が\(current.stage.japaneseLabel)から\(draft.stage.japaneseLabel)に戻ります。理由を書いてください"))
        }
        let id: Int = try connection.query(
            Query(
                "status.insert",
                """
                INSERT INTO status_reports (product_id, business_area, stage, spec_version, cloud_readiness, planned_completion,
                                            planned_availability, note, regression_reason, reported_by)
                VALUES (\(draft.productID), \(draft.businessArea), \(draft.stage), \(draft.specVersion), \(draft.cloudReadiness),
                        \(draft.plannedCompletion)::date, \(draft.plannedAvailability)::date, \(draft.note), \(draft.regressionReason),
                        \(actor.accountID))
                RETURNING id
                """)
        ).single().decode("id")
        let created = try connection.query(
            Query(
                "status.byID",
                """
                SELECT \(columns) FROM status_reports r JOIN products p ON p.id = r.product_id WHERE r.id = \(id)
                """)
        ).single()
        let filed = try report(created)
        try AuditStore.record(
            connection, actor, action: .statusReport, entityType: .statusReport, entityID: id,
            before: nil, after: try JSONValue.fields(of: filed))
        var data = try JSONValue.fields(of: filed)
        data["status_report_id"] = data.removeValue(forKey: "id")
        try Outbox.record(connection, .statusReported, .council, actor, data: data)
        return (filed, true)
    }

    /// The current status of every (product, area), or as it stood on `asOf`.
    func matrix(_ filter: MatrixFilter) async throws -> [StatusReport] {
        try await pool.withConnection { connection in
            var inner: [SQL] = ["TRUE"]
            if let vendor = filter.vendor { inner.append("p.vendor_id = \(vendor)") }
            if let area = filter.businessArea { inner.append("r.business_area = \(area)") }
            if let asOf = filter.asOf { inner.append(Self.endOfDay(asOf)) }
            var outer: [SQL] = ["TRUE"]
            if let stage = filter.stage { outer.append("stage = \(stage)") }
            if let readiness = filter.readiness { outer.append("cloud_readiness = \(readiness)") }
            return try connection.query(
                Query(
                    "status.matrix",
                    """
                    SELECT * FROM (
                        SELECT DISTINCT ON (r.product_id, r.business_area) \(Self.columns)
                        FROM status_reports r JOIN products p ON p.id = r.product_id
                        WHERE \(SQL.joined(inner, separator: " AND "))
                        ORDER BY r.product_id, r.business_area, r.reported_at DESC, r.id DESC
                    ) latest
                    WHERE \(SQL.joined(outer, separator: " AND "))
                    ORDER BY product_id, (SELECT sort_order FROM business_areas b WHERE b.slug = latest.business_area)
                    """)
            ).rows.map(Self.report)
        }
    }

    func history(product: Int, businessArea: BusinessArea) async throws -> [StatusReport] {
        try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "status.history",
                    """
                    SELECT \(Self.columns) FROM status_reports r JOIN products p ON p.id = r.product_id
                    WHERE r.product_id = \(product) AND r.business_area = \(businessArea)
                    ORDER BY r.reported_at, r.id
                    """)
            ).rows.map(Self.report)
        }
    }

    /// One row per business area: how many products are at each stage (current, or on `asOf`).
    struct SummaryRow: Codable, Sendable, Equatable {
        let businessArea: BusinessArea
        let name: String
        let stages: [String: Int]
        let total: Int
    }

    func summary(asOf: CalendarDate?) async throws -> [SummaryRow] {
        try await pool.withConnection { connection in
            let cutoff: SQL = asOf.map { Self.endOfDay($0) } ?? "TRUE"
            let rows = try connection.query(
                Query(
                    "status.summary",
                    """
                    SELECT b.slug, b.name, latest.stage, count(latest.stage) AS n
                    FROM business_areas b
                    LEFT JOIN (
                        SELECT DISTINCT ON (r.product_id, r.business_area) r.business_area, r.stage
                        FROM status_reports r WHERE \(cutoff)
                        ORDER BY r.product_id, r.business_area, r.reported_at DESC, r.id DESC
                    ) latest ON latest.business_area = b.slug
                    GROUP BY b.slug, b.name, b.sort_order, latest.stage
                    ORDER BY b.sort_order
                    """)
            ).rows
            var counts: [BusinessArea: [String: Int]] = [:]
            var names: [BusinessArea: String] = [:]
            for row in rows {
                let area: BusinessArea = try row.decode("slug")
                names[area] = try row.decode("name")
                var stages = counts[area] ?? Dictionary(uniqueKeysWithValues: DevelopmentStage.allCases.map { ($0.rawValue, 0) })
                if let stage: DevelopmentStage = try row.decodeIfPresent("stage") { stages[stage.rawValue] = try row.decode("n") }
                counts[area] = stages
            }
            return BusinessArea.allCases.map { area in
                let stages = counts[area] ?? [:]
                return SummaryRow(
                    businessArea: area, name: names[area] ?? area.japaneseName, stages: stages,
                    total: stages.values.reduce(0, +))
            }
        }
    }

    /// Reports made before the end of `day` in Japan time.
    static func endOfDay(_ day: CalendarDate) -> SQL {
        "r.reported_at < ((\(day)::date + 1)::timestamp AT TIME ZONE 'Asia/Tokyo')"
    }

    static let columns: SQL = """
        r.id, r.product_id, p.name AS product_name, p.vendor_id, r.business_area, r.stage, r.spec_version, r.cloud_readiness,
        r.planned_completion, r.planned_availability, r.note, r.regression_reason, r.reported_at, r.reported_by
        """

    static func report(_ row: Row) throws -> StatusReport {
        StatusReport(
            id: try row.decode("id"), productID: try row.decode("product_id"), productName: try row.decode("product_name"),
            vendorID: try row.decode("vendor_id"), businessArea: try row.decode("business_area"), stage: try row.decode("stage"),
            specVersion: try row.decodeIfPresent("spec_version"), cloudReadiness: try row.decode("cloud_readiness"),
            plannedCompletion: try row.decodeIfPresent("planned_completion"), plannedAvailability: try row.decodeIfPresent("planned_availability"),
            note: try row.decodeIfPresent("note"), regressionReason: try row.decodeIfPresent("regression_reason"),
            reportedAt: try row.decode("reported_at"), reportedBy: try row.decodeIfPresent("reported_by"))
    }
}

extension StatusStore {
    struct ImportOutcome: Codable, Sendable, Equatable {
        var rows: Int
        var filed: Int
        var unchanged: Int
        var dryRun: Bool
    }

    /// Files every row in one transaction: all or nothing. Row problems (ownership, coverage,
    /// a backward stage without a reason) are collected with their lines; a dry run rolls back.
    func importRows(
        _ rows: [StatusSheet.Row], by actor: AuditActor, dryRun: Bool,
        authorize: @escaping @Sendable (Product) throws -> Void
    ) async throws -> ImportOutcome {
        try await pool.withTransaction(rollback: dryRun) { connection in
            try Self.plan(rows, by: actor, dryRun: dryRun, expecting: nil, authorize: authorize, on: connection).outcome
        }
    }

    /// What a file files: the outcome, each report that is new (with the one it follows), and a
    /// fingerprint of the latest report of every product × 業務 the rows name. The caller's
    /// transaction rolls back a dry run; a fingerprint other than `expecting` is `PlanChanged`.
    struct ImportPlan: Sendable {
        let outcome: ImportOutcome
        let changes: [(row: StatusSheet.Row, before: StatusReport?)]
        let fingerprint: String
    }

    static func plan(
        _ rows: [StatusSheet.Row], by actor: AuditActor, dryRun: Bool, expecting fingerprint: String?,
        authorize: (Product) throws -> Void, on connection: Connection
    ) throws -> ImportPlan {
        let pairs = rows.map { ($0.draft.productID, $0.draft.businessArea) }
        // Every pair the file names, locked at once in one order before anything is read: two
        // files naming the same pairs in different orders cannot deadlock, and the fingerprint
        // reads what the filing will see.
        try lockPairs(pairs, on: connection)
        let latest = try Self.latest(of: pairs, on: connection)
        let print = Fingerprint.of(
            latest.keys.sorted().map { "\($0)=\(latest[$0]!.id)" }.joined(separator: ";") + "|" + String(rows.count))
        if let fingerprint, fingerprint != print { throw PlanChanged() }
        var changes: [(row: StatusSheet.Row, before: StatusReport?)] = []
        var problems: [ImportProblem] = []
        for row in rows {
            let before = latest["\(row.draft.productID)/\(row.draft.businessArea.rawValue)"]
            do {
                if try Self.file(row.draft, by: actor, on: connection, authorize: authorize).created { changes.append((row, before)) }
            } catch let problem as Problem {
                problems.append(ImportProblem(line: row.line, column: Self.column(problem.errors.first?.field), Self.reason(problem, row, before)))
            }
        }
        guard problems.isEmpty else { throw ImportRejected(problems: problems) }
        return ImportPlan(
            outcome: ImportOutcome(rows: rows.count, filed: changes.count, unchanged: rows.count - changes.count, dryRun: dryRun),
            changes: changes, fingerprint: print)
    }

    /// A filing's refusal as a file's line says it, in both languages.
    private static func reason(_ problem: Problem, _ row: StatusSheet.Row, _ before: StatusReport?) -> Reason {
        let draft = row.draft
        if problem.status == .forbidden { return SheetReason.statusFilingForbidden }
        switch problem.errors.first?.field {
        case "product_id": return SheetReason.noProduct(draft.productID)
        case "business_area": return SheetReason.productDoesNotCover(before?.productName, draft.businessArea)
        case "regression_reason" where before != nil: return SheetReason.stageGoesBack(from: before!.stage, to: draft.stage)
        default: return Reason(problem.detail, ja: problem.detail)
        }
    }

    /// The latest report of each product × 業務, keyed `product/area`.
    /// Takes the transaction's lock of each (product, 業務), in product and area order. A lock
    /// already held by the transaction is taken again at once.
    static func lockPairs(_ pairs: [(Int, BusinessArea)], on connection: Connection) throws {
        // An id no product can have (ids are `integer`) names nothing to lock; the filing then
        // finds no such product.
        let pairs = pairs.filter { 1...Int(Int32.max) ~= $0.0 }
        guard !pairs.isEmpty else { return }
        try connection.query(
            Query(
                "status.lockPairs",
                """
                SELECT count(pg_advisory_xact_lock(t.product_id, hashtext(t.area))) AS locked
                FROM (SELECT DISTINCT product_id, area FROM unnest(\(pairs.map(\.0))::int4[], \(pairs.map(\.1.rawValue))::text[]) AS u(product_id, area)
                      ORDER BY product_id, area OFFSET 0) t
                """))
    }

    private static func latest(of pairs: [(Int, BusinessArea)], on connection: Connection) throws -> [String: StatusReport] {
        var found: [String: StatusReport] = [:]
        for row in try connection.query(
            Query(
                "status.latestOfPairs",
                """
                SELECT DISTINCT ON (r.product_id, r.business_area) \(columns)
                FROM status_reports r JOIN products p ON p.id = r.product_id
                WHERE (r.product_id, r.business_area) IN (SELECT * FROM unnest(\(pairs.map(\.0))::bigint[], \(pairs.map(\.1.rawValue))::text[]))
                ORDER BY r.product_id, r.business_area, r.reported_at DESC, r.id DESC
                """)
        ).rows {
            let report = try report(row)
            found["\(report.productID)/\(report.businessArea.rawValue)"] = report
        }
        return found
    }

    private static func column(_ field: String?) -> String? {
        switch field {
        case "regression_reason": "後退理由"
        case "business_area": "業務"
        case "product_id": "製品"
        default: nil
        }
    }
}
