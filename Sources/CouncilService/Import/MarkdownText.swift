/// User text placed into Markdown (the meeting handout): whatever it holds, it stays text. Every
/// ASCII punctuation character is backslash-escaped (CommonMark allows that for all of them), so
/// no heading, list, table column, link, emphasis, HTML tag or entity can start inside it.
enum MarkdownText {
    /// One line (a heading, a table cell, a list item): line breaks and other control
    /// characters become spaces.
    static func inline(_ text: String) -> String {
        var out = ""
        var scalars = text.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            if scalar == "\r", scalars.first == "\n" { continue }  // CR LF: one space, at the LF
            out += escaped(isControl(scalar) ? " " : scalar)
        }
        return out
    }

    /// Several lines kept as lines (minutes, decisions): each escaped; a line break is a hard
    /// break, and a blank line separates paragraphs. Leading spaces cannot make a code block.
    static func block(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(omittingEmptySubsequences: false) {
            $0 == "\n" || $0 == "\r" || $0 == "\u{2028}" || $0 == "\u{2029}"
        }
        var paragraphs: [[String]] = [[]]
        for line in lines {
            let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\u{3000}" }
            if trimmed.isEmpty {
                if !(paragraphs.last?.isEmpty ?? true) { paragraphs.append([]) }
            } else {
                paragraphs[paragraphs.count - 1].append(inline(String(trimmed)))
            }
        }
        return paragraphs.filter { !$0.isEmpty }.map { $0.joined(separator: "\\\n") }.joined(separator: "\n\n")
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        scalar.isASCII && scalar.properties.generalCategory.isPunctuationOrSymbol ? "\\" + String(scalar) : String(scalar)
    }
}

private extension Unicode.GeneralCategory {
    var isPunctuationOrSymbol: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
            .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            true
        default: false
        }
    }
}
