import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// The adoption write sends a national file in chunks (`AdoptionStore.chunkSize` rows a statement,
/// each built while the one before runs): every row is written once, with one history row and
/// one audit row, on the first import and on an update of every row alike.
@Suite struct AdoptionWriteTests {
    @Test func aFileOfManyChunksWritesEachAdoptionOnceWithItsHistoryAndAudit() async throws {
        try await DaemonFaultTests.withNationalDatabase { pool, _, ids in
            let file = try await DaemonFaultTests.adoptionFile(pool, product: ids.productA.id)
            let rows = file.split(separator: UInt8(ascii: "\n")).count - 1
            #expect(rows > 4 * AdoptionStore.chunkSize)
            let app = Application(router: buildRouter(AppDependencies(pool: pool, web: .testing)), logger: TestDatabases.logger)
            try await app.test(.router) { client in
                let environment = TestEnvironment(pool: pool, ids: ids)
                func load(_ bytes: [UInt8]) async throws -> JSONBody {
                    let response = try await environment.send(
                        client, .post, "/v1/adoptions/import", as: .admin, headers: [.contentType: "text/csv"], body: ByteBuffer(bytes: bytes))
                    #expect(response.status == .ok, "\(response.text.prefix(300))")
                    return try response.json
                }
                // A bad line in each half of the sheet (it is read in two halves at once): both are
                // listed, in line order, and nothing is written.
                var lines = String(decoding: file, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                lines[2] = lines[2].replacingOccurrences(of: ",planned", with: ",そのうち")
                lines[lines.count - 2] = "999999" + lines[lines.count - 2].dropFirst(6)
                let refused = try await environment.send(
                    client, .post, "/v1/adoptions/import", as: .admin, headers: [.contentType: "text/csv"],
                    body: ByteBuffer(string: lines.joined(separator: "\n")))
                let problems = try expectProblem(refused, .unprocessableContent)
                let refusedLines = (problems["errors"] as? [[String: Any]] ?? []).compactMap { $0["line"] as? Int }
                #expect(refusedLines == [3, lines.count - 1], "\(refused.text.prefix(500))")
                #expect(try await DaemonFaultTests.count(pool, "SELECT count(*) AS n FROM adoptions") == 0)

                let first = try await load(file)
                #expect(first["inserted"] as? Int == rows)
                // Every row again, each with a note: every adoption updated, in chunks again.
                let noted = Array(
                    String(decoding: file, as: UTF8.self).split(separator: "\n").enumerated()
                        .map { $0.offset == 0 ? $0.element + ",備考" : $0.element + ",第\($0.offset)行" }
                        .joined(separator: "\n").utf8)
                let second = try await load(noted)
                #expect(second["updated"] as? Int == rows)

                let (adoptions, histories, audits, misfits, notes): (Int, Int, Int, Int, Int) = try await pool.withConnection { connection in
                    let row = try connection.query(
                        Query(
                            "test.chunkedWrite",
                            """
                            SELECT (SELECT count(*) FROM adoptions) AS adoptions,
                                   (SELECT count(*) FROM adoption_history) AS histories,
                                   (SELECT count(*) FROM audit_log WHERE entity_type = 'adoption') AS audits,
                                   (SELECT count(*) FROM adoptions a
                                    WHERE (SELECT count(*) FROM adoption_history h WHERE h.adoption_id = a.id) <> 2
                                       OR (SELECT count(*) FROM audit_log l WHERE l.entity_type = 'adoption' AND l.entity_id = a.id::text) <> 2
                                   ) AS misfits,
                                   (SELECT count(DISTINCT note) FROM adoptions) AS notes
                            """)
                    ).single()
                    return (
                        try row.decode("adoptions"), try row.decode("histories"), try row.decode("audits"), try row.decode("misfits"),
                        try row.decode("notes")
                    )
                }
                #expect(adoptions == rows)
                #expect(histories == 2 * rows)
                #expect(audits == 2 * rows)
                #expect(misfits == 0, "every adoption has its two history rows and two audit rows")
                #expect(notes == rows, "each row's own note reached its own adoption")
            }
        }
    }
}
