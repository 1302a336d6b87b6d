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
    /// Throws only when no row can be read (a missing column, no rows). A long sheet is read in
    /// two halves at once: on a national file this is a fifth of the daemon's work, done while
    /// PostgreSQL has nothing to do yet.
    static func read(
        _ table: SheetTable, products: [(id: Int, vendor: Int, name: String)]
    ) async throws(ImportRejected) -> ParsedRows<AdoptionStore.Row> {
        try table.require(required)
        if !table.has("製品ID") { try table.require(["製品"]) }
        try table.requireRows()
        let named = SheetProducts(products)
        let records = table.records
        guard records.count >= 2_000 else { return rows(records[...], of: table, named) }
        let middle = records.count / 2
        async let first = rows(records[..<middle], of: table, named)
        var parsed = rows(records[middle...], of: table, named)
        let earlier = await first
        parsed.rows = earlier.rows + parsed.rows
        var problems = earlier.problems
        problems.append(parsed.problems)
        parsed.problems = problems
        return parsed
    }

    /// The rows of some of the sheet's records, in order.
    private static func rows(
        _ records: ArraySlice<SheetRecord>, of table: SheetTable, _ named: SheetProducts
    ) -> ParsedRows<AdoptionStore.Row> {
        var parsed = ParsedRows<AdoptionStore.Row>()
        let codeColumn = table.column("団体コード"), areaColumn = table.column("業務"), productIDColumn = table.column("製品ID")
        let productColumn = table.column("製品"), stateColumn = table.column("状態"), reasonColumn = table.column("事由")
        let plannedColumn = table.column("移行予定"), targetColumn = table.column("新目標月"), pmoColumn = table.column("PMO進捗")
        let noteColumn = table.column("備考")
        // Each distinct PMO進捗 text is read once: a national file has about a hundred, and
        // Foundation's Decimal parsing and comparing was 8 % of the import's time in the daemon.
        var percentages: [String: Decimal?] = [:]
        for record in records {
            var rowProblems: [ImportProblem] = []
            func problem(_ column: String, _ reason: Reason) { rowProblems.append(ImportProblem(line: record.line, column: column, reason)) }

            var codeText = table.value(record, codeColumn)
            if codeText.count == 5, codeText.allSatisfy(\.isASCII) { codeText = "0" + codeText }
            let code = MunicipalityCode(rawValue: codeText)
            if code == nil { problem("団体コード", SheetReason.notAMunicipalityCode(codeText)) }
            let areaText = table.value(record, areaColumn)
            let area = BusinessArea(matching: areaText)
            if area == nil { problem("業務", SheetReason.notABusinessArea(areaText)) }
            var productID: Int?
            switch named.product(id: table.value(record, productIDColumn), name: table.value(record, productColumn)) {
            case .success(let id): productID = id
            case .failure(let why): problem("製品", why.reason)
            }
            let stateText = table.value(record, stateColumn)
            let state = AdoptionState(label: stateText)
            if state == nil { problem("状態", SheetReason.notOneOf(stateText, AdoptionState.allCases.map(\.japaneseLabel))) }
            var reason: AdoptionReason?
            let reasonText = table.value(record, reasonColumn)
            if !reasonText.isEmpty {
                reason = AdoptionReason(label: reasonText)
                if reason == nil {
                    problem("事由", SheetReason.notOneOf(reasonText, AdoptionReason.allCases.map(\.japaneseLabel)))
                }
            }
            func month(_ column: SheetTable.Column) -> YearMonth? {
                let text = table.value(record, column)
                guard !text.isEmpty else { return nil }
                // Excel keeps a month as the date of its first day: a date cell of the 1st is that month.
                func firstOfMonth() -> YearMonth? {
                    CalendarDate(typed: text).flatMap {
                        $0.rawValue.hasSuffix("-01") ? YearMonth(rawValue: String($0.rawValue.prefix(7))) : nil
                    }
                }
                guard let month = YearMonth(rawValue: text) ?? firstOfMonth() else {
                    problem(column.name, SheetReason.notAMonth(text))
                    return nil
                }
                return month
            }
            let planned = month(plannedColumn), target = month(targetColumn)
            var pmo: Decimal?
            let pmoText = table.value(record, pmoColumn)
            if !pmoText.isEmpty {
                if let known = percentages[pmoText] {
                    pmo = known
                } else {
                    pmo = Decimal(string: String(pmoText.filter { $0 != "%" }), locale: Self.posix).flatMap { (0...100).contains($0) ? $0 : nil }
                    percentages[pmoText] = .some(pmo)
                }
                if pmo == nil { problem("PMO進捗", SheetReason.notAPercentage(pmoText)) }
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
                        reason: reason, newTargetMonth: target, pmoCompletion: pmo, note: table.text(record, noteColumn))))
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
