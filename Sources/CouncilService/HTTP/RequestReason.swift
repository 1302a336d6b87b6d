import Hummingbird

/// What the API says about a request it cannot read — its query, its body's shape, its fields'
/// types — in English and Japanese, in one place (a reader asking with `Accept-Language: ja`,
/// the pages and the CLI under a Japanese locale get the Japanese).
enum RequestReason {
    static func unknownParameter(known: [String]) -> Reason {
        let list = known.sorted().joined(separator: ", ")
        return Reason("unknown query parameter; known: \(list)", ja: "知らないパラメータです（使えるもの：\(list)）")
    }

    static func unknownField(accepted: [String]) -> Reason {
        let list = accepted.sorted().joined(separator: ", ")
        return Reason("unknown field; accepted: \(list)", ja: "知らないフィールドです（使えるもの：\(list)）")
    }

    static let notUTF8AfterDecoding = Reason(
        "not valid UTF-8 text after percent-decoding", ja: "パーセントエンコードを戻すとUTF-8の文字列になりません")

    static func notOneOf(_ text: some StringProtocol, _ values: [String]) -> Reason {
        SheetReason.notOneOf(String(text), values)
    }

    static func givenTimes(_ count: Int) -> Reason {
        Reason("given \(count) times; give it once", ja: "\(count)回指定されています。1回だけ指定してください")
    }

    static func notAWholeNumber(_ text: String, _ range: ClosedRange<Int>) -> Reason {
        Reason(
            "'\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)",
            ja: "「\(text)」は\(range.lowerBound)から\(range.upperBound)までの整数ではありません")
    }

    static func notABoolean(_ text: String) -> Reason {
        Reason("'\(text)' is not true or false", ja: "「\(text)」は true か false ではありません")
    }

    static func notAnID(_ text: String) -> Reason {
        Reason("'\(text)' is not an id", ja: "「\(text)」はIDではありません")
    }

    static let sendJSON = Reason("send the body as application/json", ja: "本文は application/json で送ってください")
    static let notJSON = Reason("not valid JSON", ja: "JSONとして読めません")
    static let notAJSONObject = Reason("expected a JSON object", ja: "JSONのオブジェクトを送ってください")
    static let nullNotAllowed = Reason(
        "must not be null; leave the field out instead", ja: "nullにはできません。指定しないときはフィールドごと省いてください")
    static let mustNotBeNull = Reason("must not be null", ja: "nullにはできません")
    static let required = Reason("is required", ja: "必須です")
    static let unreadable = Reason("could not be read", ja: "読めません")

    static func nestedDeeper(than levels: Int) -> Reason {
        Reason("JSON nested deeper than \(levels) levels", ja: "JSONの入れ子が\(levels)段より深くなっています")
    }

    /// A JSON value of the wrong type.
    static func expected(_ type: Any.Type) -> Reason {
        switch type {
        case is String.Type: Reason("expected a string", ja: "文字列で指定してください")
        case is Int.Type, is Int64.Type: Reason("expected a whole number", ja: "整数で指定してください")
        case is Bool.Type: Reason("expected true or false", ja: "true か false で指定してください")
        case is Double.Type: Reason("expected a number", ja: "数値で指定してください")
        case is [Any].Type: Reason("expected a list", ja: "配列で指定してください")
        default: Reason("expected a \(type)", ja: "\(type)の形で指定してください")
        }
    }

    static func bodyLimited(to limit: Int) -> Reason {
        Reason("the body is limited to \(limit >> 20) MiB", ja: "本文は\(limit >> 20) MiBまでです")
    }

    /// The Japanese title of a plain HTTP status (the problems outside the catalogue: 405, and
    /// what Hummingbird itself refuses).
    static func statusTitle(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "不正なリクエスト"
        case 404: "見つかりません"
        case 405: "使えないメソッド"
        case 408: "リクエストの時間切れ"
        case 411: "長さの指定がありません"
        case 413: "大きすぎます"
        case 414: "URLが長すぎます"
        case 415: "受け付けない形式"
        case 417: "Expectに応えられません"
        case 429: "リクエストが多すぎます"
        case 431: "ヘッダーが大きすぎます"
        case 500..<600: "サーバーのエラー"
        default: "受け付けられないリクエスト"
        }
    }

    /// What Hummingbird's own refusal (an `HTTPError`: a body over its limit, a request it could
    /// not read) says, in Japanese by its status; its English words are kept as they are.
    static func refusedByServer(_ status: HTTPResponse.Status, _ english: String?) -> Reason {
        let ja =
            switch status.code {
            case 400: "リクエストを読み取れませんでした"
            case 404: "そのリソースはありません"
            case 408: "リクエストが時間内に届きませんでした"
            case 411: "本文の長さ（Content-Length）を指定してください"
            case 413: "リクエストの本文が大きすぎます"
            case 414: "URLが長すぎます。条件を減らしてください"
            case 415: "この形式（Content-Type）の本文は受け付けていません"
            case 417: "Expectヘッダーの求めには応えられません"
            case 429: "リクエストが多すぎます。しばらく待ってから送り直してください"
            case 431: "リクエストのヘッダーが大きすぎます"
            case 500..<600: "サーバーが応答できませんでした（\(status.code)）"
            default: "リクエストは受け付けられませんでした（\(status.code)）"
            }
        return Reason(english ?? status.reasonPhrase, ja: ja)
    }
}
