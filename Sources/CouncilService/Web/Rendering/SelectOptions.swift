/// The `<option>`s of a `<select>`, built here rather than walked by the template: 課題一覧's
/// filters offer some 370 choices (every vendor and prefecture), and encoding and walking them as
/// template values was 9 % of the daemon's samples on that page. Every value and label is escaped
/// here, since the template inserts the markup as it is (`{{{…}}}`).
struct SelectOptions: Sendable, Encodable {
    let html: String

    /// One `<option>` per choice, in order; those whose value is in `selected` are selected.
    init(_ choices: [(value: String, label: String)], selected: [String]?) {
        var output: [UInt8] = []
        output.reserveCapacity(choices.count * 48)
        for (value, label) in choices {
            output.append(contentsOf: Self.open)
            HTMLEscaping.append(value, to: &output)
            output.append(contentsOf: selected?.contains(value) == true ? Self.selectedClose : Self.close)
            HTMLEscaping.append(label, to: &output)
            output.append(contentsOf: Self.end)
        }
        html = String(decoding: output, as: UTF8.self)
    }

    /// Every slug of a vocabulary by the word a person reads for it, in the vocabulary's order;
    /// with `keepingUnknown`, a selected value the vocabulary does not know (an older daemon's
    /// slug, a bookmarked address) is offered too, as it was asked for.
    init(_ vocabulary: Vocabulary, _ language: PageLanguage, selected: [String]?, keepingUnknown: Bool = false) {
        let slugs = vocabulary.slugs
        var choices = slugs.map { (value: $0, label: language.word(vocabulary, $0)) }
        if keepingUnknown {
            choices += (selected ?? []).filter { !$0.isEmpty && !slugs.contains($0) }.map { (value: $0, label: $0) }
        }
        self.init(choices, selected: selected)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(html)
    }

    private static let open = Array("<option value=\"".utf8)
    private static let close = Array("\">".utf8)
    private static let selectedClose = Array("\" selected>".utf8)
    private static let end = Array("</option>".utf8)
}
