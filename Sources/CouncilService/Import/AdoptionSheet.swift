import CouncilDatabase
import Foundation

/// The adoption spreadsheet vendors send and receive: 団体コード, 団体名, 業務, 製品ID, 製品, 移行予定,
/// 状態, 事由, 新目標月, PMO進捗, 備考. 団体名 is for people and ignored on import; 業務, 状態 and 事由
/// accept slugs or Japanese names; 製品ID wins over 製品 (a name, resolved among the caller's products).
package enum AdoptionSheet {
    private static let posix = Locale(identifier: "en_US_POSIX")

    /// The columns a sheet must have (and by which its header row is found).
    static let required = ["団体コード", "業務", "状態"]

    static let header = ["団体コード", "団体名", "業務", "製品ID", "製品", "移行予定", "状態", "事由", "新目標月", "PMO進捗", "備考"]

    /// Every row of the sheet: those that read well, and every problem of those that do not.
    /// Throws only when no row can be read (a missing column, no rows).
    static func read(
        _ table: SheetTable, products: [(id: Int, vendor: Int, name: String)]
    ) throws(ImportRejected) -> ParsedRows<AdoptionStore.Row> {
        try table.require(required)
        if !table.has("製品ID") { try table.require(["製品"]) }
        try table.requireRows()
        let named = SheetProducts(products)
        var parsed = ParsedRows<AdoptionStore.Row>()
        for record in table.records {
            func value(_ column: String) -> String { table.value(record, column) }
            var rowProblems: [ImportProblem] = []
            func problem(_ column: String, _ reason: Reason) { rowProblems.append(ImportProblem(line: record.line, column: column, reason)) }

            var codeText = value("団体コード")
            if codeText.count == 5, codeText.allSatisfy(\.isASCII) { codeText = "0" + codeText }
            let code = MunicipalityCode(rawValue: codeText)
            if code == nil { problem("団体コード", SheetReason.notAMunicipalityCode(codeText)) }
            let area = BusinessArea(matching: value("業務"))
            if area == nil { problem("業務", SheetReason.notABusinessArea(value("業務"))) }
            var productID: Int?
            switch named.product(id: value("製品ID"), name: value("製品")) {
            case .success(let id): productID = id
            case .failure(let why): problem("製品", why.reason)
            }
            let state = AdoptionState(label: value("状態"))
            if state == nil { problem("状態", SheetReason.notOneOf(value("状態"), AdoptionState.allCases.map(\.japaneseLabel))) }
            var reason: AdoptionReason?
            if !value("事由").isEmpty {
                reason = AdoptionReason(label: value("事由"))
                if reason == nil {
                    problem("事由", SheetReason.notOneOf(value("事由"), AdoptionReason.allCases.map(\.japaneseLabel)))
                }
            }
            func month(_ column: String) -> YearMonth? {
                guard !value(column).isEmpty else { return nil }
                // Excel keeps a month as the date of its first day: a date cell of the 1st is that month.
                func firstOfMonth() -> YearMonth? {
                    CalendarDate(typed: value(column)).flatMap {
                        $0.rawValue.hasSuffix("-01") ? YearMonth(rawValue: String($0.rawValue.prefix(7))) : nil
                    }
                }
                guard let month = YearMonth(rawValue: value(column)) ?? firstOfMonth() else {
                    problem(column, SheetReason.notAMonth(value(column)))
                    return nil
                }
                return month
            }
            let planned = month("移行予定"), target = month("新目標月")
            var pmo: Decimal?
            if !value("PMO進捗").isEmpty {
                let text = value("PMO進捗").replacingOccurrences(of: "%", with: "")
                pmo = Decimal(string: text, locale: Self.posix)
                if pmo == nil || !(0...100).contains(pmo!) { problem("PMO進捗", SheetReason.notAPercentage(value("PMO進捗"))) }
            }
            guard rowProblems.isEmpty, let code, let area, let productID, let state else {
                parsed.problems.append(contentsOf: rowProblems)
                continue
            }
            parsed.rows.append(
                AdoptionStore.Row(
                    line: record.line,
                    draft: AdoptionDraft(
                        dantaiCode: code, businessArea: area, productID: productID, plannedMonth: planned, state: state,
                        reason: reason, newTargetMonth: target, pmoCompletion: pmo, note: table.text(record, "備考"))))
        }
        return parsed
    }

    /// An empty sheet to fill in: the header, and drop-down lists of the labels each column takes
    /// (業務, 状態, 事由; 製品 among the caller's products).
    static func template(products: [String]) -> ExportTable {
        var table = ExportTable(sheetName: "採用状況", header: header, rows: [])
        table.choices = [
            2: BusinessArea.allCases.map(\.japaneseName), 4: products, 6: AdoptionState.allCases.map(\.japaneseLabel),
            7: AdoptionReason.allCases.map(\.japaneseLabel),
        ]
        return table
    }

    /// What a sheet may say, for `council import adoptions --help` and the web's upload page.
    package static var vocabulary: String {
        """
        Columns (a header row; titles above it are skipped): \(header.joined(separator: ", ")).
        Required: \(required.joined(separator: ", ")), and 製品ID or 製品. 団体名 is for people and ignored.
        業務: \(BusinessArea.allCases.map(\.japaneseName).joined(separator: ", ")) (or their slugs).
        状態: \(AdoptionState.allCases.map(\.japaneseLabel).joined(separator: ", ")).
        事由 (特定移行支援): \(AdoptionReason.allCases.map(\.japaneseLabel).joined(separator: ", ")).
        移行予定, 新目標月: 2026-03, 2026/3, 令和8年3月, R8.3 (or a date cell of the 1st). PMO進捗: 0 to 100 (55 or 55%).
        """
    }

    /// The adoptions in the layout the import reads back.
    static func table(_ adoptions: [Adoption]) -> ExportTable {
        ExportTable(
            sheetName: "採用状況", header: header,
            rows: adoptions.map { adoption in
                [
                    .code(adoption.dantaiCode.rawValue), .text(adoption.dantaiName), .text(adoption.businessArea.japaneseName),
                    .number(adoption.productID), .text(adoption.productName), .month(adoption.plannedMonth),
                    .text(adoption.state.japaneseLabel), .text(adoption.reason?.japaneseLabel), .month(adoption.newTargetMonth),
                    adoption.pmoCompletion.map(SheetCell.number) ?? .empty, .text(adoption.note),
                ]
            })
    }
}
