/// What an audit log entry is about, the one list: each mutation names its subject by a case, the
/// log keeps the slug (`issue`, what the API and CLI filter on) and people read the label.
enum AuditEntity: String, CaseIterable, Sendable {
    case account = "account"
    case adoption = "adoption"
    case agendaItem = "agenda_item"
    case attachment = "attachment"
    case database = "database"
    case issue = "issue"
    case issueComment = "issue_comment"
    case mailMessage = "mail_message"
    case meeting = "meeting"
    case municipalityList = "municipality_list"
    case organization = "organization"
    case product = "product"
    case savedQuery = "saved_query"
    case signIn = "sign_in"
    case statusReport = "status_report"
    case token = "token"
    case webhookEndpoint = "webhook_endpoint"

    var japaneseLabel: String {
        switch self {
        case .account: "アカウント"
        case .adoption: "採用状況"
        case .agendaItem: "議題"
        case .attachment: "添付ファイル"
        case .database: "データベース"
        case .issue: "課題"
        case .issueComment: "コメント"
        case .mailMessage: "メール"
        case .meeting: "会議"
        case .municipalityList: "団体一覧"
        case .organization: "組織"
        case .product: "製品"
        case .savedQuery: "保存した検索条件"
        case .signIn: "サインイン"
        case .statusReport: "開発状況の届出"
        case .token: "APIトークン"
        case .webhookEndpoint: "Webhookの送信先"
        }
    }
}
