import CouncilDatabase

/// Municipalities: lookup, search, and the import of MIC's list.
struct MunicipalityStore: Sendable {
    let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func municipality(_ code: MunicipalityCode) async throws -> Municipality? {
        try await pool.withConnection { try Self.municipality(code, on: $0) }
    }

    static func municipality(_ code: MunicipalityCode, on connection: Connection) throws -> Municipality? {
        try connection.query(Queries.byCode(code)).first.map(Self.municipality)
    }

    func municipalities(_ filter: MunicipalityFilter, page: Page) async throws -> Paged<Municipality> {
        try await pool.withConnection { connection in
            let conditions = Queries.conditions(filter)
            let result = try connection.query(Queries.list(conditions, page))
            let items = try result.rows.map(Self.municipality)
            let total: Int
            if let first = result.first {
                total = try first.decode("total")
            } else {
                total = try connection.query(Queries.count(conditions)).single().decode("total")
            }
            return Paged(items: items, total: total, limit: page.limit, offset: page.offset)
        }
    }

    /// Applies MIC's list all-or-nothing: any bad row refuses the whole file with every problem.
    /// A dry run does the same work in a transaction that is rolled back.
    /// With `designatedCities` (MIC's 政令指定都市 sheet), those cities replace the kept list.
    func importList(
        _ rows: [MunicipalityListRow], designatedCities: [DesignatedCityRow]? = nil, format: SheetFormat, dryRun: Bool,
        by actor: AuditActor = .system
    ) async throws -> MunicipalityImportReport {
        try await pool.withTransaction(rollback: dryRun) { connection in
            try Self.importList(rows, designatedCities: designatedCities, format: format, dryRun: dryRun, by: actor, on: connection)
        }
    }

    /// The import on a connection inside a transaction the caller owns.
    static func importList(
        _ rows: [MunicipalityListRow], designatedCities: [DesignatedCityRow]? = nil, format: SheetFormat, dryRun: Bool,
        by actor: AuditActor, on connection: Connection
    ) throws -> MunicipalityImportReport {
        do {
            // One import at a time, so two uploads cannot interleave their deactivations.
            try connection.query(Queries.importLock)
            let prefectures = try connection.query(Queries.prefectureNames).rows.reduce(into: [String: String]()) {
                $0[try $1.decode("code")] = try $1.decode("name")
            }
            var problems: [ImportProblem] = []
            for row in rows {
                let expected = prefectures[row.code.prefecture.rawValue]
                if expected != row.prefectureName {
                    problems.append(
                        ImportProblem(
                            line: row.line, column: MunicipalityList.Column.prefectureName.rawValue,
                            reason: "\(row.code) belongs to \(expected ?? "no prefecture"), not '\(row.prefectureName)'"))
                }
            }
            if let designatedCities {
                let cities = Set(rows.filter { !$0.code.isPrefecture }.map(\.code))
                for city in designatedCities where !cities.contains(city.code) {
                    problems.append(
                        ImportProblem(line: city.line, column: city.column, reason: "\(city.code) is not a municipality of the list"))
                }
            }
            guard problems.isEmpty else { throw ImportRejected(problems: problems) }
            if let designatedCities { try connection.query(Queries.replaceDesignatedCities(designatedCities.map(\.code))) }

            let municipalities = rows.filter { !$0.code.isPrefecture }
            let upsert = try connection.query(Queries.upsert(municipalities)).single()
            let inserted: Int = try upsert.decode("inserted")
            let updated: Int = try upsert.decode("updated")
            let deactivatedCodes: [String] = try connection.query(Queries.deactivateMissing(municipalities.map(\.code)))
                .rows.map { try $0.decode("code") }
            let deactivated = deactivatedCodes.count
            let report = MunicipalityImportReport(
                rows: rows.count, prefecturesMatched: rows.count - municipalities.count,
                inserted: inserted, updated: updated, unchanged: municipalities.count - inserted - updated,
                deactivated: deactivated, encoding: format.rawValue, designatedCities: designatedCities?.count, dryRun: dryRun)
            // One row for the whole list: its outcome, with the codes that became inactive.
            var after = try JSONValue.fields(of: report)
            after["deactivated_codes"] = .array(deactivatedCodes.map { .string($0) })
            try AuditStore.record(
                connection, actor, action: .municipalityListImport, entityType: .municipalityList,
                entityID: 0, before: nil, after: after)
            return report
        }
    }

    private static func municipality(_ row: Row) throws -> Municipality {
        Municipality(
            code: try row.decode("code"), name: try row.decode("name"), kana: try row.decode("kana"),
            prefectureCode: try row.decode("prefecture_code"), prefectureName: try row.decode("prefecture_name"),
            block: try row.decode("block"), kind: try row.decode("kind"),
            designatedCity: try row.decode("designated_city"), active: try row.decode("active"))
    }

    enum Queries {
        static let columns: SQL = """
            m.code, m.name, m.kana, m.prefecture_code, p.name AS prefecture_name, p.block, m.kind,
            m.designated_city, m.active
            """

        static func byCode(_ code: MunicipalityCode) -> Query {
            Query(
                "municipalities.byCode",
                """
                SELECT \(columns) FROM municipalities m JOIN prefectures p ON p.code = m.prefecture_code
                WHERE m.code = \(code)
                """)
        }

        static func conditions(_ filter: MunicipalityFilter) -> SQL {
            var conditions: [SQL] = ["TRUE"]
            if !filter.prefectures.isEmpty {
                conditions.append("m.prefecture_code = ANY (\(filter.prefectures.map(\.rawValue))::text[])")
            }
            if let block = filter.block { conditions.append("p.block = \(block)") }
            if let kind = filter.kind { conditions.append("m.kind = \(kind)") }
            if let active = filter.active { conditions.append("m.active = \(active)") }
            if let designated = filter.designatedCity { conditions.append("m.designated_city = \(designated)") }
            if let key = filter.searchKey {
                conditions.append("m.search_key LIKE \(likePattern(key))")
            }
            return SQL.joined(conditions, separator: " AND ")
        }

        /// `%text%` with LIKE's own metacharacters escaped, so `%` and `_` match themselves.
        static func likePattern(_ text: String) -> String {
            var escaped = ""
            for character in text {
                if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
                escaped.append(character)
            }
            return "%" + escaped + "%"
        }

        static func list(_ conditions: SQL, _ page: Page) -> Query {
            Query(
                "municipalities.list",
                """
                SELECT \(columns), count(*) OVER () AS total
                FROM municipalities m JOIN prefectures p ON p.code = m.prefecture_code
                WHERE \(conditions)
                ORDER BY m.code
                LIMIT \(page.limit) OFFSET \(page.offset)
                """)
        }

        static func count(_ conditions: SQL) -> Query {
            Query(
                "municipalities.count",
                """
                SELECT count(*) AS total FROM municipalities m JOIN prefectures p ON p.code = m.prefecture_code
                WHERE \(conditions)
                """)
        }

        static let importLock = Query("municipalities.importLock", "SELECT pg_advisory_xact_lock(\(0x6D75_6E69)) AS locked")

        static let prefectureNames = Query("municipalities.prefectureNames", "SELECT code, name FROM prefectures")

        static func upsert(_ rows: [MunicipalityListRow]) -> Query {
            let codes = rows.map(\.code.rawValue)
            let kinds = rows.map { MunicipalityKind(officialName: $0.name, prefecture: $0.code.prefecture)!.rawValue }
            let searchKeys = rows.map { JapaneseText.searchKey($0.name + " " + $0.kana) }
            return Query(
                "municipalities.upsert",
                """
                WITH incoming AS (
                    SELECT i.code, left(i.code, 2) AS prefecture_code, i.name, i.kana, i.kind, i.search_key,
                           EXISTS (SELECT 1 FROM designated_cities d WHERE d.code = i.code) AS designated_city
                    FROM unnest(\(codes)::text[], \(rows.map(\.name))::text[], \(rows.map(\.kana))::text[],
                                \(kinds)::text[], \(searchKeys)::text[]) AS i(code, name, kana, kind, search_key)
                ), changed AS (
                    INSERT INTO municipalities AS m (code, prefecture_code, name, kana, kind, designated_city, search_key)
                    SELECT code, prefecture_code, name, kana, kind, designated_city, search_key FROM incoming
                    ON CONFLICT (code) DO UPDATE
                        SET name = excluded.name, kana = excluded.kana, kind = excluded.kind,
                            designated_city = excluded.designated_city, search_key = excluded.search_key,
                            active = true, updated_at = now()
                        WHERE (m.name, m.kana, m.kind, m.designated_city, m.search_key, m.active)
                              IS DISTINCT FROM (excluded.name, excluded.kana, excluded.kind, excluded.designated_city,
                                                excluded.search_key, true)
                    RETURNING (xmax = 0) AS inserted
                )
                SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated
                FROM changed
                """)
        }

        /// The designated cities become exactly these (read before the upsert, which marks them).
        static func replaceDesignatedCities(_ codes: [MunicipalityCode]) -> Query {
            Query(
                "municipalities.replaceDesignatedCities",
                """
                WITH removed AS (DELETE FROM designated_cities WHERE NOT (code = ANY (\(codes.map(\.rawValue))::text[])))
                INSERT INTO designated_cities (code) SELECT unnest(\(codes.map(\.rawValue))::text[]) ON CONFLICT DO NOTHING
                """)
        }

        static func deactivateMissing(_ present: [MunicipalityCode]) -> Query {
            Query(
                "municipalities.deactivateMissing",
                """
                UPDATE municipalities SET active = false, updated_at = now()
                WHERE active AND NOT (code = ANY (\(present.map(\.rawValue))::text[]))
                RETURNING code
                """)
        }
    }
}
