import Foundation
import Testing

@testable import CouncilDatabase
@testable import CouncilService

@Suite struct MunicipalityImportTests {
    private func rows(_ data: Data) throws -> [MunicipalityListRow] {
        try MunicipalityList.parse(try CSVTextEncoding.auto.decode(data).text)
    }

    private func activeCount(_ pool: DatabasePool) async throws -> Int {
        try await pool.withConnection {
            try $0.query(Query("test.active", "SELECT count(*) AS n FROM municipalities WHERE active")).single().decode("n")
        }
    }

    @Test func theNationalCP932FileImportsThenReimportsUnchanged() async throws {
        try await withTestPool { pool, _ in
            let store = MunicipalityStore(pool: pool)
            let list = try rows(try TestFiles.sharedData("dantai-code-cp932.csv"))
            #expect(list.count == 1788)
            let first = try await store.importList(list, format: .cp932, dryRun: false)
            #expect(
                first
                    == MunicipalityImportReport(
                        rows: 1788, prefecturesMatched: 47, inserted: 1741, updated: 0,
                        unchanged: 0, deactivated: 0, encoding: "cp932", dryRun: false))
            // The same data as UTF-8 changes nothing.
            let again = try await store.importList(try rows(try TestFiles.sharedData("dantai-code-utf8.csv")), format: .utf8, dryRun: false)
            #expect(again.inserted == 0 && again.updated == 0 && again.unchanged == 1741 && again.deactivated == 0)
            #expect(try await activeCount(pool) == 1741)

            let sapporo = try #require(try await store.municipality(MunicipalityCode(validating: "011002")))
            #expect(sapporo.name == "札幌市" && sapporo.kana == "サッポロシ" && sapporo.designatedCity && sapporo.kind == .city)
            let chiyoda = try #require(try await store.municipality(MunicipalityCode(validating: "131016")))
            #expect(chiyoda.kind == .specialWard && chiyoda.block == .kantoKoshinetsu && !chiyoda.designatedCity)
            let designated: Int = try await pool.withConnection {
                try $0.query(Query("test.designated", "SELECT count(*) AS n FROM municipalities WHERE designated_city")).single().decode("n")
            }
            #expect(designated == 20)
            let kinds = try await store.municipalities(MunicipalityFilter(kind: .specialWard), page: Page(limit: 1))
            #expect(kinds.total == 23)
        }
    }

    @Test func aFileWithBadRowsChangesNothingAndListsEveryProblem() async throws {
        try await withTestPool { pool, _ in
            let store = MunicipalityStore(pool: pool)
            _ = try await store.importList(try rows(try TestFixtureData.sample), format: .utf8, dryRun: false)
            let bad = """
                団体コード,都道府県名（漢字）,市区町村名（漢字）,都道府県名（カナ）,市区町村名（カナ）\r
                011002,北海道,札幌市,ﾎｯｶｲﾄﾞｳ,ｻｯﾎﾟﾛｼ\r
                131015,東京都,千代田区,ﾄｳｷｮｳﾄ,ﾁﾖﾀﾞｸ\r
                011002,北海道,札幌市,ﾎｯｶｲﾄﾞｳ,ｻｯﾎﾟﾛｼ\r
                013030,北海道,当別,ﾎｯｶｲﾄﾞｳ,ﾄｳﾍﾞﾂ\r
                abc,北海道,どこか町,ﾎｯｶｲﾄﾞｳ,ﾄﾞｺｶ\r
                """
            let error = #expect(throws: ImportRejected.self) { try MunicipalityList.parse(bad) }
            #expect(error?.problems.map(\.line) == [3, 4, 5, 6])
            #expect(error?.problems.map(\.column) == ["団体コード", "団体コード", "市区町村名(漢字)", "団体コード"])
            #expect(error?.problems[0].reason.contains("check digit") == true)
            #expect(error?.problems[1].reason.contains("line 2") == true)

            // Rows that pass the file checks but name the wrong prefecture are refused by the store.
            let wrongPrefecture = try MunicipalityList.parse(
                """
                団体コード,都道府県名（漢字）,市区町村名（漢字）,都道府県名（カナ）,市区町村名（カナ）
                131016,東京都,千代田区,ﾄｳｷｮｳﾄ,ﾁﾖﾀﾞｸ
                011002,青森県,札幌市,ｱｵﾓﾘｹﾝ,ｻｯﾎﾟﾛｼ
                141305,東京都,川崎市,ﾄｳｷｮｳﾄ,ｶﾜｻｷｼ
                """)
            let rejected = await #expect(throws: ImportRejected.self) {
                try await store.importList(wrongPrefecture, format: .utf8, dryRun: false)
            }
            #expect(rejected?.problems.map(\.line) == [3, 4])
            // Nothing changed: the sample's municipalities are all still there and active.
            #expect(try await activeCount(pool) == 5)
        }
    }

    @Test func missingCodesAreDeactivatedNeverDeletedAndComeBack() async throws {
        try await withTestPool { pool, _ in
            let store = MunicipalityStore(pool: pool)
            let sample = try rows(try TestFixtureData.sample)
            _ = try await store.importList(sample, format: .utf8, dryRun: false)
            let withoutTobetsu = sample.filter { $0.code.rawValue != "013030" }
            let preview = try await store.importList(withoutTobetsu, format: .utf8, dryRun: true)
            #expect(preview.deactivated == 1 && preview.dryRun)
            #expect(try await activeCount(pool) == 5)  // the dry run changed nothing

            let report = try await store.importList(withoutTobetsu, format: .utf8, dryRun: false)
            #expect(report.deactivated == 1 && report.unchanged == 4)
            let tobetsu = try #require(try await store.municipality(MunicipalityCode(validating: "013030")))
            #expect(!tobetsu.active)
            #expect(try await store.municipalities(MunicipalityFilter(active: false), page: Page()).items.map(\.code.rawValue) == ["013030"])

            let back = try await store.importList(sample, format: .utf8, dryRun: false)
            #expect(back.updated == 1 && back.unchanged == 4 && back.deactivated == 0)
            #expect(try await store.municipality(MunicipalityCode(validating: "013030"))?.active == true)
        }
    }

    @Test func theFixtureParsesWithMultiLineHeadersAndHalfWidthKana() throws {
        let list = try rows(try TestFixtureData.sample)
        #expect(list.count == 8)
        #expect(list.filter { $0.code.isPrefecture }.count == 3)
        #expect(list.first { $0.code.rawValue == "011002" }?.kana == "サッポロシ")
        // A code that Excel stripped of its leading zero is restored.
        let stripped = try MunicipalityList.parse("団体コード,都道府県名（漢字）,市区町村名（漢字）,都道府県名（カナ）,市区町村名（カナ）\n11002,北海道,札幌市,ﾎｯｶｲﾄﾞｳ,ｻｯﾎﾟﾛｼ\n")
        #expect(stripped.first?.code.rawValue == "011002")
        let missingColumn = #expect(throws: ImportRejected.self) { try MunicipalityList.parse("団体コード,名前\n011002,札幌市\n") }
        #expect(missingColumn?.problems.count == 4)
    }
}

enum TestFixtureData {
    static var sample: Data { get throws { try TestFiles.fixture("mic-sample.csv") } }
}
