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
}
