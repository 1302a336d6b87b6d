import Foundation

/// The words of a notification mail, in Japanese: a subject naming the issue and what happened,
/// a body with the details and the link to the page. Plain text: nothing a user typed can become
/// markup, and headers are encoded by `MailMessage`.
enum MailText {
    /// Who did it, as the recipient reads it.
    struct Actor: Sendable {
        let name: String
        let organization: String
    }

    static func subject(_ event: OutboxEvent) -> String {
        let issue = event.data["issue"]?.object
        let number = issue?["number"]?.int.map { "#\($0)" } ?? ""
        let title = issue?["title"]?.string ?? ""
        switch event.kind {
        case .webhookDisabled:
            return "[Council] Webhook の送信を停止しました"
        case .agendaChanged, .decisionRecorded:
            let meeting = event.data["meeting"]?.object
            let item = event.data["item"]?.object
            return "[Council 第\(meeting?["number"]?.int ?? 0)回] \(item?["subject"]?.string ?? "") — \(headline(event))"
        default:
            return "[Council \(number)] \(title) — \(headline(event))"
        }
    }

    /// What happened, in a few words.
    static func headline(_ event: OutboxEvent) -> String {
        switch event.kind {
        case .issueCreated: return "新しい課題"
        case .issueUpdated: return "内容の変更"
        case .issueAssigned: return "担当の変更"
        case .issueTransitioned:
            let to = event.data["to"]?.string.flatMap(IssueState.init(rawValue:))?.japaneseLabel ?? ""
            return "\(to)になりました"
        case .issueCommented: return "コメント"
        case .issueRelated: return "関連の追加"
        case .issueUnrelated: return "関連の削除"
        case .agendaChanged:
            switch event.data["change"]?.string {
            case "proposed": return "議題の候補"
            case "added": return "議題に追加"
            case "removed": return "議題から削除"
            default: return "議題の変更"
            }
        case .decisionRecorded: return "決定事項"
        case .webhookDisabled: return "Webhook の停止"
        case .statusReported, .adoptionsChanged, .meetingCreated, .meetingUpdated: return event.kind.rawValue
        }
    }

    static func body(_ event: OutboxEvent, actor: Actor?, publicURL: String, unsubscribeURL: String?) -> String {
        var lines: [String] = []
        let by = actor.map { "\($0.name)（\($0.organization)）" } ?? "Council"
        let issue = event.data["issue"]?.object
        if let issue {
            lines.append("課題 #\(issue["number"]?.int ?? 0)「\(issue["title"]?.string ?? "")」")
            lines.append("\(headline(event))（\(by)）")
        } else {
            lines.append("\(headline(event))（\(by)）")
        }
        lines.append("")
        switch event.kind {
        case .issueTransitioned:
            let from = event.data["from"]?.string.flatMap(IssueState.init(rawValue:))?.japaneseLabel ?? ""
            let to = event.data["to"]?.string.flatMap(IssueState.init(rawValue:))?.japaneseLabel ?? ""
            lines.append("状態: \(from) → \(to)")
            if let answer = event.data["answer"]?.string { lines += ["", "回答:", indented(answer)] }
            if let comment = event.data["comment"]?.string { lines += ["", "コメント:", indented(comment)] }
        case .issueCommented:
            lines += ["コメント:", indented(event.data["comment"]?.object?["body"]?.string ?? "")]
        case .issueUpdated, .issueAssigned:
            let fields = (event.data["changes"]?.object ?? [:]).keys.sorted()
            lines.append("変更された項目: \(fields.joined(separator: "、"))")
        case .issueRelated, .issueUnrelated:
            let relation = event.data["relation"]?.object
            lines.append("関連: \(relation?["kind"]?.string ?? "") #\(relation?["issue"]?.int ?? 0)")
        case .agendaChanged, .decisionRecorded:
            let meeting = event.data["meeting"]?.object
            lines.append("会議: 第\(meeting?["number"]?.int ?? 0)回 \(meeting?["title"]?.string ?? "")（\(meeting?["held_on"]?.string ?? "")）")
            if let decision = event.data["item"]?.object?["decision"]?.string { lines += ["", "決定事項:", indented(decision)] }
        case .webhookDisabled:
            let webhook = event.data["webhook"]?.object
            lines.append("送信先: \(webhook?["url"]?.string ?? "")")
            lines.append("理由: \(event.data["reason"]?.string ?? "")")
            lines.append("受信側を直したあと、管理画面または `council webhook update \(webhook?["id"]?.int ?? 0) --enable` で再開できます。")
        case .issueCreated, .statusReported, .adoptionsChanged, .meetingCreated, .meetingUpdated:
            break
        }
        lines.append("")
        if let number = event.issueNumber {
            lines.append("課題を開く: \(publicURL)/issues/\(number)")
        }
        lines += ["", "―", "Council（事業者協議会 課題管理）からの自動送信です。"]
        lines.append("通知の設定: \(publicURL)/account")
        if let unsubscribeURL { lines.append("メール通知を止める: \(unsubscribeURL)") }
        return lines.joined(separator: "\n")
    }

    /// A digest of several events in one mail.
    static func digest(_ events: [OutboxEvent], publicURL: String, unsubscribeURL: String?) -> (subject: String, body: String) {
        var lines = ["この24時間の通知（\(events.count)件）", ""]
        for event in events {
            let subject = self.subject(event).replacingOccurrences(of: "[Council] ", with: "").replacingOccurrences(of: "[Council ", with: "[")
            lines.append("・\(subject)")
            if let number = event.issueNumber { lines.append("  \(publicURL)/issues/\(number)") }
        }
        lines += ["", "―", "Council（事業者協議会 課題管理）からの自動送信です。", "通知の設定: \(publicURL)/account"]
        if let unsubscribeURL { lines.append("メール通知を止める: \(unsubscribeURL)") }
        return ("[Council] 通知のまとめ（\(events.count)件）", lines.joined(separator: "\n"))
    }

    private static func indented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}

extension JSONValue {
    var object: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }
    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }
    var int: Int? {
        if case .number(let value) = self, value == value.rounded(), abs(value) < 1e15 { return Int(value) }
        return nil
    }
}
