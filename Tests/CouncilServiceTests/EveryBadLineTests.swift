import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// A sheet with bad lines of every kind is answered once, with every line — the file's own
/// problems and the rules' together, in line order — and changes nothing.
@Suite struct EveryBadLineTests {
    static func lines(_ body: JSONBody) -> [Int] {
        (body["errors"] as? [[String: Any]] ?? []).compactMap { $0["line"] as? Int }
    }

    @Test func statusSheetReportsEveryKindOfBadLineAtOnce() async throws {
        try await withApp { client, env in
            let a = env.ids.productA.id, b = env.ids.productB.id
            var response = try await env.send(
                client, .post, "/v1/development-status", as: .vendorA,
                json: ["product_id": a, "business_area": "kokuho", "stage": "testing", "cloud_readiness": "ready"])
            #expect(response.status == .created, "\(response.text)")
            let sheet = """
                製品ID,業務,段階,ガバメントクラウド対応,完了予定日\r
                \(a),juki,開発中,検証中,2026/3/31\r
                \(a),juki2,開発中,検証中,\r
                \(a),seikatsu_hogo,開発中,未対応,令和8年2月30日\r
                \(b),juki,開発中,検証中,\r
                \(a),kokuho,設計中,検証中,\r
                \(a),juki,設計中,検証中,\r
                \(a),kaigo,不明,検証中,26/3/31\r
                """
            response = try await env.send(
                client, .post, "/v1/development-status/import", as: .vendorA, headers: [.contentType: "text/csv"],
                body: ByteBuffer(string: sheet))
            let body = try expectProblem(response, .unprocessableContent)
            // 3 unknown 業務, 4 impossible date, 5 another vendor's product, 6 a stage backwards
            // without a reason, 7 a duplicate, 8 an unknown stage and an ambiguous date.
            #expect(Self.lines(body) == [3, 4, 5, 6, 7, 8, 8], "\(response.text)")
            response = try await env.send(client, .get, "/v1/development-status?vendor=\(env.ids.vendorA.id)", as: .vendorA)
            #expect(try response.json.items.count == 1, "nothing was filed: \(response.text)")
        }
    }

    @Test func municipalityListReportsFileAndRuleProblemsTogether() async throws {
        try await withApp { client, env in
            let list = """
                団体コード,都道府県名（漢字）,市区町村名（漢字）,都道府県名（カナ）,市区町村名（カナ）\r
                131016,東京都,千代田区,ﾄｳｷｮｳﾄ,ﾁﾖﾀﾞｸ\r
                011002,青森県,札幌市,ｱｵﾓﾘｹﾝ,ｻｯﾎﾟﾛｼ\r
                011001,北海道,札幌市,ﾎｯｶｲﾄﾞｳ,ｻｯﾎﾟﾛｼ\r
                141305,東京都,川崎市,ﾄｳｷｮｳﾄ,ｶﾜｻｷｼ\r
                013030,北海道,当別,ﾎｯｶｲﾄﾞｳ,ﾄｳﾍﾞﾂ\r
                """
            let response = try await env.send(
                client, .post, "/v1/municipalities/import", as: .admin, headers: [.contentType: "text/csv"],
                body: ByteBuffer(string: list))
            let body = try expectProblem(response, .unprocessableContent)
            // 3 and 5 name the wrong prefecture (the rules); 4 has a bad check digit and 6 a name
            // that is no municipality's (the file).
            #expect(Self.lines(body) == [3, 4, 5, 6], "\(response.text)")
        }
    }

    @Test func aFileBadEverywhereGetsABoundedAnswer() async throws {
        try await withApp { client, env in
            var sheet = "団体コード,業務,製品ID,状態\r\n"
            for _ in 0..<1_500 { sheet += "011003,juki,\(env.ids.productA.id),移行予定\r\n" }
            let response = try await env.send(
                client, .post, "/v1/adoptions/import", as: .vendorA, headers: [.contentType: "text/csv"],
                body: ByteBuffer(string: sheet))
            let body = try expectProblem(response, .unprocessableContent)
            #expect(Self.lines(body).count == 1_000)
            #expect(Self.lines(body).first == 2 && Self.lines(body).last == 1_001)
            #expect(body["detail"] as? String == "1500 problems found; the first 1000 are listed; nothing was changed")
        }
    }
}
