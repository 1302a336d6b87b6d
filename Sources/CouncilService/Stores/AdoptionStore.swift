import CouncilDatabase
import Foundation

/// Adoptions: which 団体 runs which product for a business area, and its migration plan. One
/// set-based path serves both a single filing and a bulk import, so every rule is checked the
/// same way and 34,592 rows take a handful of statements.
struct AdoptionStore: Sendable {
    let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// One row to apply; `line` is the file line (0 for a single API filing).
    struct Row: Sendable {
        let line: Int
        let draft: AdoptionDraft
        init(line: Int, draft: AdoptionDraft) {
            self.line = line
            self.draft = draft
        }
    }

    /// A problem with one row: the field (API) and column (file) it concerns.
    struct RowProblem: Error, Sendable {
        let line: Int
        let field: String
        let column: String
        let reason: String
        /// The reason in Japanese, when the rule says it so.
        var japanese: String? = nil
        let forbidden: Bool

        /// The reason in both languages (English where the rule has no Japanese words).
        var why: Reason { Reason(reason, ja: japanese ?? reason) }
    }

    struct Outcome: Codable, Sendable, Equatable {
        var rows: Int
        var inserted: Int
        var updated: Int
        var unchanged: Int
        var dryRun: Bool
    }

    /// Who may write an adoption: given the 団体, the vendor of the existing record (if any) and
    /// of the product being filed. Decided by `Policy`; passed in so the store stays policy-free.
    typealias Authorize = @Sendable (_ dantai: MunicipalityCode, _ existingVendor: Int?, _ newVendor: Int) -> Reason?

    func apply(_ rows: [Row], by actor: AuditActor, authorize: @escaping Authorize, dryRun: Bool) async throws -> Outcome {
        try await pool.withTransaction { connection in
            try Self.apply(rows, by: actor, authorize: authorize, dryRun: dryRun, on: connection)
        }
    }

    static func apply(
        _ rows: [Row], by actor: AuditActor, authorize: Authorize, dryRun: Bool,
        on connection: Connection
    ) throws -> Outcome {
        try plan(rows, by: actor, authorize: authorize, dryRun: dryRun, expecting: nil, on: connection).outcome
    }

    /// What a file changes: the outcome, every change with the record it replaces, and a
    /// fingerprint of every record the file's rows read. A preview shows it; the confirmation
    /// passes the fingerprint back, and a database changed in between is `PlanChanged`, not applied.
    struct Plan: Sendable {
        let outcome: Outcome
        let changes: [(row: Row, before: Adoption?)]
        let fingerprint: String
    }

    static func plan(
        _ rows: [Row], by actor: AuditActor, authorize: Authorize, dryRun: Bool, expecting fingerprint: String?,
        on connection: Connection
    ) throws -> Plan {
        // Adoption writes are serialized: a bulk import and a single filing never interleave.
        try connection.execute(script: "LOCK TABLE adoptions IN SHARE ROW EXCLUSIVE MODE", name: "adoptions.lock")
        let facts = try Facts.load(for: rows, on: connection)
        let (changed, unchanged) = try facts.check(rows, authorize: authorize)
        let inserted = changed.filter { $0.before == nil }.count
        let outcome = Outcome(rows: rows.count, inserted: inserted, updated: changed.count - inserted, unchanged: unchanged, dryRun: dryRun)
        let plan = Plan(outcome: outcome, changes: changed, fingerprint: facts.fingerprint(rows))
        if let fingerprint, fingerprint != plan.fingerprint { throw PlanChanged() }
        guard !dryRun, !changed.isEmpty else { return plan }
        try write(changed, by: actor, on: connection)
        try announce(changed.map { ($0.row.draft, $0.before?.state) }, vendors: facts.products.mapValues(\.vendor), by: actor, on: connection)
        return plan
    }

    /// One `adoptions.changed` event per vendor whose adoptions the write changed: counts (delays
    /// and 特定移行支援 apart) and the first changes; a 34,592-row import is one event, not thousands.
    private static func announce(
        _ changes: [(draft: AdoptionDraft, before: AdoptionState?)], vendors: [Int: Int], by actor: AuditActor, on connection: Connection
    ) throws {
        let shown = 100
        for (vendor, changes) in Dictionary(grouping: changes, by: { vendors[$0.draft.productID] ?? 0 }).sorted(by: { $0.key < $1.key }) {
            func count(_ state: AdoptionState) -> JSONValue {
                .number(Double(changes.filter { $0.draft.state == state && $0.before != state }.count))
            }
            try Outbox.record(
                connection, .adoptionsChanged, .council, actor,
                data: [
                    "vendor_id": .number(Double(vendor)), "count": .number(Double(changes.count)),
                    "newly_delayed": count(.delayed), "newly_specified_support": count(.specifiedSupport),
                    "changes": .array(
                        changes.prefix(shown).map { change in
                            .object([
                                "dantai_code": .string(change.draft.dantaiCode.rawValue),
                                "business_area": .string(change.draft.businessArea.rawValue),
                                "state": .string(change.draft.state.rawValue),
                                "previous_state": change.before.map { .string($0.rawValue) } ?? .null,
                            ])
                        }),
                    "truncated": .bool(changes.count > shown),
                ])
        }
    }

    /// What the rules need to know of the 団体, products and adoptions a file names, read once.
    struct Facts {
        var dantai: [String: (active: Bool, isPrefecture: Bool)] = [:]
        var products: [Int: (vendor: Int, name: String, areas: Set<String>)] = [:]
        var existing: [String: Adoption] = [:]

        static func load(for rows: [Row], on connection: Connection) throws -> Facts {
            var facts = Facts()
            let codes = Array(Set(rows.map(\.draft.dantaiCode.rawValue)))
            for row in try connection.query(
                Query(
                    "adoptions.dantai",
                    """
                    SELECT code, active, false AS is_prefecture FROM municipalities WHERE code = ANY (\(codes)::text[])
                    UNION ALL
                    SELECT dantai_code, true, true FROM prefectures WHERE dantai_code = ANY (\(codes)::text[])
                    """)
            ).rows {
                facts.dantai[try row.decode("code")] = (try row.decode("active"), try row.decode("is_prefecture"))
            }
            for row in try connection.query(
                Query(
                    "adoptions.products",
                    """
                    SELECT p.id, p.vendor_id, p.name, ARRAY(SELECT business_area FROM product_business_areas c WHERE c.product_id = p.id)::text[] AS areas
                    FROM products p WHERE p.id = ANY (\(Array(Set(rows.map(\.draft.productID))))::bigint[])
                    """)
            ).rows {
                facts.products[try row.decode("id")] = (
                    try row.decode("vendor_id"), try row.decode("name"), Set(try row.decode("areas", as: [String].self))
                )
            }
            for row in try connection.query(
                Query(
                    "adoptions.existing",
                    """
                    SELECT \(AdoptionStore.columns) FROM adoptions a \(AdoptionStore.joins)
                    WHERE (a.dantai_code, a.business_area) IN (
                        SELECT * FROM unnest(\(rows.map(\.draft.dantaiCode.rawValue))::text[], \(rows.map(\.draft.businessArea.rawValue))::text[]))
                    """)
            ).rows {
                let adoption = try AdoptionStore.adoption(row)
                facts.existing[adoption.dantaiCode.rawValue + "/" + adoption.businessArea.rawValue] = adoption
            }
            return facts
        }

        /// The state of every record the rows read (the adoption of each 団体 × 業務, or none):
        /// equal fingerprints mean the same file changes the same things.
        func fingerprint(_ rows: [Row]) -> String {
            var text = ""
            for key in Set(rows.map { $0.draft.dantaiCode.rawValue + "/" + $0.draft.businessArea.rawValue }).sorted() {
                let record = existing[key]
                text += "\(key)=\(record.map { "\($0.id)@\($0.updatedAt.timeIntervalSince1970)" } ?? "none");"
            }
            return Fingerprint.of(text)
        }

        /// Every rule over every row, each row with the line it came from: the rows that change
        /// something (with what they replace) and the count of those that change nothing; or
        /// every problem found, as `AdoptionRejected`.
        func check(_ rows: [Row], authorize: Authorize) throws -> (changed: [(row: Row, before: Adoption?)], unchanged: Int) {
            var problems: [RowProblem] = []
            var changed: [(row: Row, before: Adoption?)] = []
            var seen: [String: Int] = [:]
            var unchanged = 0
            for row in rows {
                let draft = row.draft
                func problem(_ field: String, _ column: String, _ reason: Reason, forbidden: Bool = false) {
                    problems.append(
                        RowProblem(line: row.line, field: field, column: column, reason: reason.en, japanese: reason.ja, forbidden: forbidden))
                }
                let key = draft.dantaiCode.rawValue + "/" + draft.businessArea.rawValue
                if let first = seen[key] {
                    problem("dantai_code", "団体コード", SheetReason.repeatedAdoption(draft.dantaiCode, draft.businessArea, firstLine: first))
                    continue
                }
                seen[key] = row.line
                if let (field, reason) = draft.refusal() {
                    problem(field, AdoptionStore.column(for: field), reason)
                    continue
                }
                let before = existing[key]
                guard let body = dantai[draft.dantaiCode.rawValue] else {
                    problem("dantai_code", "団体コード", SheetReason.noMunicipality(draft.dantaiCode))
                    continue
                }
                if body.isPrefecture, !draft.businessArea.prefecturesRunIt {
                    problem("business_area", "業務", SheetReason.prefectureRunsOnly(draft.businessArea))
                    continue
                }
                if !body.active, before == nil {
                    problem("dantai_code", "団体コード", SheetReason.inactiveMunicipality(draft.dantaiCode))
                    continue
                }
                guard let product = products[draft.productID] else {
                    problem("product_id", "製品", SheetReason.noProduct(draft.productID))
                    continue
                }
                if let refusal = authorize(draft.dantaiCode, before?.vendorID, product.vendor) {
                    problem("product_id", "製品", refusal, forbidden: true)
                    continue
                }
                guard product.areas.contains(draft.businessArea.rawValue) else {
                    problem("product_id", "製品", SheetReason.productDoesNotCover(product.name, draft.businessArea))
                    continue
                }
                if let before, AdoptionDraft(before) == draft {
                    unchanged += 1
                } else {
                    changed.append((row, before))
                }
            }
            guard problems.isEmpty else { throw AdoptionRejected(problems: problems) }
            return (changed, unchanged)
        }
    }

    /// The new adoptions inserted and the changed ones updated by id, a history row per adoption,
    /// and an audit row per adoption with its changes (`AdoptionAuditChanges`, from the records
    /// `Facts` read under the table lock): one statement per chunk of `chunkSize` rows, each chunk's
    /// parameters built while the server writes the one before (a national import's parameters took
    /// a third of a second of the daemon, with the server idle). The lock keeps every other writer
    /// out from that read to this write, so a record that was not there is inserted plainly:
    /// `ON CONFLICT`'s speculative insertion cost a fifth of a national import's insert.
    private static func write(_ changes: [(row: Row, before: Adoption?)], by actor: AuditActor, on connection: Connection) throws {
        var start = 0
        var pending = writeQuery(changes[0..<min(chunkSize, changes.count)], by: actor)
        while true {
            start += chunkSize
            guard start < changes.count else { break }
            let chunk = changes[start..<min(start + chunkSize, changes.count)]
            pending = try connection.query(pending, whileRunning: { writeQuery(chunk, by: actor) }).next
        }
        try connection.query(pending)
    }

    static let chunkSize = 8_192

    private static func writeQuery(_ changes: ArraySlice<(row: Row, before: Adoption?)>, by actor: AuditActor) -> Query {
        let drafts = changes.map(\.row.draft)
        let audited = changes.map { AdoptionAuditChanges.of($0.row.draft, replacing: $0.before) }
        return Query(
            "adoptions.write",
            """
            WITH incoming AS (
                SELECT * FROM unnest(\(NullableArray(changes.map { $0.before?.id }))::bigint[],
                                     \(drafts.map(\.dantaiCode.rawValue))::text[], \(drafts.map(\.businessArea.rawValue))::text[],
                                     \(drafts.map(\.productID))::bigint[], \(NullableArray(drafts.map(\.plannedMonth)))::date[],
                                     \(drafts.map(\.state.rawValue))::text[], \(NullableArray(drafts.map { $0.reason?.rawValue }))::text[],
                                     \(NullableArray(drafts.map(\.newTargetMonth)))::date[],
                                     \(NullableArray(drafts.map { $0.pmoCompletion.map { "\($0)" } }))::numeric[],
                                     \(NullableArray(drafts.map(\.note)))::text[], \(audited)::jsonb[])
                    AS i(id, dantai_code, business_area, product_id, planned_month, state, reason, new_target_month, pmo_completion,
                         note, changes)
            ), inserted AS (
                INSERT INTO adoptions AS a (dantai_code, business_area, product_id, planned_month, state, reason, new_target_month,
                                            pmo_completion, note)
                SELECT dantai_code, business_area, product_id, planned_month, state, reason, new_target_month, pmo_completion, note
                FROM incoming WHERE id IS NULL
                RETURNING a.*
            ), updated AS (
                UPDATE adoptions AS a
                SET product_id = i.product_id, planned_month = i.planned_month, state = i.state, reason = i.reason,
                    new_target_month = i.new_target_month, pmo_completion = i.pmo_completion, note = i.note, updated_at = now()
                FROM incoming i WHERE i.id IS NOT NULL AND a.id = i.id
                RETURNING a.*
            ), written AS (
                SELECT * FROM inserted UNION ALL SELECT * FROM updated
            ), history AS (
                INSERT INTO adoption_history (adoption_id, actor_account_id, product_id, planned_month, state, reason,
                                              new_target_month, pmo_completion, note)
                SELECT id, \(actor.accountID)::bigint, product_id, planned_month, state, reason, new_target_month, pmo_completion, note
                FROM written
            )
            INSERT INTO audit_log (actor_account_id, actor_organization_id, action, entity_type, entity_id, changes, request_id,
                                   client_request_id)
            SELECT \(actor.accountID)::bigint, \(actor.organizationID)::bigint, \(AuditAction.adoptionFile.rawValue)::text, \(AuditEntity.adoption.rawValue)::text, w.id::text, i.changes,
                   \(actor.requestID)::text, \(actor.clientRequestID)::text
            FROM written w JOIN incoming i ON i.dantai_code = w.dantai_code AND i.business_area = w.business_area
            """)
    }

    /// How many systems (団体 × 業務) are in each migration state: the dashboard's national count,
    /// kept in `cache` while no adoption changed (adoptions move the change counters); served
    /// without a connection when kept at the `known` change version.
    func countsByState(cache: ViewCache, known version: Int64? = nil) async throws -> [AdoptionState: Int] {
        try await cache.value("adoptions.countsByState", known: version, lease: pool.withConnection) { connection in
            var counts: [AdoptionState: Int] = [:]
            for row in try connection.query(Query("adoptions.countsByState", "SELECT state, count(*) AS n FROM adoptions GROUP BY state")).rows {
                counts[try row.decode("state")] = try row.decode("n")
            }
            return counts
        }
    }

    func adoption(_ id: Int) async throws -> Adoption? {
        try await pool.withConnection { connection in
            try connection.query(Query("adoptions.byID", "SELECT \(Self.columns) FROM adoptions a \(Self.joins) WHERE a.id = \(id)"))
                .first.map(Self.adoption)
        }
    }

    func adoption(dantai: MunicipalityCode, area: BusinessArea) async throws -> Adoption? {
        try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "adoptions.byKey",
                    """
                    SELECT \(Self.columns) FROM adoptions a \(Self.joins) WHERE a.dantai_code = \(dantai) AND a.business_area = \(area)
                    """)
            ).first.map(Self.adoption)
        }
    }

    struct Filter: Sendable {
        var vendor: Int?
        var product: Int?
        var businessArea: BusinessArea?
        var dantai: MunicipalityCode?
        var prefecture: PrefectureCode?
        var block: Block?
        var state: AdoptionState?
        var reason: AdoptionReason?
        init() {}
    }

    func adoptions(_ filter: Filter, page: Page) async throws -> Paged<Adoption> {
        try await pool.withConnection { connection in
            let conditions = Self.conditions(filter)
            let rows = try connection.query(
                Query(
                    "adoptions.list",
                    """
                    SELECT \(Self.columns), count(*) OVER () AS total FROM adoptions a \(Self.joins)
                    WHERE \(conditions) ORDER BY a.dantai_code, a.business_area LIMIT \(page.limit) OFFSET \(page.offset)
                    """)
            ).rows
            let total: Int =
                try rows.first?.decode("total")
                ?? connection.query(
                    Query(
                        "adoptions.count",
                        """
                        SELECT count(*) AS total FROM adoptions a \(Self.joins) WHERE \(conditions)
                        """)
                ).single().decode("total")
            return Paged(items: try rows.map(Self.adoption), total: total, limit: page.limit, offset: page.offset)
        }
    }

    /// Every matching adoption, for export.
    func all(_ filter: Filter) async throws -> [Adoption] {
        try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "adoptions.export",
                    """
                    SELECT \(Self.columns) FROM adoptions a \(Self.joins) WHERE \(Self.conditions(filter))
                    ORDER BY a.dantai_code, (SELECT sort_order FROM business_areas b WHERE b.slug = a.business_area)
                    """)
            ).rows.map(Self.adoption)
        }
    }

    /// One 団体's adoptions with each vendor's name, for its page (`MunicipalityPage`, which keeps
    /// them): one statement where the adoptions and then their vendors' names took a pooled
    /// connection each.
    static func ofMunicipality(_ code: MunicipalityCode, on connection: Connection) throws -> [(adoption: Adoption, vendorName: String)] {
        try connection.query(
            Query(
                "adoptions.ofMunicipality",
                """
                SELECT \(Self.columns), o.name AS vendor_name FROM adoptions a \(Self.joins) JOIN organizations o ON o.id = p.vendor_id
                WHERE a.dantai_code = \(code)
                ORDER BY (SELECT sort_order FROM business_areas b WHERE b.slug = a.business_area)
                """)
        ).rows.map { (try Self.adoption($0), try $0.decode("vendor_name")) }
    }

    struct HistoryEntry: Codable, Sendable, Equatable {
        let at: Date
        let actorAccountID: Int?
        let productID: Int
        let plannedMonth: YearMonth?
        let state: AdoptionState
        let reason: AdoptionReason?
        let newTargetMonth: YearMonth?
        let pmoCompletion: Decimal?
        let note: String?
    }

    func history(_ id: Int) async throws -> [HistoryEntry] {
        try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "adoptions.historyOf",
                    """
                    SELECT at, actor_account_id, product_id, planned_month, state, reason, new_target_month, pmo_completion, note
                    FROM adoption_history WHERE adoption_id = \(id) ORDER BY id
                    """)
            ).rows.map { row in
                HistoryEntry(
                    at: try row.decode("at"), actorAccountID: try row.decodeIfPresent("actor_account_id"), productID: try row.decode("product_id"),
                    plannedMonth: try row.decodeIfPresent("planned_month"), state: try row.decode("state"), reason: try row.decodeIfPresent("reason"),
                    newTargetMonth: try row.decodeIfPresent("new_target_month"), pmoCompletion: try row.decodeIfPresent("pmo_completion"),
                    note: try row.decodeIfPresent("note"))
            }
        }
    }

    static func conditions(_ filter: Filter) -> SQL {
        var conditions: [SQL] = ["TRUE"]
        if let value = filter.vendor { conditions.append("p.vendor_id = \(value)") }
        if let value = filter.product { conditions.append("a.product_id = \(value)") }
        if let value = filter.businessArea { conditions.append("a.business_area = \(value)") }
        if let value = filter.dantai { conditions.append("a.dantai_code = \(value)") }
        if let value = filter.prefecture { conditions.append("left(a.dantai_code, 2) = \(value)") }
        if let value = filter.block { conditions.append("pf.block = \(value)") }
        if let value = filter.state { conditions.append("a.state = \(value)") }
        if let value = filter.reason { conditions.append("a.reason = \(value)") }
        return SQL.joined(conditions, separator: " AND ")
    }

    static func column(for field: String?) -> String {
        switch field {
        case "reason": "事由"
        case "new_target_month": "新目標月"
        case "pmo_completion": "PMO進捗"
        case "state": "状態"
        default: field ?? ""
        }
    }

    /// The names of these 団体 as an adoption names its own (the municipality's, else the
    /// prefecture's): a preview's sample names new adoptions too.
    static func dantaiNames(_ codes: [String], on connection: Connection) throws -> [String: String] {
        guard !codes.isEmpty else { return [:] }
        var names: [String: String] = [:]
        for row in try connection.query(
            Query(
                "adoptions.dantaiNames",
                """
                SELECT c.code, coalesce(m.name, pf.name) AS name FROM unnest(\(codes)::text[]) AS c(code)
                JOIN prefectures pf ON pf.code = left(c.code, 2) LEFT JOIN municipalities m ON m.code = c.code
                """)
        ).rows {
            names[try row.decode("code")] = try row.decode("name")
        }
        return names
    }

    static let joins: SQL = """
        JOIN products p ON p.id = a.product_id
        JOIN prefectures pf ON pf.code = left(a.dantai_code, 2)
        LEFT JOIN municipalities m ON m.code = a.dantai_code
        """

    static let columns: SQL = """
        a.id, a.dantai_code, coalesce(m.name, pf.name) AS dantai_name, pf.code AS prefecture_code, a.business_area, a.product_id,
        p.name AS product_name, p.vendor_id, a.planned_month, a.state, a.reason, a.new_target_month, a.pmo_completion, a.note, a.updated_at
        """

    static func adoption(_ row: CouncilDatabase.Row) throws -> Adoption {
        Adoption(
            id: try row.decode("id"), dantaiCode: try row.decode("dantai_code"), dantaiName: try row.decode("dantai_name"),
            prefectureCode: try row.decode("prefecture_code"), businessArea: try row.decode("business_area"),
            productID: try row.decode("product_id"), productName: try row.decode("product_name"), vendorID: try row.decode("vendor_id"),
            plannedMonth: try row.decodeIfPresent("planned_month"), state: try row.decode("state"), reason: try row.decodeIfPresent("reason"),
            newTargetMonth: try row.decodeIfPresent("new_target_month"), pmoCompletion: try row.decodeIfPresent("pmo_completion"),
            note: try row.decodeIfPresent("note"), updatedAt: try row.decode("updated_at"))
    }
}

/// The records a previewed file reads changed after the preview: nothing was written; preview again.
struct PlanChanged: Error, Sendable {}

/// Adoption rows refused as a whole; nothing was written.
struct AdoptionRejected: Error, Sendable {
    let problems: [AdoptionStore.RowProblem]

    /// The same refusal as a file's: every line with its column and reason.
    var asImportRejected: ImportRejected {
        ImportRejected(
            problems: problems.map { problem in
                ImportProblem(line: problem.line, column: problem.column, problem.why)
            })
    }
}
