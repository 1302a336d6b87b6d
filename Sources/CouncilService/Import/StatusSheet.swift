import CouncilDatabase
import Foundation

/// The development-status spreadsheet: 製品ID, 製品, 業務, 段階, 標準仕様書の版, ガバメントクラウド対応,
/// 完了予定日, 提供予定日, 備考, 後退理由. 段階 and ガバメントクラウド対応 accept slugs or Japanese labels.
package enum StatusSheet {
    /// The columns a sheet must have (and by which its header row is found).
    static let required = ["業務", "段階", "ガバメントクラウド対応"]

    static let header = ["製品ID", "製品", "業務", "段階", "標準仕様書の版", "ガバメントクラウド対応", "完了予定日", "提供予定日", "備考", "後退理由"]

    struct Row: Sendable {
        let line: Int
        let draft: StatusDraft
    }

    /// Every row of the sheet: those that read well, and every problem of those that do not.
    /// Throws only when no row can be read (a missing column, no rows).
    static func read(_ table: SheetTable, products: [(id: Int, vendor: Int, name: String)]) throws(ImportRejected) -> ParsedRows<Row> {
        try table.require(required)
        try table.requireRows()
        let named = SheetProducts(products)
        var parsed = ParsedRows<Row>()
        var seen: [String: Int] = [:]
        for record in table.records {
            func value(_ column: String) -> String { table.value(record, column) }
            var rowProblems: [ImportProblem] = []
            func problem(_ column: String, _ reason: Reason) { rowProblems.append(ImportProblem(line: record.line, column: column, reason)) }
            var product: Int?
            switch named.product(id: value("製品ID"), name: value("製品")) {
            case .success(let id): product = id
            case .failure(let why): problem("製品", why.reason)
            }
            let area = BusinessArea(matching: value("業務"))
            if area == nil { problem("業務", SheetReason.notABusinessArea(value("業務"))) }
            let stage = DevelopmentStage(label: value("段階"))
            if stage == nil {
                problem("段階", SheetReason.notOneOf(value("段階"), DevelopmentStage.allCases.map(\.japaneseLabel)))
            }
            let readiness = CloudReadiness(label: value("ガバメントクラウド対応"))
            if readiness == nil { problem("ガバメントクラウド対応", SheetReason.notOneOf(value("ガバメントクラウド対応"), CloudReadiness.allCases.map(\.japaneseLabel))) }
            func date(_ column: String) -> CalendarDate? {
                let text = value(column)
                guard !text.isEmpty else { return nil }
                guard let date = CalendarDate(typed: text) else {
                    problem(column, SheetReason.notADate(text))
                    return nil
                }
                return date
            }
            let completion = date("完了予定日"), availability = date("提供予定日")
            guard rowProblems.isEmpty, let product, let area, let stage, let readiness else {
                parsed.problems.append(contentsOf: rowProblems)
                continue
            }
            let key = "\(product)/\(area.rawValue)"
            if let first = seen[key] {
                parsed.problems.append(
                    ImportProblem(line: record.line, column: "業務", SheetReason.repeatedStatus(firstLine: first)))
                continue
            }
            seen[key] = record.line
            parsed.rows.append(
                Row(
                    line: record.line,
                    draft: StatusDraft(
                        productID: product, businessArea: area, stage: stage, specVersion: table.text(record, "標準仕様書の版"), cloudReadiness: readiness,
                        plannedCompletion: completion, plannedAvailability: availability, note: table.text(record, "備考"),
                        regressionReason: table.text(record, "後退理由"))))
        }
        return parsed
    }

    /// An empty sheet to fill in, with drop-down lists of 製品 (the caller's), 業務, 段階 and
    /// ガバメントクラウド対応.
    static func template(products: [String]) -> ExportTable {
        var table = ExportTable(sheetName: "開発状況", header: header, rows: [])
        table.choices = [
            1: products, 2: BusinessArea.allCases.map(\.japaneseName), 3: DevelopmentStage.allCases.map(\.japaneseLabel),
            5: CloudReadiness.allCases.map(\.japaneseLabel),
        ]
        return table
    }

    /// What a sheet may say, for `council import status --help` and the web's upload page.
    package static var vocabulary: String {
        """
        Columns (a header row; titles above it are skipped): \(header.joined(separator: ", ")).
        Required: \(required.joined(separator: ", ")), and 製品ID or 製品.
        業務: \(BusinessArea.allCases.map(\.japaneseName).joined(separator: ", ")) (or their slugs).
        段階: \(DevelopmentStage.allCases.map(\.japaneseLabel).joined(separator: ", ")). 後退理由 is required when 段階 goes back.
        ガバメントクラウド対応: \(CloudReadiness.allCases.map(\.japaneseLabel).joined(separator: ", ")).
        完了予定日, 提供予定日: \(TypedDate.dateForms), or a date cell.
        """
    }

    /// The current status in the layout the import reads back.
    static func table(_ reports: [StatusReport]) -> ExportTable {
        ExportTable(
            sheetName: "開発状況", header: header,
            rows: reports.map { report in
                [
                    .number(report.productID), .text(report.productName), .text(report.businessArea.japaneseName),
                    .text(report.stage.japaneseLabel), .text(report.specVersion), .text(report.cloudReadiness.japaneseLabel),
                    .date(report.plannedCompletion), .date(report.plannedAvailability), .text(report.note), .empty,
                ]
            })
    }
}
