extension Problem {
    /// A name or title is one line of 1…`max` characters: no line break, tab or other control
    /// character, which would start a new heading or row wherever the text is printed.
    static func requireLine(_ field: String, _ text: String, max: Int) throws {
        if text.isEmpty || text.count > max { throw Problem.invalid(field, Reason("give 1 to \(max) characters", ja: "1〜\(max)文字で書いてください")) }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            throw Problem.invalid(
                field, Reason("must be one line: no line breaks, tabs or other control characters", ja: "1行で書いてください（改行・タブ・制御文字は使えません）"))
        }
    }
}
