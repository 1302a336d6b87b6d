import Foundation

/// Issues as a spreadsheet (Excel's CSV: UTF-8 with BOM, or CP932), one row per issue.
enum IssueSheet {
    static let header = [
        "番号", "件名", "分類", "重要度", "公開範囲", "状態", "報告組織", "担当組織", "期限", "対象ベンダー", "業務",
        "移行不可団体", "遅延リスク団体", "影響団体", "ラベル", "回答", "重複先", "作成日時", "更新日時",
    ]

    static func export(_ issues: [Issue], encoding: CSVTextEncoding) throws(CSVTextEncoding.Undecodable) -> Data {
        let time = ISO8601DateFormatter()
        time.timeZone = TimeZone(identifier: "Asia/Tokyo")
        let rows = issues.map { issue -> [String] in
            func codes(_ impact: IssueImpact) -> String {
                issue.municipalities.filter { $0.impact == impact }.map { "\($0.dantaiCode) \($0.name ?? "")" }.joined(separator: "; ")
            }
            return [
                String(issue.number), issue.title, issue.category.japaneseLabel, issue.severity.japaneseLabel,
                issue.visibility.japaneseLabel, issue.state.japaneseLabel, issue.reporterOrganization.name,
                issue.assigneeOrganization?.name ?? "", issue.dueDate?.rawValue ?? "", issue.vendors.map(\.name).joined(separator: "; "),
                issue.businessAreas.map(\.japaneseName).joined(separator: "; "), codes(.blocked), codes(.atRisk), codes(.affected),
                issue.labels.joined(separator: "; "), issue.answer ?? "", issue.duplicateOf.map { "#\($0)" } ?? "",
                time.string(from: issue.createdAt), time.string(from: issue.updatedAt),
            ]
        }
        return try CSVWriter.encode(header: header, rows: rows, encoding: encoding)
    }
}
