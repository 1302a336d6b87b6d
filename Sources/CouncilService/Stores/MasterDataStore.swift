import CouncilDatabase

/// Reads the national master data: business areas, blocks, prefectures.
struct MasterDataStore: Sendable {
    let pool: DatabasePool
    /// The prefectures with their municipality counts, kept while no municipality changed: every
    /// issue page and the dashboard name prefectures, and counting them cost 0.8 ms each time.
    private let cache = ViewCache(capacity: 4)

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func businessAreas() async throws -> [BusinessAreaRecord] {
        try await pool.withConnection { connection in
            try connection.query(Queries.businessAreas).rows.map { row in
                BusinessAreaRecord(
                    slug: try row.decode("slug"), name: try row.decode("name"), aliases: try row.decode("aliases"),
                    ministry: Ministry(slug: try row.decode("ministry"), name: try row.decode("ministry_name")),
                    prefecturesRunIt: try row.decode("prefectures_run_it"))
            }
        }
    }

    func blocks() async throws -> [BlockRecord] {
        try await pool.withConnection { connection in
            try connection.query(Queries.blocks).rows.map { row in
                BlockRecord(
                    slug: try row.decode("slug"), name: try row.decode("name"),
                    prefectures: try row.decode("prefectures"))
            }
        }
    }

    /// Without a connection while kept at the `known` change version.
    func prefectures(known version: Int64? = nil) async throws -> [Prefecture] {
        try await cache.value("masterData.prefectures", known: version, lease: pool.withConnection) { connection in
            try connection.query(Queries.prefectures).rows.map { row in
                Prefecture(
                    code: try row.decode("code"), dantaiCode: try row.decode("dantai_code"),
                    name: try row.decode("name"), kana: try row.decode("kana"), block: try row.decode("block"),
                    municipalityCount: try row.decode("municipality_count"))
            }
        }
    }

    enum Queries {
        static let businessAreas = Query(
            "masterData.businessAreas",
            """
            SELECT a.slug, a.name, a.aliases, a.ministry, m.name AS ministry_name, a.prefectures_run_it
            FROM business_areas a JOIN ministries m ON m.slug = a.ministry
            ORDER BY a.sort_order
            """)
        static let blocks = Query(
            "masterData.blocks",
            """
            SELECT b.slug, b.name,
                   coalesce(array_agg(p.code ORDER BY p.code) FILTER (WHERE p.code IS NOT NULL), '{}') AS prefectures
            FROM blocks b LEFT JOIN prefectures p ON p.block = b.slug
            GROUP BY b.slug, b.name, b.sort_order
            ORDER BY b.sort_order
            """)
        static let prefectures = Query(
            "masterData.prefectures",
            """
            SELECT p.code, p.dantai_code, p.name, p.kana, p.block,
                   (SELECT count(*) FROM municipalities m WHERE m.prefecture_code = p.code AND m.active) AS municipality_count
            FROM prefectures p
            ORDER BY p.code
            """)
    }
}
