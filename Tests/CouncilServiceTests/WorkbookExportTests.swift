import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// Every export is also an .xlsx workbook (`format=xlsx`), checked by a real reader (openpyxl):
/// a frozen, filtered header, widths that fit Japanese text, dates as dates, codes as text with
/// their leading zeros, Japanese labels, text as typed and never a formula; and what the adoption
/// and status exports write, the imports read back unchanged.
@Suite struct WorkbookExportTests {
    static func download(_ client: any TestClientProtocol, _ env: TestEnvironment, _ path: String) async throws -> Data {
        let response = try await env.send(client, .get, path, as: .vendorA)
        #expect(response.status == .ok, "\(response.text)")
        #expect(response.headers[.contentType] == UploadedFile.xlsxType)
        #expect(response.headers[.contentDisposition]?.hasSuffix(".xlsx\"") == true)
        return Data(buffer: response.body)
    }

    @Test func adoptionsAndStatusRoundTripThroughWorkbooks() async throws {
        try await withApp { client, env in
            let product = env.ids.productA.id
            let adoptions = """
                団体コード,業務,製品ID,状態,事由,移行予定,新目標月,PMO進捗,備考\r
                011002,juki,\(product),特定移行支援,事業者リソース不足,2026/3,2027/3,55.5,①次移行（㈱髙橋）\r
                013030,kokuho,\(product),移行予定,,令和8年10月,,,"=HYPERLINK(""http://evil.example"")"\r
                """
            var response = try await env.send(
                client, .post, "/v1/adoptions/import", as: .vendorA, headers: [.contentType: "text/csv"], body: ByteBuffer(string: adoptions))
            #expect(response.status == .ok, "\(response.text)")
            let workbook = try await Self.download(client, env, "/v1/adoptions/export?format=xlsx")
            let seen = try SpreadsheetWriter.inspect(
                workbook,
                """
                book = openpyxl.load_workbook(path)
                sheet = book.active
                rows = [[None if c.value is None else (c.value.strftime("%Y-%m-%d") if isinstance(c.value, datetime.datetime) else c.value) for c in row] for row in sheet.iter_rows()]
                print(json.dumps({
                    "title": sheet.title, "frozen": sheet.freeze_panes, "filter": sheet.auto_filter.ref,
                    "widths": {k: v.width for k, v in sheet.column_dimensions.items()},
                    "types": [c.data_type for c in sheet[2]], "formats": [c.number_format for c in sheet[2]],
                    "bold": sheet["A1"].font.b, "rows": rows}, ensure_ascii=False))
                """)
            let inspected = try #require(try JSONSerialization.jsonObject(with: Data(seen.utf8)) as? [String: Any], "\(seen)")
            #expect(inspected["title"] as? String == "採用状況" && inspected["frozen"] as? String == "A2", "\(seen)")
            #expect(inspected["filter"] as? String == "A1:K3" && inspected["bold"] as? Bool == true, "\(seen)")
            let rows = try #require(inspected["rows"] as? [[Any]], "\(seen)")
            #expect(rows[0].compactMap { $0 as? String } == AdoptionSheet.header)
            let sapporo = rows[1]
            #expect(sapporo[0] as? String == "011002" && sapporo[2] as? String == "住民基本台帳", "\(seen)")  // code as text, Japanese name
            #expect(sapporo[5] as? String == "2026-03-01" && sapporo[8] as? String == "2027-03-01", "\(seen)")  // months as dates
            #expect((sapporo[9] as? NSNumber)?.doubleValue == 55.5 && sapporo[10] as? String == "①次移行（㈱髙橋）", "\(seen)")
            #expect(rows[2][10] as? String == #"=HYPERLINK("http://evil.example")"#, "\(seen)")
            let types = inspected["types"] as? [String] ?? []
            #expect(types.count == 11 && types[0] == "s" && types[5] == "d" && types[9] == "n", "\(seen)")  // never "f"
            #expect((inspected["formats"] as? [String])?[5] == "yyyy\"年\"m\"月\"", "\(seen)")
            let widths = inspected["widths"] as? [String: Double] ?? [:]
            #expect((widths["B"] ?? 0) >= 10 && (widths["K"] ?? 0) >= 20 && widths.values.allSatisfy { $0 <= 60 }, "\(seen)")

            // The workbook imports back unchanged; so does the status export.
            response = try await env.send(
                client, .post, "/v1/adoptions/import", as: .vendorA, headers: [.contentType: UploadedFile.xlsxType],
                body: ByteBuffer(bytes: workbook))
            #expect(try response.json["unchanged"] as? Int == 2, "\(response.text)")
            response = try await env.send(
                client, .post, "/v1/development-status", as: .vendorA,
                json: [
                    "product_id": product, "business_area": "juki", "stage": "developing", "cloud_readiness": "verifying",
                    "planned_completion": "2026-03-31", "spec_version": "第4.1版",
                ])
            #expect(response.status == .created, "\(response.text)")
            let status = try await Self.download(client, env, "/v1/development-status/export?format=xlsx&vendor=\(env.ids.vendorA.id)")
            response = try await env.send(
                client, .post, "/v1/development-status/import", as: .vendorA, headers: [.contentType: UploadedFile.xlsxType],
                body: ByteBuffer(bytes: status))
            #expect(try response.json["unchanged"] as? Int == 1, "\(response.text)")
        }
    }

    @Test func issuesAndAgendaAsWorkbooks() async throws {
        try await withApp { client, env in
            let title = "①帳票（㈱髙橋） _x0041_ そのまま"
            let issue = try await env.issue(title)
            var response = try await env.send(client, .post, "/v1/meetings", as: .member, json: ["held_on": "2026-12-10", "title": "第1回"])
            let meeting = try #require(try response.json["id"] as? Int)
            response = try await env.send(
                client, .post, "/v1/meetings/\(meeting)/agenda", as: .member, json: ["issue_number": issue.number, "allotted_minutes": 15])
            let item = try #require((try response.json["agenda"] as? [[String: Any]])?.first?["id"] as? Int)
            // Minutes with a control character XML cannot carry: written as Excel's _x0001_ escape.
            let minutes = "議事\u{1}録 _x0042_"
            response = try await env.send(client, .patch, "/v1/meetings/\(meeting)/agenda/\(item)", as: .member, json: ["minutes": minutes])
            #expect(response.status == .ok, "\(response.text)")
            for path in ["/v1/issues/export?format=xlsx", "/v1/meetings/\(meeting)/export?format=xlsx"] {
                let workbook = try await Self.download(client, env, path)
                var reader = try WorkbookReader(workbook)
                let records = try reader.readAll()[0].records
                #expect(records.count == 2, "\(path)")
                #expect(records[1].fields.contains(title), "\(path): \(records[1].fields)")
                if path.contains("meetings") { #expect(records[1].fields.contains(minutes), "\(records[1].fields)") }
                let seen = try SpreadsheetWriter.inspect(
                    workbook, "print(json.dumps([c.value for c in openpyxl.load_workbook(path).active[2]], default=str, ensure_ascii=False))")
                #expect(seen.contains("髙橋"), "\(path): \(seen)")
            }
            response = try await env.send(client, .get, "/v1/issues/export?format=ods", as: .vendorA)
            try expectProblem(response, .badRequest, field: "format")
        }
    }
}
