import Foundation
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// The rules the adoption write relies on, held by PostgreSQL itself once per statement
/// (sql/0032, sql/0033) rather than by per-row references: whatever the daemon checked before, a
/// wrong row is refused with the reference's name and the statement writes nothing.
@Suite struct AdoptionReferenceTests {
    /// A vendor's product offering 住民記録 only, and one adoption of it.
    struct Fixture {
        let product: Int
        let adoption: Int
    }

    static func fixture(_ pool: DatabasePool) async throws -> Fixture {
        try await pool.withConnection { connection in
            let product: Int = try connection.query(
                Query(
                    "test.product",
                    """
                    WITH vendor AS (
                        INSERT INTO organizations (kind, name, short_name) VALUES ('vendor', '参照テスト株式会社', '参照テスト') RETURNING id
                    ), product AS (
                        INSERT INTO products (vendor_id, name) SELECT id, '住記パッケージ' FROM vendor RETURNING id
                    )
                    INSERT INTO product_business_areas (product_id, business_area) SELECT id, area FROM product, unnest(ARRAY['juki', 'koseki']) area
                    RETURNING product_id
                    """)
            ).rows[0].decode("product_id")
            let adoption: Int = try connection.query(
                Query(
                    "test.adoption",
                    "INSERT INTO adoptions (dantai_code, business_area, product_id, state) VALUES ('011002', 'juki', \(product), 'planned') RETURNING id"
                )
            ).rows[0].decode("id")
            return Fixture(product: product, adoption: adoption)
        }
    }

    static func count(_ pool: DatabasePool, _ sql: SQL) async throws -> Int {
        try await pool.withConnection { try $0.query(Query("test.count", sql)).single().decode("n") }
    }

    static func refused(_ pool: DatabasePool, _ sql: SQL, sourceLocation: SourceLocation = #_sourceLocation) async -> DatabaseError? {
        await #expect(throws: DatabaseError.self, sourceLocation: sourceLocation) {
            try await pool.withConnection { try $0.query(Query("test.refused", sql)) }
        }
    }

    @Test func anAdoptionsProductMustOfferItsArea() async throws {
        try await withTestPool { pool, _ in
            let fixture = try await Self.fixture(pool)
            let product = fixture.product
            // One row of many names an area the product does not offer: nothing is written.
            let many = await Self.refused(
                pool,
                """
                INSERT INTO adoptions (dantai_code, business_area, product_id, state)
                VALUES ('012025', 'juki', \(product), 'planned'), ('012025', 'koseki', \(product), 'planned'),
                       ('012025', 'zeimu_kotei', \(product), 'planned')
                """)
            #expect(many?.isForeignKeyViolation == true)
            #expect(many?.constraint == "adoptions_product_id_business_area_fkey")
            #expect(try await Self.count(pool, "SELECT count(*) AS n FROM adoptions WHERE dantai_code = '012025'") == 0)

            // Moving an adoption to another product or area is checked; other changes are not.
            let moved = await Self.refused(pool, "UPDATE adoptions SET business_area = 'senkyo' WHERE id = \(fixture.adoption)")
            #expect(moved?.constraint == "adoptions_product_id_business_area_fkey")
            let otherProduct = await Self.refused(pool, "UPDATE adoptions SET product_id = \(product + 1_000) WHERE id = \(fixture.adoption)")
            #expect(otherProduct?.constraint == "adoptions_product_id_business_area_fkey")
            try await pool.withConnection { connection in
                try connection.query(Query("test.update", "UPDATE adoptions SET state = 'in_progress' WHERE id = \(fixture.adoption)"))
                try connection.query(Query("test.move", "UPDATE adoptions SET business_area = 'koseki' WHERE id = \(fixture.adoption)"))
            }

            // Taking away an area the product's adoptions use is refused; an unused one goes.
            let removal = await Self.refused(
                pool, "DELETE FROM product_business_areas WHERE product_id = \(product) AND business_area = 'koseki'")
            #expect(removal?.isForeignKeyViolation == true)
            #expect(removal?.constraint == "adoptions_product_id_business_area_fkey")
            let renamed = await Self.refused(
                pool, "UPDATE product_business_areas SET business_area = 'senkyo' WHERE product_id = \(product) AND business_area = 'koseki'")
            #expect(renamed?.constraint == "adoptions_product_id_business_area_fkey")
            try await pool.withConnection { connection in
                try connection.query(
                    Query("test.removeUnused", "DELETE FROM product_business_areas WHERE product_id = \(product) AND business_area = 'juki'"))
            }
            #expect(try await Self.count(pool, "SELECT count(*) AS n FROM product_business_areas WHERE product_id = \(product)") == 1)
        }
    }

    /// The insert's check locks the pairs it found as a reference would: a removal of the pair
    /// started while an adoption of it is being written waits for that transaction, then sees the
    /// adoption and is refused.
    @Test func aRemovalWaitsForTheAdoptionBeingWritten() async throws {
        try await withTestPool { pool, configuration in
            let fixture = try await Self.fixture(pool)
            let writer = try Connection.connect(configuration)
            let remover = try Connection.connect(configuration)
            let observer = try Connection.connect(configuration)
            try writer.execute(script: "BEGIN", name: "test.begin")
            try writer.query(
                Query(
                    "test.adopt",
                    "INSERT INTO adoptions (dantai_code, business_area, product_id, state) VALUES ('012025', 'koseki', \(fixture.product), 'planned')"
                ))
            let removal = Task {
                try await TestDatabases.blocking {
                    _ = try remover.query(
                        Query(
                            "test.remove",
                            "DELETE FROM product_business_areas WHERE product_id = \(fixture.product) AND business_area = 'koseki'"))
                }
            }
            try await waitUntil(within: .seconds(60)) {
                try observer.query(
                    Query(
                        "test.waiting",
                        """
                        SELECT count(*) AS n FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'DELETE FROM product_business_areas%'
                        """)
                ).single().decode("n") as Int == 1
            }
            try writer.execute(script: "COMMIT", name: "test.commit")
            let error = await #expect(throws: DatabaseError.self) { try await removal.value }
            #expect(error?.constraint == "adoptions_product_id_business_area_fkey")
            #expect(try await Self.count(pool, "SELECT count(*) AS n FROM product_business_areas WHERE business_area = 'koseki'") == 1)
        }
    }

    @Test func historyNamesAnAdoptionAndAdoptionsAreNeverDeleted() async throws {
        try await withTestPool { pool, configuration in
            let fixture = try await Self.fixture(pool)
            let history: SQL = """
                INSERT INTO adoption_history (adoption_id, product_id, state)
                VALUES (\(fixture.adoption), \(fixture.product), 'planned'), (\(fixture.adoption + 1_000), \(fixture.product), 'planned')
                """
            let missing = await Self.refused(pool, history)
            #expect(missing?.isForeignKeyViolation == true)
            #expect(missing?.constraint == "adoption_history_adoption_id_fkey")
            #expect(try await Self.count(pool, "SELECT count(*) AS n FROM adoption_history") == 0)
            try await pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.history",
                        "INSERT INTO adoption_history (adoption_id, product_id, state) VALUES (\(fixture.adoption), \(fixture.product), 'planned')"
                    ))
            }
            let moved = await Self.refused(pool, "UPDATE adoption_history SET adoption_id = \(fixture.adoption + 1_000)")
            #expect(moved?.constraint == "adoption_history_adoption_id_fkey")

            let deleted = await Self.refused(pool, "DELETE FROM adoptions WHERE id = \(fixture.adoption)")
            #expect(deleted?.sqlState == "23001")
            // The owner may empty both tables at once (a benchmark does), never adoptions alone.
            let owner = try Connection.connect(configuration.with(user: nil))
            #expect(throws: DatabaseError.self) { try owner.execute(script: "TRUNCATE adoptions", name: "test.truncateAlone") }
            #expect(try await Self.count(pool, "SELECT count(*) AS n FROM adoptions") == 1)
            try owner.execute(script: "TRUNCATE adoption_history, adoptions", name: "test.truncateBoth")
            #expect(try await Self.count(pool, "SELECT count(*) AS n FROM adoptions") == 0)
        }
    }

    /// sql/0033 rewrote the 団体コード check for speed: it answers as the domain type does (format,
    /// prefecture 01–47, check digit) for every seventh six-digit code — all prefectures and every
    /// check digit among them; the whole million was compared with the previous function by hand.
    @Test func theDatabaseAndTheDomainAgreeOnSixDigitCodes() async throws {
        try await withTestPool { pool, _ in
            let valid: [String] = try await pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.validCodes",
                        """
                        SELECT ARRAY(SELECT c FROM (SELECT lpad(n::text, 6, '0') AS c FROM generate_series(0, 999999, 7) n) codes
                                     WHERE dantai_code_is_valid(c) ORDER BY c) AS codes
                        """)
                ).single().decode("codes")
            }
            let domain = stride(from: 0, through: 999_999, by: 7).map { String(String(1_000_000 + $0).dropFirst()) }
                .filter { MunicipalityCode(rawValue: $0) != nil }
            #expect(valid.count == domain.count)
            #expect(valid == domain)
            let odd: [String] = try await pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.oddCodes",
                        """
                        SELECT ARRAY(SELECT coalesce(dantai_code_is_valid(c)::text, 'null')
                                     FROM unnest(ARRAY['abcdef', '01100', '0110022', ' 11002', '+11002', '01100２', '48000' || '1', NULL]) WITH ORDINALITY AS t(c, i)
                                     ORDER BY i) AS answers
                        """)
                ).single().decode("answers")
            }
            #expect(odd == ["false", "false", "false", "false", "false", "false", "false", "null"])
        }
    }
}
