import Foundation

/// A meeting's handout (議事次第 and 議事録) as Markdown, and its agenda as a table (CSV, .xlsx). Only confirmed
/// items appear: proposals are the secretariat's working state. Every user text goes through
/// `MarkdownText`; a subject changed after its item was confirmed shows what was confirmed.
enum MeetingHandout {
    static func markdown(_ meeting: Meeting) -> String {
        let items = meeting.agenda.filter { $0.status == .confirmed }
        var lines = [
            "# 第\(meeting.number)回 \(MarkdownText.inline(meeting.title))",
            "",
            "- 開催日: \(japaneseDate(meeting.heldOn))",
            "- 状態: \(meeting.state.japaneseLabel)",
            "- 出席団体: \(meeting.attendees.isEmpty ? "（未定）" : meeting.attendees.map { MarkdownText.inline($0.name) }.joined(separator: "、"))",
            "",
            "## 議事次第",
            "",
        ]
        if items.isEmpty {
            lines.append("（議題なし）")
        } else {
            lines += ["| 順 | 議題 | 課題 | 発表 | 時間 |", "|---:|---|---|---|---:|"]
            for (index, item) in items.enumerated() {
                let issue = item.issue.map { "#\($0.number) \($0.state.japaneseLabel)" } ?? ""
                lines.append(
                    "| \(index + 1) | \(subject(item, MarkdownText.inline)) | \(issue) | \(MarkdownText.inline(item.presenter?.name ?? "")) | \(item.allottedMinutes)分 |"
                )
            }
            lines += ["", "所要時間 合計 \(items.map(\.allottedMinutes).reduce(0, +))分"]
        }
        lines += ["", "## 議事録"]
        for (index, item) in items.enumerated() {
            let heading = subject(item, MarkdownText.inline) + (item.issue.map { "（#\($0.number)）" } ?? "")
            lines += ["", "### \(index + 1). \(heading)", "", "**議事**", "", paragraph(item.minutes), "", "**決定事項**", "", paragraph(item.decision)]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let csvHeader = ["順", "議題", "課題番号", "課題状態", "発表", "時間（分）", "議事", "決定事項"]

    static func table(_ meeting: Meeting) -> ExportTable {
        let rows = meeting.agenda.filter { $0.status == .confirmed }.enumerated().map { index, item -> [SheetCell] in
            [
                .number(index + 1), .text(subject(item)), item.issue.map { .code("#\($0.number)") } ?? .empty,
                .text(item.issue?.state.japaneseLabel), .text(item.presenter?.name), .number(item.allottedMinutes), .text(item.minutes),
                .text(item.decision),
            ]
        }
        return ExportTable(sheetName: "第\(meeting.number)回 議事次第", header: csvHeader, rows: rows)
    }

    /// 2026-12-10 → 2026年12月10日
    static func japaneseDate(_ date: CalendarDate) -> String {
        let parts = date.rawValue.split(separator: "-").map { Int($0) ?? 0 }
        return "\(parts[0])年\(parts[1])月\(parts[2])日"
    }

    /// The subject as the handout prints it (escaped for where it lands), with the confirmed
    /// wording beside it when it was edited after the item was confirmed.
    static func subject(_ item: AgendaItem, _ escape: (String) -> String = { $0 }) -> String {
        guard let confirmed = item.confirmedSubject, confirmed != item.subject else { return escape(item.subject) }
        return "\(escape(item.subject))（確定後に変更。確定時: \(escape(confirmed))）"
    }

    private static func paragraph(_ text: String?) -> String {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return "（記載なし）" }
        return MarkdownText.block(text)
    }
}
