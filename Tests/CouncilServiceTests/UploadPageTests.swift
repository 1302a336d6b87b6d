import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// 届出 by spreadsheet in the browser, over HTTP: a CP932 file with bad lines of several kinds
/// lists every one and changes nothing; a corrected one is previewed with its counts and sample and
/// applied on confirmation (audited); only its uploader sees or confirms it; a database changed
/// between preview and confirmation is previewed again, never silently applied.
@Suite struct UploadPageTests {
    static func cp932(_ text: String) throws -> [UInt8] { Array(try #require(text.data(using: .shiftJIS))) }

    @Test func everyBadLineIsListedThenTheCorrectedFileIsPreviewedAndApplied() async throws {
        try await withApp { client, env in
            let a = try await env.signedIn(.vendorA, client)
            _ = try await a.get("/filings/upload")
            let bad = try Self.cp932(
                """
                団体コード,業務,製品,移行予定,状態,備考\r
                011002,住民記録,A住記クラウド,令和8年1月,移行中,\r
                01100X,住民記録,A住記クラウド,2026/02,移行中,\r
                011002,国民健康保険,A住記クラウド,2026-03,たぶん,\r
                010006,住民記録,A住記クラウド,2026-03,移行予定,\r
                131016,住民記録,B標準パッケージ,2026-03,移行予定,\r
                """)
            var page = try await a.postFile("/filings/upload", [("kind", "adoptions"), ("encoding", "cp932")], file: ("file", "導入団体.csv", bad))
            #expect(page.status == .unprocessableContent)
            let lines = page.html.components(separatedBy: "data-testid=\"problem\"").dropFirst().compactMap {
                WebBrowser.firstMatch(#"<td class="num">(\d+)</td>"#, in: $0).flatMap { Int($0) }
            }
            #expect(lines == [3, 4, 5, 6], "\(page.html)")
            #expect(page.html.contains("団体コード") && page.html.contains("状態") && !page.html.contains("upload-confirm"))
            // Each reason in Japanese: the code's shape, the labels it may be, the prefecture rule, another vendor's product.
            for reason in [
                "「01100X」は団体コードではありません", "「たぶん」は次のどれでもありません：移行予定、移行中", "都道府県が行う業務は児童扶養手当と生活保護だけです",
                "あなたの製品に「B標準パッケージ」という名前のものはありません",
            ] {
                #expect(page.html.contains(reason), "\(reason)")
            }
            #expect(try await AdoptionStore(pool: env.pool).all(AdoptionStore.Filter()).isEmpty)

            // The corrected file: counts, a sample, a confirmation that applies exactly it.
            let good = try Self.cp932(
                """
                団体コード,業務,製品,移行予定,状態,備考\r
                011002,住民記録,A住記クラウド,令和8年1月,移行中,\r
                011002,国民健康保険,A住記クラウド,2026/02,移行予定,①次移行\r
                """)
            page = try await a.postFile("/filings/upload", [("kind", "adoptions"), ("encoding", "auto")], file: ("file", "導入団体.csv", good))
            #expect(page.status == .ok)
            #expect(WebBrowser.firstMatch(#"data-testid="count-new">(\d+)<"#, in: page.html) == "2")
            #expect(page.html.components(separatedBy: "data-testid=\"sample\"").count - 1 == 2)
            #expect(page.html.contains("011002 札幌市"), "new adoptions are named in the sample too")
            let confirm = try #require(WebBrowser.firstMatch(#"action="(/filings/upload/\d+/confirm)""#, in: page.html))
            let fingerprint = try #require(WebBrowser.firstMatch(#"name="fingerprint" value="([0-9a-f]+)""#, in: page.html))
            #expect(try await AdoptionStore(pool: env.pool).all(AdoptionStore.Filter()).isEmpty, "a preview writes nothing")

            // Another vendor sees no preview of it and cannot confirm it.
            let b = try await env.signedIn(.vendorB, client)
            _ = try await b.get("/filings/upload")
            #expect(try await b.get(String(confirm.dropLast("/confirm".count))).status == .notFound)
            #expect(try await b.post(confirm, [("fingerprint", fingerprint)]).status == .notFound)

            let applied = try await a.post(confirm, [("fingerprint", fingerprint)])
            #expect(applied.status == .seeOther && applied.location == "/filings/upload?applied=2")
            let adoptions = try await AdoptionStore(pool: env.pool).all(AdoptionStore.Filter())
            #expect(adoptions.count == 2 && adoptions.contains { $0.note == "①次移行" })
            let audited: Int = try await env.pool.withConnection {
                try $0.query(Query("test.audit", "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'adoption'")).single().decode("n")
            }
            #expect(audited == 2)
            // Pressed twice: nothing more happens.
            _ = try await a.get("/filings/upload")
            #expect(try await a.post(confirm, [("fingerprint", fingerprint)]).status == .conflict)
        }
    }

    @Test func aDatabaseChangedBetweenPreviewAndConfirmationIsPreviewedAgain() async throws {
        try await withApp { client, env in
            let a = try await env.signedIn(.vendorA, client)
            _ = try await a.get("/filings/upload")
            let file = try Self.cp932("団体コード,業務,製品,状態\r\n011002,住民記録,A住記クラウド,移行中\r\n")
            var page = try await a.postFile("/filings/upload", [("kind", "adoptions")], file: ("file", "a.csv", file))
            let confirm = try #require(WebBrowser.firstMatch(#"action="(/filings/upload/\d+/confirm)""#, in: page.html))
            let fingerprint = try #require(WebBrowser.firstMatch(#"name="fingerprint" value="([0-9a-f]+)""#, in: page.html))
            // Someone else files the same 団体 and 業務 meanwhile.
            let response = try await env.send(
                client, .post, "/v1/adoptions/import", as: .vendorA, headers: [.contentType: "text/csv"],
                body: ByteBuffer(string: "団体コード,業務,製品ID,状態\n011002,juki,\(env.ids.productA.id),planned\n"))
            #expect(response.status == .ok)
            page = try await a.post(confirm, [("fingerprint", fingerprint)])
            #expect(page.status == .conflict && page.html.contains("確認の後にほかの届出でデータが変わりました"))
            #expect(try await AdoptionStore(pool: env.pool).all(AdoptionStore.Filter()).first?.state == .planned)
            // The new preview says it changes one record; confirming that applies it.
            #expect(WebBrowser.firstMatch(#"data-testid="count-changed">(\d+)<"#, in: page.html) == "1")
            let renewed = try #require(WebBrowser.firstMatch(#"name="fingerprint" value="([0-9a-f]+)""#, in: page.html))
            #expect(renewed != fingerprint)
            #expect(try await a.post(confirm, [("fingerprint", renewed)]).status == .seeOther)
            #expect(try await AdoptionStore(pool: env.pool).all(AdoptionStore.Filter()).first?.state == .inProgress)
        }
    }

    @Test func statusSheetsAndUnreadableFilesAndDownloads() async throws {
        try await withApp { client, env in
            let a = try await env.signedIn(.vendorA, client)
            _ = try await a.get("/filings/upload")
            // A file that is no spreadsheet: the form again, saying what to do.
            var page = try await a.postFile(
                "/filings/upload", [("kind", "status")], file: ("file", "x.xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]))
            #expect(page.status == .unprocessableContent && page.html.contains(".xlsx"))
            page = try await a.post("/filings/upload", [("kind", "status")])
            #expect(page.status == .unprocessableContent || page.status == .unsupportedMediaType)
            let sheet = try Self.cp932("製品,業務,段階,ガバメントクラウド対応\r\nA住記クラウド,住民記録,開発中,検証中\r\n")
            page = try await a.postFile("/filings/upload", [("kind", "status")], file: ("file", "status.csv", sheet))
            #expect(page.status == .ok && WebBrowser.firstMatch(#"data-testid="count-new">(\d+)<"#, in: page.html) == "1", "\(page.html)")
            let confirm = try #require(WebBrowser.firstMatch(#"action="(/filings/upload/\d+/confirm)""#, in: page.html))
            let fingerprint = try #require(WebBrowser.firstMatch(#"name="fingerprint" value="([0-9a-f]+)""#, in: page.html))
            #expect(try await a.post(confirm, [("fingerprint", fingerprint)]).status == .seeOther)
            #expect(try await StatusStore(pool: env.pool).history(product: env.ids.productA.id, businessArea: .juki).first?.stage == .developing)
            // The downloads are the API's exports for the signed-in browser.
            let template = try await a.get("/filings/status/template?format=xlsx")
            #expect(template.status == .ok && template.headers[.contentType]?.contains("spreadsheetml") == true)
            let current = try await a.get("/filings/status/export?format=csv&vendor=\(env.ids.vendorA.id)")
            #expect(current.status == .ok && current.html.contains("A住記クラウド"))
            // Observers file nothing.
            let observer = try await env.signedIn(.observer, client)
            #expect(try await observer.get("/filings/upload").status == .forbidden)
        }
    }
}
