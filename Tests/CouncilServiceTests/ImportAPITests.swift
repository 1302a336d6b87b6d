import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

@Suite struct ImportAPITests {

    @Test func importsTheNationalFileAndReportsCounts() async throws {
        try await withApp(seed: false) { client, environment in
            let csv = environment.headers(.admin, [.contentType: "text/csv"])
            let file = ByteBuffer(bytes: try TestFiles.sharedData("dantai-code-cp932.csv"))
            try await client.execute(uri: "/v1/municipalities/import?dry_run=true", method: .post, headers: csv, body: file) { (response) throws in
                let body = try response.json
                #expect(body["inserted"] as? Int == 1741 && body["dry_run"] as? Bool == true)
            }
            try await client.execute(uri: "/v1/municipalities?limit=1", method: .get) { (response) throws in
                #expect(try response.json["total"] as? Int == 0)
            }
            // Read (and kept by the daemon) before the import: the counts after it must be new.
            try await client.execute(uri: "/v1/prefectures", method: .get) { (response) throws in
                #expect(try response.json.items.compactMap { $0["municipality_count"] as? Int }.reduce(0, +) == 0)
            }
            try await client.execute(uri: "/v1/municipalities/import", method: .post, headers: csv, body: file) { (response) throws in
                #expect(response.status == .ok)
                let body = try response.json
                #expect(body["rows"] as? Int == 1788 && body["prefectures_matched"] as? Int == 47)
                #expect(body["inserted"] as? Int == 1741 && body["encoding"] as? String == "cp932")
            }
            try await client.execute(uri: "/v1/municipalities/import?encoding=cp932", method: .post, headers: csv, body: file) { (response) throws in
                let body = try response.json
                #expect(body["unchanged"] as? Int == 1741 && body["inserted"] as? Int == 0 && body["updated"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/prefectures", method: .get) { (response) throws in
                let counts = try response.json.items.compactMap { $0["municipality_count"] as? Int }
                #expect(counts.reduce(0, +) == 1741)
            }
        }
    }

    @Test func refusedUploadsChangeNothing() async throws {
        try await withApp { client, environment in
            let csv = environment.headers(.admin, [.contentType: "text/csv"])
            let bad = ByteBuffer(string: "団体コード,都道府県名（漢字）,市区町村名（漢字）,都道府県名（カナ）,市区町村名（カナ）\n011002,北海道,札幌市,ﾎｯｶｲﾄﾞｳ,ｻｯﾎﾟﾛｼ\n131017,東京都,千代田区,ﾄｳｷｮｳﾄ,ﾁﾖﾀﾞｸ\n")
            try await client.execute(uri: "/v1/municipalities/import", method: .post, headers: csv, body: bad) { (response) throws in
                let body = try expectProblem(response, .unprocessableContent)
                let errors = body["errors"] as? [[String: Any]] ?? []
                #expect(errors.count == 1)
                #expect(errors.first?["line"] as? Int == 3 && errors.first?["column"] as? String == "団体コード")
            }
            try await client.execute(
                uri: "/v1/municipalities/import", method: .post,
                headers: environment.headers(.admin, [.contentType: "application/json"]), body: ByteBuffer(string: "{}")
            ) { (response) throws in
                try expectProblem(response, .unsupportedMediaType)
            }
            try await client.execute(uri: "/v1/municipalities/import", method: .post, headers: csv, body: ByteBuffer()) { (response) throws in
                try expectProblem(response, .badRequest, field: "body")
            }
            try await client.execute(uri: "/v1/municipalities/import?encoding=sjis", method: .post, headers: csv, body: bad) { (response) throws in
                try expectProblem(response, .badRequest, field: "encoding")
            }
            let notUTF8 = ByteBuffer(bytes: [0xFF, 0xFE, 0x00, 0x41])
            try await client.execute(uri: "/v1/municipalities/import?encoding=utf8", method: .post, headers: csv, body: notUTF8) {
                (response) throws in
                try expectProblem(response, .unprocessableContent)
            }
            try await client.execute(uri: "/v1/municipalities/import", method: .post, headers: csv, body: ByteBuffer(string: "\"unterminated")) {
                (response) throws in
                try expectProblem(response, .unprocessableContent)
            }
            // Everything seeded is still there, still active.
            try await client.execute(uri: "/v1/municipalities?active=true", method: .get) { (response) throws in
                #expect(try response.json["total"] as? Int == 5)
            }
        }
    }
}
