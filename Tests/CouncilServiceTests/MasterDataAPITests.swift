import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

@Suite struct MasterDataAPITests {
    @Test func businessAreasBlocksAndPrefectures() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/v1/business-areas", method: .get) { (response) throws in
                #expect(response.status == .ok)
                let items = try response.json.items
                #expect(items.count == 20)
                #expect(items.map { $0["slug"] as? String } == BusinessArea.allCases.map(\.rawValue))
                #expect(items.map { $0["name"] as? String } == BusinessArea.allCases.map(\.japaneseName))
                let juki = items[0]
                #expect(juki["aliases"] as? [String] == ["住民記録"])
                #expect((juki["ministry"] as? [String: Any])?["name"] as? String == "総務省")
                #expect(
                    items.filter { $0["prefectures_run_it"] as? Bool == true }.map { $0["slug"] as? String } == ["seikatsu_hogo", "jido_fuyo_teate"])
            }
            try await client.execute(uri: "/v1/blocks", method: .get) { (response) throws in
                let items = try response.json.items
                #expect(items.map { $0["slug"] as? String } == Block.allCases.map(\.rawValue))
                #expect(items.map { ($0["prefectures"] as? [String])?.count ?? 0 } == [1, 6, 11, 6, 6, 5, 4, 8])
            }
            try await client.execute(uri: "/v1/prefectures", method: .get) { (response) throws in
                let items = try response.json.items
                #expect(items.count == 47)
                let tokyo = try #require(items.first { $0["code"] as? String == "13" })
                #expect(tokyo["name"] as? String == "東京都" && tokyo["dantai_code"] as? String == "130001")
                #expect(tokyo["kana"] as? String == "トウキョウト" && tokyo["block"] as? String == "kanto_koshinetsu")
                #expect(tokyo["municipality_count"] as? Int == 1)
            }
            try await client.execute(uri: "/v1/prefectures?block=shikoku", method: .get) { (response) throws in
                #expect(try response.json.items.map { $0["name"] as? String } == ["徳島県", "香川県", "愛媛県", "高知県"])
            }
            try await client.execute(uri: "/v1/prefectures?block=kanto", method: .get) { (response) throws in
                try expectProblem(response, .badRequest, field: "block")
            }
            try await client.execute(uri: "/v1/business-areas?limit=5", method: .get) { (response) throws in
                try expectProblem(response, .badRequest, field: "limit")
            }
        }
    }

    /// The Swift enums and the seeded tables agree.
    @Test func seededMasterDataMatchesTheDomainTypes() async throws {
        try await withTestPool { pool, _ in
            let store = MasterDataStore(pool: pool)
            let areas = try await store.businessAreas()
            #expect(areas.map(\.slug) == BusinessArea.allCases)
            #expect(areas.map(\.name) == BusinessArea.allCases.map(\.japaneseName))
            #expect(areas.map(\.aliases) == BusinessArea.allCases.map(\.aliases))
            #expect(areas.map(\.prefecturesRunIt) == BusinessArea.allCases.map(\.prefecturesRunIt))
            let blocks = try await store.blocks()
            #expect(blocks.map(\.name) == Block.allCases.map(\.japaneseName))
            let prefectures = try await store.prefectures()
            #expect(prefectures.map(\.dantaiCode) == prefectures.map(\.code.municipalityCode))
        }
    }
}

@Suite struct MunicipalityAPITests {
    @Test func getByCode() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/v1/municipalities/011002", method: .get) { (response) throws in
                #expect(response.status == .ok)
                let body = try response.json
                #expect(body["name"] as? String == "札幌市")
                #expect(body["kana"] as? String == "サッポロシ")
                #expect(body["prefecture_code"] as? String == "01")
                #expect(body["block"] as? String == "hokkaido")
                #expect(body["designated_city"] as? Bool == true)
            }
            try await client.execute(uri: "/v1/municipalities/011001", method: .get) { (response) throws in
                let body = try expectProblem(response, .badRequest, field: "code")
                #expect((body["detail"] as? String)?.contains("check digit") == true)
            }
            try await client.execute(uri: "/v1/municipalities/01100", method: .get) { (response) throws in
                try expectProblem(response, .badRequest, field: "code")
            }
            try await client.execute(uri: "/v1/municipalities/012025", method: .get) { (response) throws in
                try expectProblem(response, .notFound)
            }
            try await client.execute(uri: "/v1/municipalities/130001", method: .get) { (response) throws in
                let body = try expectProblem(response, .notFound)
                #expect((body["detail"] as? String)?.contains("prefecture") == true)
            }
        }
    }

    @Test func searchFindsNamesAndReadingsInEveryScript() async throws {
        try await withApp { client, _ in
            for query in ["札幌", "サッポロ", "さっぽろ", "ｻｯﾎﾟﾛ"] {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                try await client.execute(uri: "/v1/municipalities?q=\(encoded)", method: .get) { (response) throws in
                    #expect(response.status == .ok)
                    #expect(try response.json.items.map { $0["code"] as? String } == ["011002"], "q=\(query)")
                }
            }
            // LIKE metacharacters match themselves, not everything.
            try await client.execute(uri: "/v1/municipalities?q=%25", method: .get) { (response) throws in
                #expect(try response.json["total"] as? Int == 0)
            }
        }
    }

    @Test func filtersAndPagination() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/v1/municipalities?prefecture=1", method: .get) { (response) throws in
                let body = try response.json
                #expect(body["total"] as? Int == 3)
                #expect(body.items.map { $0["code"] as? String } == ["011002", "013030", "013048"])
            }
            try await client.execute(uri: "/v1/municipalities?block=kanto_koshinetsu&kind=special_ward", method: .get) { (response) throws in
                #expect(try response.json.items.map { $0["name"] as? String } == ["千代田区"])
            }
            try await client.execute(uri: "/v1/municipalities?kind=village", method: .get) { (response) throws in
                #expect(try response.json.items.map { $0["name"] as? String } == ["新篠津村"])
            }
            try await client.execute(uri: "/v1/municipalities?limit=2&offset=2", method: .get) { (response) throws in
                let body = try response.json
                #expect(body["total"] as? Int == 5 && body["limit"] as? Int == 2 && body["offset"] as? Int == 2)
                #expect(body.items.map { $0["code"] as? String } == ["013048", "131016"])
            }
            try await client.execute(uri: "/v1/municipalities?offset=100", method: .get) { (response) throws in
                let body = try response.json
                #expect(body.items.isEmpty && body["total"] as? Int == 5)
            }
            try await client.execute(uri: "/v1/municipalities?active=false", method: .get) { (response) throws in
                #expect(try response.json["total"] as? Int == 0)
            }
        }
    }

    @Test func liaisonsSeeTheirPrefecturesByDefault() async throws {
        try await withApp { client, environment in
            try await client.execute(uri: "/v1/municipalities", method: .get, headers: environment.headers(.liaison)) { (response) throws in
                #expect(try response.json.items.map { $0["prefecture_code"] as? String } == ["13"])
            }
            try await client.execute(uri: "/v1/municipalities?all=true", method: .get, headers: environment.headers(.liaison)) { (response) throws in
                #expect(try response.json["total"] as? Int == 5)
            }
            try await client.execute(uri: "/v1/municipalities?prefecture=01", method: .get, headers: environment.headers(.liaison)) {
                (response) throws in
                #expect(try response.json["total"] as? Int == 3)
            }
            try await client.execute(uri: "/v1/municipalities", method: .get, headers: environment.headers(.member)) { (response) throws in
                #expect(try response.json["total"] as? Int == 5)
            }
        }
    }

    @Test func badParametersAreNamed() async throws {
        try await withApp { client, _ in
            let cases: [(String, String)] = [
                ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=abc", "limit"), ("offset=-1", "offset"),
                ("offset=99999999999999999999", "offset"), ("prefecture=48", "prefecture"), ("prefecture=東京", "prefecture"),
                ("kind=ward", "kind"), ("all=yes", "all"), ("block=kanto", "block"), ("active=maybe", "active"), ("q=", "q"),
                ("q=\(String(repeating: "あ", count: 101))", "q"), ("prefectur=13", "prefectur"), ("limit=1&limit=2", "limit"),
            ]
            for (query, field) in cases {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
                try await client.execute(uri: "/v1/municipalities?\(encoded)", method: .get) { (response) throws in
                    try expectProblem(response, .badRequest, field: field)
                }
            }
        }
    }
}
