/// Refusals said in more than one place (the API's routes and the pages, several stores), worded once.
extension Reason {
    static func noWebhookEndpoint(_ id: Int) -> Reason { Reason("no webhook endpoint \(id)", ja: "Webhookの送信先\(id)はありません") }
    static func noToken(_ id: Int) -> Reason { Reason("no token \(id)", ja: "トークン\(id)はありません") }
    static func noProduct(_ id: Int) -> Reason { Reason("no product \(id)", ja: "製品\(id)はありません") }
    static func noOrganization(_ id: Int) -> Reason { Reason("no organization \(id)", ja: "組織\(id)はありません") }
    static func noMeeting(_ id: Int) -> Reason { Reason("no meeting \(id)", ja: "会議\(id)はありません") }
    static func noAccount(_ id: Int) -> Reason { Reason("no account \(id)", ja: "アカウント\(id)はありません") }
    static func noComment(_ id: Int, onIssue number: Int) -> Reason {
        Reason("no comment \(id) on issue #\(number)", ja: "課題#\(number)にコメント\(id)はありません")
    }
    static let accountInactive = Reason("the account is inactive; activate it first", ja: "アカウントが停止しています。先に有効にしてください")
    static let mustBeInTheFuture = Reason("must be in the future", ja: "未来の日時にしてください")
    static let meetingNumberRange = Reason("a meeting number is 1 to 100000", ja: "開催回は1〜100000です")
    static let allottedMinutesRange = Reason("1 to 480 minutes", ja: "1〜480分です")
    static let onlyMinistryObserversNameAMinistry = Reason(
        "only a ministry observer names a ministry", ja: "省庁名を持つのは省庁のオブザーバーだけです")
    static func cannotCreateAccounts(in organization: String) -> Reason {
        Reason("you may not create accounts in \(organization)", ja: "\(organization)にはアカウントを作れません")
    }
    static func setWhenTriaged(_ field: String) -> Reason {
        Reason("\(field) is set by the secretariat when it triages", ja: "\(field)は事務局が振り分けのときに設定します")
    }
}
