import Foundation

/// Issues as a spreadsheet, one row per issue.
enum IssueSheet {
    static let header = [
        "番号", "件名", "分類", "重要度", "公開範囲", "状態", "報告組織", "担当組織", "期限", "対象ベンダー", "業務",
        "移行不可団体", "遅延リスク団体", "影響団体", "ラベル", "回答", "重複先", "作成日時", "更新日時",
    ]

    static func table(_ issues: [Issue]) -> ExportTable {
        let rows = issues.map { issue -> [SheetCell] in
            func codes(_ impact: IssueImpact) -> String {
                issue.municipalities.filter { $0.impact == impact }.map { "\($0.dantaiCode) \($0.name ?? "")" }.joined(separator: "; ")
            }
            return [
                .number(issue.number), .text(issue.title), .text(issue.category.japaneseLabel), .text(issue.severity.japaneseLabel),
                .text(issue.visibility.japaneseLabel), .text(issue.state.japaneseLabel), .text(issue.reporterOrganization.name),
                .text(issue.assigneeOrganization?.name), .date(issue.dueDate), .text(issue.vendors.map(\.name).joined(separator: "; ")),
                .text(issue.businessAreas.map(\.japaneseName).joined(separator: "; ")), .text(codes(.blocked)), .text(codes(.atRisk)),
                .text(codes(.affected)), .text(issue.labels.joined(separator: "; ")), .text(issue.answer),
                issue.duplicateOf.map { .code("#\($0)") } ?? .empty, .time(issue.createdAt), .time(issue.updatedAt),
            ]
        }
        return ExportTable(sheetName: "課題一覧", header: header, rows: rows)
    }
}
