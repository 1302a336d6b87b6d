import Foundation
import Testing

@testable import CouncilService

/// The CLI with workbooks: an empty template with drop-down lists, filled in by a real writer and
/// imported; exports as .xlsx by the file's name; the spreadsheet vocabulary in `--help`; dates
/// typed the Japanese way in options.
@Suite struct CLISpreadsheetTests {
    @Test func templatesWorkbooksAndTypedDates() async throws {
        try await CLITests().withDaemon { _, env, cli in
            let vendor = cli(.vendorA)
            let directory = FileManager.default.temporaryDirectory.appending(path: "cli-xlsx-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let template = directory.appending(path: "template.xlsx").path

            var result = try await vendor.run(["import", "adoptions", "--template", template])
            #expect(result.status == 0, "\(result.stderr)")
            let lists = try SpreadsheetWriter.inspect(
                try Data(contentsOf: URL(fileURLWithPath: template)),
                """
                sheet = openpyxl.load_workbook(path).active
                print(json.dumps({"header": [c.value for c in sheet[1]],
                    "lists": {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}}, ensure_ascii=False))
                """)
            let inspected = try #require(try JSONSerialization.jsonObject(with: Data(lists.utf8)) as? [String: Any], "\(lists)")
            #expect(inspected["header"] as? [String] == AdoptionSheet.header, "\(lists)")
            let validations = inspected["lists"] as? [String: String] ?? [:]
            #expect(validations["C2:C10000"]?.contains("住民基本台帳") == true, "\(lists)")
            #expect(validations["E2:E10000"] == "\"A住記クラウド\"", "\(lists)")  // the vendor's own products only
            #expect(validations["G2:G10000"]?.contains("特定移行支援") == true && validations["H2:H10000"] != nil, "\(lists)")

            // Filled in by a real writer and imported through the CLI.
            let filled = directory.appending(path: "filled.xlsx")
            try SpreadsheetWriter.workbook(
                """
                book = openpyxl.load_workbook(\(WorkbookImportTests.pythonString(template)))
                sheet = book.active
                sheet.append(["011002", None, "住民基本台帳", None, "A住記クラウド", datetime.date(2026, 3, 1), "移行予定"])
                sheet["F2"].number_format = "yyyy/m"
                book.save(path)
                """
            ).write(to: filled)
            result = try await vendor.run(["import", "adoptions", filled.path])
            #expect(result.status == 0 && result.text.contains("inserted"), "\(result.text)\(result.stderr)")
            let exported = directory.appending(path: "adoptions.xlsx").path
            result = try await vendor.run(["export", "adoptions", "-o", exported])
            #expect(result.status == 0, "\(result.stderr)")
            var reader = try WorkbookReader(try Data(contentsOf: URL(fileURLWithPath: exported)))
            #expect(try reader.readAll()[0].records[1].fields.prefix(3) == ["011002", "札幌市", "住民基本台帳"])

            // The help names every column and label; a date option takes 令和 and slashes.
            result = try await vendor.run(["import", "adoptions", "--help"])
            for word in ["団体コード", "住民基本台帳", "特定移行支援", "事業者リソース不足", "令和8年3月"] {
                #expect(result.text.contains(word), "\(word) missing from: \(result.text)")
            }
            result = try await cli(.admin).run(["meeting", "new", "--date", "令和8年12月10日", "--title", "協議会"])
            #expect(result.status == 0, "\(result.stderr)")
            result = try await cli(.admin).run(["meeting", "show", "1", "--json"])
            #expect(result.text.contains("\"held_on\":\"2026-12-10\"") || result.text.contains("\"held_on\" : \"2026-12-10\""), "\(result.text)")
            result = try await cli(.admin).run(["meeting", "new", "--date", "26/12/10", "--title", "協議会"])
            #expect(result.status != 0 && result.stderr.contains("--date"), "\(result.stderr)")
            _ = env
        }
    }
}
