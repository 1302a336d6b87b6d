import Foundation
import Testing

@testable import CouncilDatabase
@testable import CouncilService

@Suite struct SQLTests {
    @Test func interpolatedValuesBecomeNumberedBindings() {
        let code = "131016"
        let name: String? = nil
        let sql: SQL = "SELECT * FROM m WHERE code = \(code) AND name = \(name) AND n > \(3)"
        let (text, bindings) = sql.render()
        #expect(text == "SELECT * FROM m WHERE code = $1 AND name = $2 AND n > $3")
        #expect(bindings == ["131016", nil, "3"])
    }

    @Test func fragmentsComposeAndRenumber() {
        let conditions: [SQL] = ["a = \(1)", "b = \("x'; DROP TABLE m; --")"]
        let sql: SQL = "SELECT \(42) WHERE \(SQL.joined(conditions, separator: " AND ")) LIMIT \(10)"
        let (text, bindings) = sql.render()
        #expect(text == "SELECT $1 WHERE a = $2 AND b = $3 LIMIT $4")
        #expect(bindings == ["42", "1", "x'; DROP TABLE m; --", "10"])
    }

    @Test func arrayLiteralsQuoteEveryElement() {
        #expect(
            ["a", "b c", "d,e", "q\"uote", "back\\slash", "NULL", "札幌"].postgresText
                == #"{"a","b c","d,e","q\"uote","back\\slash","NULL","札幌"}"#)
        #expect([Int]().postgresText == "{}")
    }

    @Test func arrayTextParses() {
        #expect(PostgresArrayParser.parse(#"{a,"b c","d,e","q\"u",NULL,"NULL"}"#) == ["a", "b c", "d,e", "q\"u", nil, "NULL"])
        #expect(PostgresArrayParser.parse("{}") == [])
        #expect(PostgresArrayParser.parse(#"{住民記録,"改行\\n と \"引用\"",𠮷野家,""}"#) == ["住民記録", #"改行\n と "引用""#, "𠮷野家", ""])
        #expect(PostgresArrayParser.parse("{") == nil)
        #expect(PostgresArrayParser.parse(#"{"a"b}"#) == nil)
        #expect(PostgresArrayParser.parse("not an array") == nil)
    }
}

@Suite struct ConnectionTests {
    @Test func decodesTheCommonTypesAndNull() async throws {
        try await withTestPool { pool, _ in
            let id = UUID()
            let row = try await pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.types",
                        """
                        SELECT 'テキスト'::text AS t, 42::int AS i, 9007199254740993::bigint AS b, true AS yes,
                               12.50::numeric AS n, '2026-11-25 20:06:07.5+09'::timestamptz AS ts, '2026-03-31'::date AS d,
                               \(id)::uuid AS u, '{"k": [1, "二"]}'::jsonb AS j, ARRAY['a', 'b c', NULL] AS arr,
                               ARRAY[1, 2, 3] AS ints, NULL::text AS missing
                        """)
                ).single()
            }
            #expect(try row.decode("t", as: String.self) == "テキスト")
            #expect(try row.decode("i", as: Int.self) == 42)
            #expect(try row.decode("b", as: Int64.self) == 9_007_199_254_740_993)
            #expect(try row.decode("yes", as: Bool.self))
            #expect(try row.decode("n", as: Decimal.self) == Decimal(string: "12.50"))
            #expect(try row.decode("ts", as: Date.self) == Date(timeIntervalSince1970: 1_795_604_767.5))
            #expect(try row.decode("d", as: Date.self) == Date(timeIntervalSince1970: 1_774_915_200))
            #expect(try row.decode("u", as: UUID.self) == id)
            struct Payload: Codable, Equatable { let k: [Value] }
            enum Value: Codable, Equatable {
                case int(Int), text(String)
                init(from decoder: any Decoder) throws {
                    let container = try decoder.singleValueContainer()
                    if let int = try? container.decode(Int.self) { self = .int(int) } else { self = .text(try container.decode(String.self)) }
                }
                func encode(to encoder: any Encoder) throws {}
            }
            #expect(try row.decode("j", as: JSONB<Payload>.self).value == Payload(k: [.int(1), .text("二")]))
            #expect(try row.decode("ints", as: [Int].self) == [1, 2, 3])
            #expect(try row["arr"] == #"{a,"b c",NULL}"#)
            #expect(try row.decodeIfPresent("missing", as: String.self) == nil)
            #expect(throws: DatabaseError.self) { try row.decode("missing", as: String.self) }
            #expect(throws: DatabaseError.self) { try row.decode("t", as: Int.self) }
            #expect(throws: DatabaseError.self) { try row.decode("no_such_column", as: Int.self) }
        }
    }

    @Test func boundValuesRoundTripWhateverTheyContain() async throws {
        try await withTestPool { pool, _ in
            let nasty = ["'; DROP TABLE municipalities; --", "\"quoted\"", "back\\slash", "改行\nあり", "🎌", "%_"]
            let echoed = try await pool.withConnection { connection in
                try connection.query(Query("test.echo", "SELECT \(nasty)::text[] AS a, \(Date(timeIntervalSince1970: 0)) AS epoch"))
                    .single()
            }
            #expect(try echoed.decode("a", as: [String].self) == nasty)
            #expect(try echoed.decode("epoch", as: Date.self) == Date(timeIntervalSince1970: 0))
        }
    }

    @Test func textWithNulIsRefusedBeforeReachingTheServer() async throws {
        try await withTestPool { pool, _ in
            let error = await #expect(throws: DatabaseError.self) {
                try await pool.withConnection { try $0.query(Query("test.nul", "SELECT \("a\u{0}b") AS x")) }
            }
            #expect(error?.kind == .invalidParameter)
            #expect(error?.queryName == "test.nul")
        }
    }

    @Test func errorsCarrySQLStateConstraintAndQueryName() async throws {
        try await withTestPool { pool, _ in
            let error = await #expect(throws: DatabaseError.self) {
                try await pool.withConnection { connection in
                    try connection.query(Query("test.duplicateMinistry", "INSERT INTO ministries (slug, name) VALUES ('x', \("総務省"))"))
                }
            }
            #expect(error?.sqlState == "23505")
            #expect(error?.isUniqueViolation == true)
            #expect(error?.constraint == "ministries_name_key")
            #expect(error?.queryName == "test.duplicateMinistry")
            #expect(error?.detail?.contains("総務省") == true)
            #expect(error.map { "\($0)" }?.contains("test.duplicateMinistry") == true)

            let syntax = await #expect(throws: DatabaseError.self) {
                try await pool.withConnection { try $0.query(Query("test.syntax", "SELEC 1")) }
            }
            #expect(syntax?.sqlState == "42601")
        }
    }

    @Test func theDatabaseRefusesAnInvalidCheckDigit() async throws {
        try await withTestPool { pool, _ in
            let error = await #expect(throws: DatabaseError.self) {
                try await pool.withConnection { connection in
                    try connection.query(
                        Query(
                            "test.badCode",
                            """
                            INSERT INTO municipalities (code, prefecture_code, name, kana, kind, search_key)
                            VALUES ('131015', '13', '千代田区', 'チヨダク', 'special_ward', '')
                            """))
                }
            }
            #expect(error?.isCheckViolation == true)
        }
    }

    /// One reference (product, business area) → product_business_areas checks both: a product that
    /// does not exist, an area that does not exist and an area the product does not cover are all
    /// refused by PostgreSQL itself, whatever the daemon checked before.
    @Test func theDatabaseRefusesAnAdoptionOfAProductOutsideItsAreas() async throws {
        try await withTestPool { pool, _ in
            let product: Int = try await pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.product",
                        """
                        WITH vendor AS (
                            INSERT INTO organizations (kind, name, short_name) VALUES ('vendor', 'テスト株式会社', 'テスト') RETURNING id
                        ), product AS (
                            INSERT INTO products (vendor_id, name) SELECT id, '住記パッケージ' FROM vendor RETURNING id
                        ), covered AS (
                            INSERT INTO product_business_areas (product_id, business_area) SELECT id, 'juki' FROM product
                        )
                        SELECT id FROM product
                        """)
                ).rows[0].decode("id")
            }
            func adopt(_ product: Int, _ area: String) async throws {
                try await pool.withConnection { connection in
                    try connection.query(
                        Query(
                            "test.adopt",
                            "INSERT INTO adoptions (dantai_code, business_area, product_id, state) VALUES ('011002', \(area), \(product), 'planned')"
                        ))
                }
            }
            for (product, area) in [(product, "koseki"), (product + 1_000, "juki"), (product, "no_such_area")] {
                let error = await #expect(throws: DatabaseError.self) { try await adopt(product, area) }
                #expect(error?.sqlState == "23503", "product \(product), \(area)")
                #expect(error?.constraint == "adoptions_product_id_business_area_fkey")
            }
            try await adopt(product, "juki")
        }
    }

    /// The actors of audit and adoption history rows are checked once per statement (sql/0030),
    /// not by per-row references: a row naming an account or organization that does not exist is
    /// refused with the reference's name, a statement with one such row among good ones writes
    /// nothing, and accounts and organizations cannot be deleted from under those rows.
    @Test func theDatabaseRefusesActorsThatDoNotExist() async throws {
        try await withTestPool { pool, _ in
            let (account, organization): (Int, Int) = try await pool.withConnection { connection in
                let row = try connection.query(
                    Query(
                        "test.actor",
                        """
                        WITH organization AS (
                            INSERT INTO organizations (kind, name, short_name) VALUES ('vendor', '監査テスト株式会社', '監査テスト') RETURNING id
                        )
                        INSERT INTO accounts (organization_id, display_name, email, role)
                        SELECT id, '監査 太郎', 'audit-actor@example.jp', 'member' FROM organization RETURNING id, organization_id
                        """)
                ).rows[0]
                return (try row.decode("id"), try row.decode("organization_id"))
            }
            func audit(_ actors: [(account: Int?, organization: Int?)]) async throws {
                try await pool.withConnection { connection in
                    try connection.query(
                        Query(
                            "test.audit",
                            """
                            INSERT INTO audit_log (actor_account_id, actor_organization_id, action, entity_type, entity_id)
                            SELECT a, o, 'test', 'test', 'x' FROM unnest(\(NullableArray(actors.map(\.account)))::bigint[],
                                                                   \(NullableArray(actors.map(\.organization)))::bigint[]) AS t(a, o)
                            """))
                }
            }
            func audited() async throws -> Int {
                try await pool.withConnection {
                    try $0.query(Query("test.audited", "SELECT count(*) AS n FROM audit_log WHERE action = 'test'")).single().decode("n")
                }
            }
            try await audit([(account, organization), (nil, nil), (account, organization)])
            #expect(try await audited() == 3)
            for (actors, constraint) in [
                ([(account, organization), (account + 1_000, organization)], "audit_log_actor_account_id_fkey"),
                ([(account, organization + 1_000), (account, organization)], "audit_log_actor_organization_id_fkey"),
            ] {
                let error = await #expect(throws: DatabaseError.self) { try await audit(actors) }
                #expect(error?.isForeignKeyViolation == true)
                #expect(error?.constraint == constraint)
                #expect(try await audited() == 3, "nothing of the refused statement is kept")
            }
            let (adoption, product): (Int, Int) = try await pool.withConnection { connection in
                let product: Int = try connection.query(
                    Query(
                        "test.product",
                        """
                        WITH product AS (INSERT INTO products (vendor_id, name) VALUES (\(organization), '監査パッケージ') RETURNING id)
                        INSERT INTO product_business_areas (product_id, business_area) SELECT id, 'juki' FROM product RETURNING product_id
                        """)
                ).rows[0].decode("product_id")
                let adoption: Int = try connection.query(
                    Query(
                        "test.adoption",
                        "INSERT INTO adoptions (dantai_code, business_area, product_id, state) VALUES ('011002', 'juki', \(product), 'planned') RETURNING id"
                    )
                ).rows[0].decode("id")
                return (adoption, product)
            }
            func recordHistory(by actor: Int) async throws {
                try await pool.withConnection { connection in
                    try connection.query(
                        Query(
                            "test.history",
                            """
                            INSERT INTO adoption_history (adoption_id, actor_account_id, product_id, state)
                            VALUES (\(adoption), \(actor), \(product), 'planned'), (\(adoption), NULL, \(product), 'planned')
                            """))
                }
            }
            try await recordHistory(by: account)
            let history = await #expect(throws: DatabaseError.self) { try await recordHistory(by: account + 1_000) }
            #expect(history?.constraint == "adoption_history_actor_account_id_fkey")
            for (statement, state) in [
                ("DELETE FROM accounts WHERE id = \(account)", "23001"), ("DELETE FROM organizations WHERE id = \(organization)", "23001"),
                // The daemon's role may not truncate at all; the owner's is refused by the same trigger.
                ("TRUNCATE accounts CASCADE", "42501"), ("TRUNCATE organizations CASCADE", "42501"),
            ] as [(SQL, String)] {
                let error = await #expect(throws: DatabaseError.self) {
                    try await pool.withConnection { try $0.query(Query("test.deleteActor", statement)) }
                }
                #expect(error?.sqlState == state)
            }
            let kept: Int = try await pool.withConnection {
                try $0.query(Query("test.kept", "SELECT count(*) AS n FROM accounts WHERE id = \(account) AND organization_id = \(organization)"))
                    .single().decode("n")
            }
            #expect(kept == 1)
        }
    }

    @Test func badConnectionStringsAndUnreachableServersAreClear() throws {
        #expect(throws: ConfigurationError.self) { try DatabaseConfiguration("postgres://user@host:notaport/db") }
        #expect(throws: ConfigurationError.self) { try DatabaseConfiguration("nonsense without equals") }
        let unreachable = try DatabaseConfiguration("host=/nonexistent/socket/dir dbname=x connect_timeout=2")
        let error = #expect(throws: DatabaseError.self) { try Connection.connect(unreachable) }
        #expect(error?.kind == .connection)
        #expect(error?.isUnavailable == true)
        #expect(
            try DatabaseConfiguration("postgres://alice:secret@db.example:5433/council").description
                == "host=db.example port=5433 dbname=council user=alice")
    }
}

@Suite struct TimestampParsingTests {
    @Test func theFastUTCParserAgreesWithFoundation() {
        for text in [
            "2026-11-25 20:06:07+00", "2026-11-25 20:06:07.5+00", "2024-02-29 23:59:59.999999+00",
            "1970-01-01 00:00:00+00", "2000-03-01 12:00:00.000123+00", "1969-12-31 23:59:59+00",
        ] {
            let iso = text.replacingOccurrences(of: " ", with: "T") + ":00"
            let expected =
                (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(iso))
                ?? (try? Date.ISO8601FormatStyle().parse(iso))
            let parsed = PostgresDateFormat.parseUTC(text)
            #expect(parsed != nil && expected != nil)
            #expect(abs((parsed?.timeIntervalSince1970 ?? 0) - (expected?.timeIntervalSince1970 ?? 1)) < 0.000_001, "\(text)")
        }
        #expect(PostgresDateFormat.parseUTC("2026-11-25 20:06:07+09") == nil)  // other zones take the general path
        #expect(PostgresDateFormat.parseTimestamp("2026-11-25 20:06:07+09")?.timeIntervalSince1970 == 1_795_604_767)
    }
}
