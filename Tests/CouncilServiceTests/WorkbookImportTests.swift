import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// .xlsx workbooks, written by real writers (MIC's published shape; openpyxl), imported wherever a
/// CSV is: detected by content, read the way Excel stores things (shared and inline strings, rich
/// text, dates by format, percentages, numbers that lost their leading zero, titles above the
/// header, merged cells, empty rows), and refused with a clear 4xx when hostile.
@Suite struct WorkbookImportTests {
    static let xlsx: HTTPFields = [.contentType: UploadedFile.xlsxType]

    static func upload(
        _ client: any TestClientProtocol, _ env: TestEnvironment, _ path: String, _ data: Data,
        as caller: TestIdentities.Caller = .vendorA, contentType: String = UploadedFile.xlsxType
    ) async throws -> TestResponse {
        try await env.send(client, .post, path, as: caller, headers: [.contentType: contentType], body: ByteBuffer(bytes: data))
    }

    @Test func micWorkbookReadsAsItsCSV() throws {
        var reader = try WorkbookReader(try TestFiles.sharedData("dantai-code.xlsx"))
        let sheets = try reader.readAll()
        #expect(sheets.map(\.name) == ["現在の団体", "政令指定都市"])
        let fromWorkbook = try MunicipalityList.read(try SheetSource.workbook(sheets).table(having: MunicipalityList.required)).requireClean()
        let fromCSV = try MunicipalityList.parse(try CSVTextEncoding.auto.decode(try TestFiles.sharedData("dantai-code-utf8.csv")).text)
        func strip(_ row: MunicipalityListRow) -> [String] { [row.code.rawValue, row.prefectureName, row.name, row.prefectureKana, row.kana] }
        #expect(fromWorkbook.count == fromCSV.count && fromWorkbook.count > 1_700)
        #expect(fromWorkbook.map(strip) == fromCSV.map(strip))
        #expect(fromWorkbook.first?.line == 2)  // Excel's row number
    }

    @Test func micWorkbookImportsBothSheets() async throws {
        try await withApp(seed: false) { client, env in
            let micWorkbook = try TestFiles.sharedData("dantai-code.xlsx")
            // Sent as octet-stream: told apart by content, not by name or type.
            var response = try await Self.upload(
                client, env, "/v1/municipalities/import", micWorkbook, as: .admin, contentType: "application/octet-stream")
            #expect(response.status == .ok, "\(response.text)")
            let report = try response.json
            #expect(report["encoding"] as? String == "xlsx" && report["designated_cities"] as? Int == 20, "\(response.text)")
            #expect((report["inserted"] as? Int ?? 0) > 1_700)
            response = try await env.send(client, .get, "/v1/municipalities/011002", as: .observer)
            #expect(try response.json["designated_city"] as? Bool == true)

            // A newer workbook whose 政令指定都市 sheet no longer names 札幌市 (and its wards).
            let changed = try SpreadsheetWriter.workbook(
                """
                book = openpyxl.load_workbook(\(Self.pythonString(TestFiles.packageRoot.deletingLastPathComponent().appending(path: "shared/data/dantai-code.xlsx").path)))
                sheet = book["政令指定都市"]
                rows = [row for row in sheet.iter_rows(min_row=2) if str(row[0].value).startswith("0110")]
                sheet.delete_rows(2, len(rows))
                book.save(path)
                """)
            response = try await Self.upload(client, env, "/v1/municipalities/import", changed, as: .admin)
            #expect(try response.json["designated_cities"] as? Int == 19, "\(response.text)")
            response = try await env.send(client, .get, "/v1/municipalities/011002", as: .observer)
            #expect(try response.json["designated_city"] as? Bool == false)
            response = try await env.send(client, .get, "/v1/municipalities/141003", as: .observer)
            #expect(try response.json["designated_city"] as? Bool == true)
        }
    }

    static func pythonString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    @Test func adoptionWorkbookAsExcelWritesIt() async throws {
        try await withApp { client, env in
            let product = env.ids.productA.id
            let workbook = try SpreadsheetWriter.workbook(
                """
                from openpyxl.cell.rich_text import CellRichText, TextBlock
                from openpyxl.cell.text import InlineFont
                book = openpyxl.Workbook()
                sheet = book.active
                sheet.title = "移行状況"
                sheet["A1"] = "令和8年度 移行状況（株式会社ベンダーA）"
                sheet.merge_cells("A1:G1")
                sheet.append([])
                sheet.append(["団体コード", "業務", "製品ID", "状態", "移行予定", "PMO進捗", "備考"])
                # A code Excel turned into a number; a month as a date cell; a percentage.
                sheet.append([11002, "住民記録", \(product), "移行中", datetime.date(2026, 3, 1), 0.55, "①次移行（㈱髙橋）"])
                sheet["E4"].number_format = "yyyy/m"
                sheet["F4"].number_format = "0%"
                sheet.append([])
                sheet.append(["013030", "juki", \(product), "移行予定", "令和8年10月", None, None])
                sheet["G6"] = CellRichText(["太字", TextBlock(InlineFont(b=True), "と普通")])
                sheet.append(["131016", "国民健康保険", \(product), "遅延リスク", datetime.date(2027, 1, 1), None, "年度内"])
                sheet["E7"].number_format = '[$-ja-JP-x-gannen]ggge"年"m"月"'
                book.save(path)
                """)
            var response = try await Self.upload(client, env, "/v1/adoptions/import", workbook)
            #expect(response.status == .ok, "\(response.text)")
            #expect(try response.json["inserted"] as? Int == 3, "\(response.text)")
            response = try await env.send(client, .get, "/v1/adoptions/011002/juki", as: .vendorA)
            let sapporo = try response.json
            #expect(sapporo["planned_month"] as? String == "2026-03" && sapporo["state"] as? String == "in_progress", "\(response.text)")
            #expect((sapporo["pmo_completion"] as? NSNumber)?.doubleValue == 55, "\(response.text)")
            #expect(sapporo["note"] as? String == "①次移行（㈱髙橋）")
            response = try await env.send(client, .get, "/v1/adoptions/013030/juki", as: .vendorA)
            #expect(try response.json["note"] as? String == "太字と普通" && response.json["planned_month"] as? String == "2026-10")
            response = try await env.send(client, .get, "/v1/adoptions/131016/kokuho", as: .vendorA)
            #expect(try response.json["planned_month"] as? String == "2027-01", "\(response.text)")
            // The same workbook again changes nothing.
            response = try await Self.upload(client, env, "/v1/adoptions/import", workbook)
            #expect(try response.json["unchanged"] as? Int == 3, "\(response.text)")
        }
    }

    /// XlsxWriter writes as Excel does: shared strings, rich text runs in them, a title merged over
    /// the columns, dates as serials with a format, a code typed as a number.
    @Test func sharedStringsAndRichTextAsExcelWritesThem() async throws {
        try await withApp { client, env in
            let product = env.ids.productA.id
            let workbook = try SpreadsheetWriter.workbook(
                """
                import xlsxwriter
                book = xlsxwriter.Workbook(path)
                sheet = book.add_worksheet("採用状況")
                bold = book.add_format({"bold": True})
                month = book.add_format({"num_format": "yyyy\\"年\\"m\\"月\\""})
                sheet.merge_range("A1:F1", "令和8年度 採用状況", bold)
                sheet.write_row(2, 0, ["団体コード", "業務", "製品ID", "状態", "移行予定", "備考"], bold)
                sheet.write_number(3, 0, 11002)
                sheet.write_row(3, 1, ["住民記録", \(product), "移行予定"])
                sheet.write_datetime(3, 4, datetime.datetime(2026, 3, 1), month)
                sheet.write_rich_string(3, 5, "重要: ", bold, "帳票", "を確認（㈱髙橋）")
                sheet.write_row(4, 0, ["013030", "住民記録", \(product), "移行予定", "令和8年10月", "住民記録"])
                book.close()
                """)
            var reader = try WorkbookReader(workbook)
            let records = try reader.readAll()[0].records
            #expect(records.map(\.line) == [1, 3, 4, 5])
            #expect(records[2].fields == ["11002", "住民記録", "\(product)", "移行予定", "2026-03-01", "重要: 帳票を確認（㈱髙橋）"])
            var response = try await Self.upload(client, env, "/v1/adoptions/import", workbook)
            #expect(try response.json["inserted"] as? Int == 2, "\(response.text)")
            response = try await env.send(client, .get, "/v1/adoptions/011002/juki", as: .vendorA)
            #expect(try response.json["note"] as? String == "重要: 帳票を確認（㈱髙橋）" && response.json["planned_month"] as? String == "2026-03")
        }
    }

    @Test func statusWorkbookDatesInEveryFormAndBadCellsNamed() async throws {
        try await withApp { client, env in
            let product = env.ids.productA.id
            let workbook = try SpreadsheetWriter.workbook(
                """
                book = openpyxl.Workbook()
                sheet = book.active
                sheet.append(["製品ID", "業務", "段階", "ガバメントクラウド対応", "完了予定日", "提供予定日"])
                sheet.append([\(product), "住民記録", "開発中", "検証中", datetime.date(2026, 3, 31), "令和8年4月1日"])
                sheet.append([\(product), "国民健康保険", "テスト中", "対応済", "2026/3/31", "R8.4.1"])
                sheet["E3"].number_format = "@"
                sheet.append([\(product), "生活保護", "設計中", "未対応", 46112, "26/4/1"])
                sheet["E2"].number_format = '[$-ja-JP-x-gannen]ggge"年"m"月"d"日"'
                book.save(path)
                """)
            var response = try await Self.upload(client, env, "/v1/development-status/import", workbook)
            let body = try expectProblem(response, .unprocessableContent)
            let errors = body["errors"] as? [[String: Any]] ?? []
            // Row 4: a bare number in a date column is ambiguous, and 26/4/1 has no century.
            #expect(errors.map { "\($0["line"] ?? "")/\($0["column"] ?? "")" } == ["4/完了予定日", "4/提供予定日"], "\(response.text)")
            // Fixed, the workbook imports, every date form read as the same day.
            let fixed = try SpreadsheetWriter.workbook(
                """
                book = openpyxl.Workbook()
                sheet = book.active
                sheet.append(["製品ID", "業務", "段階", "ガバメントクラウド対応", "完了予定日", "提供予定日"])
                sheet.append([\(product), "住民記録", "開発中", "検証中", datetime.date(2026, 3, 31), "令和8年4月1日"])
                sheet["E2"].number_format = '[$-ja-JP-x-gannen]ggge"年"m"月"d"日"'
                sheet.append([\(product), "国民健康保険", "テスト中", "対応済", "2026/3/31", "R8.4.1"])
                sheet.append([\(product), "生活保護", "設計中", "未対応", datetime.datetime(2026, 3, 31, 18, 30), "2026-04-01"])
                book.save(path)
                """)
            response = try await Self.upload(client, env, "/v1/development-status/import", fixed)
            #expect(try response.json["filed"] as? Int == 3, "\(response.text)")
            response = try await env.send(client, .get, "/v1/development-status?vendor=\(env.ids.vendorA.id)", as: .vendorA)
            let reports = try response.json.items
            #expect(reports.count == 3)
            #expect(
                reports.allSatisfy { $0["planned_completion"] as? String == "2026-03-31" && $0["planned_availability"] as? String == "2026-04-01" },
                "\(response.text)")
        }
    }

    /// The reader's own limits, small here: a part inflating past its bound, more shared strings
    /// than allowed (the HTTP test below meets the real bounds).
    @Test func readerLimitsHold() throws {
        let workbook = try SpreadsheetWriter.workbook(
            """
            import xlsxwriter
            book = xlsxwriter.Workbook(path)
            sheet = book.add_worksheet()
            for row in range(200):
                sheet.write_row(row, 0, ["文字列%d" % row, row])
            book.close()
            """)
        var limits = WorkbookReader.Limits()
        limits.maxSharedStrings = 100
        #expect(throws: WorkbookError.self) { _ = try WorkbookReader(workbook, limits: limits) }
        limits = WorkbookReader.Limits()
        limits.archive.maxPartBytes = 4_096
        #expect(throws: WorkbookError.self) {
            var reader = try WorkbookReader(workbook, limits: limits)
            _ = try reader.readAll()
        }
        var reader = try WorkbookReader(workbook)
        #expect(try reader.readAll()[0].records.count == 200)
    }

    /// Excel under a Japanese locale keeps the reading it was typed with (<rPh>, furigana) inside
    /// shared strings; it is not part of the text. (XlsxWriter writes no readings, so its shared
    /// strings part is replaced by one as Japanese Excel writes it.)
    @Test func phoneticGuidesAreNotText() throws {
        let workbook = try SpreadsheetWriter.workbook(
            """
            import xlsxwriter, zipfile, io
            buffer = io.BytesIO()
            book = xlsxwriter.Workbook(buffer)
            book.add_worksheet().write_row(0, 0, ["札幌市", "備考"])
            book.close()
            source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
                for item in source.infolist():
                    if item.filename != "xl/sharedStrings.xml":
                        out.writestr(item, source.read(item))
                out.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
                    '<si><t>札幌市</t><rPh sb="0" eb="2"><t>サッポロ</t></rPh><rPh sb="2" eb="3"><t>シ</t></rPh>'
                    '<phoneticPr fontId="1"/></si><si><r><rPr><b/></rPr><t>備</t></r><r><t>考</t></r></si></sst>')
            """)
        var reader = try WorkbookReader(workbook)
        #expect(try reader.readAll()[0].records[0].fields == ["札幌市", "備考"])
    }

    @Test func hostileWorkbooksAreRefusedInBoundedMemory() async throws {
        try await withApp { client, env in
            // Each replaces one part of a real workbook (or the whole file) with something hostile.
            let cases: [(String, String)] = [
                ("zip bomb", "replace('xl/worksheets/sheet1.xml', b'<worksheet><sheetData>' + b' ' * (97 << 20) + b'</sheetData></worksheet>')"),
                ("entity expansion", "replace('xl/worksheets/sheet1.xml', b'<!DOCTYPE x [<!ENTITY a \"aaaaaaaa\">]><worksheet/>')"),
                ("deep XML", "replace('xl/worksheets/sheet1.xml', b'<a>' * 10000 + b'</a>' * 10000)"),
                (
                    "missing shared string",
                    "replace('xl/worksheets/sheet1.xml', b'<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>99999</v></c></row></sheetData></worksheet>')"
                ),
                ("not a workbook", "only('hello.txt', b'hello')"),
            ]
            for (name, operation) in cases {
                let data = try SpreadsheetWriter.workbook(
                    """
                    import zipfile, io
                    book = openpyxl.Workbook()
                    book.active.append(["団体コード", "業務", "状態"])
                    book.active.append(["011002", "juki", "移行予定"])
                    buffer = io.BytesIO()
                    book.save(buffer)
                    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
                    def replace(part, content):
                        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
                            for item in source.infolist():
                                if item.filename != part:
                                    out.writestr(item, source.read(item))
                            out.writestr(part, content)
                    def only(part, content):
                        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
                            out.writestr(part, content)
                    \(operation)
                    """)
                #expect(data.count < 2 << 20, "\(name): \(data.count) bytes")
                let response = try await Self.upload(client, env, "/v1/adoptions/import", data)
                let body = try expectProblem(response, .unprocessableContent)
                #expect(body["type"] as? String == "urn:council:problem:undecodable-file", "\(name): \(response.text)")
            }
            // Excel 97–2003 and password-protected workbooks are OLE files: said so.
            let ole = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504))
            let response = try await Self.upload(client, env, "/v1/adoptions/import", ole)
            let body = try expectProblem(response, .unprocessableContent)
            #expect((body["detail"] as? String)?.contains("save it as .xlsx") == true, "\(response.text)")
            // Nothing was written by any of them.
            #expect(try await env.send(client, .get, "/v1/adoptions", as: .vendorA).json["total"] as? Int == 0)
        }
    }
}
