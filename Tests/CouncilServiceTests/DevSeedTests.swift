import Foundation
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// The generated data set: its shape, its determinism, and its refusal to touch real data.
@Suite struct DevSeedTests {
    static func municipalities() throws -> [MunicipalityListRow] {
        try MunicipalityList.parse(try CSVTextEncoding.auto.decode(try TestFixtureData.sample).text)
    }

    /// A digest of everything generated, to compare two runs.
    static func digest(_ pool: DatabasePool) async throws -> String {
        try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "test.seedDigest",
                    """
                    SELECT md5(concat_ws('|',
                        (SELECT string_agg(concat_ws(',', number, title, state, severity, visibility, reporter_account_id, labels::text, own_search_key,
                                                  (SELECT array_agg(f ORDER BY f) FROM unnest(facets) f)::text), ';' ORDER BY number) FROM issues),
                        (SELECT string_agg(concat_ws(',', issue_number, dantai_code, impact), ';' ORDER BY issue_number, dantai_code) FROM issue_municipalities),
                        (SELECT string_agg(concat_ws(',', dantai_code, business_area, product_id, state, reason), ';' ORDER BY dantai_code, business_area) FROM adoptions),
                        (SELECT string_agg(concat_ws(',', issue_number, body), ';' ORDER BY id) FROM issue_comments))) AS digest
                    """)
            ).single().decode("digest")
        }
    }

    @Test func smallSeedHasTheShapeAndIsDeterministic() async throws {
        var digests: [String] = []
        for seed in [7, 7, 8] {
            try await withTestPool { pool, _ in
                let report = try await pool.withConnection {
                    try DevSeed.run(on: $0, scale: .small, seed: seed, municipalities: try Self.municipalities())
                }
                #expect(report.issues == 2_000)
                let ministries: Int = try await pool.withConnection {
                    try $0.query(Query("test.ministries", "SELECT count(*) AS n FROM ministries")).single().decode("n")
                }
                #expect(report.organizations == 1 + 3 + ministries + 30)
                #expect(report.products == 60)
                #expect(report.adoptions > 0 && report.specifiedSupport > 0)
                #expect(report.comments > 2_000 && report.municipalityLinks > 2_000)
                #expect(report.tokens.count == 3)
                // The daemon's own queries work on it: search finds seeded text, blockers compute.
                let admin = try #require(try await TokenStore(pool: pool).principal(for: report.tokens["admin"]!))
                var filter = IssueFilter()
                filter.text = "帳票"
                let found = try await IssueSearch(pool: pool).page(filter, sort: .default, after: nil, limit: 5, for: admin)
                #expect(found.total > 0)
                #expect(found.items.allSatisfy { $0.title.contains("帳票") || $0.body.contains("帳票") })
                let groups = try await BlockerStore(pool: pool).groups(BlockerFilter(), by: .vendor, scope: .all)
                #expect(!groups.isEmpty)
                digests.append(try await Self.digest(pool))
                // A second run refuses: the database now holds data.
                await #expect(throws: ConfigurationError.self) {
                    try await pool.withConnection { try DevSeed.run(on: $0, scale: .small, seed: seed) }
                }
            }
        }
        #expect(digests[0] == digests[1], "the same seed must give the same data")
        #expect(digests[0] != digests[2], "another seed gives other data")
    }
}
