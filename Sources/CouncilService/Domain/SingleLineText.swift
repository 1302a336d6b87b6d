extension Problem {
    /// A name or title is one line of 1…`max` characters: no line break, tab or other control
    /// character, which would start a new heading or row wherever the text is printed.
    static func requireLine(_ field: String, _ text: String, max: Int) throws {
        if text.isEmpty || text.count > max { throw Problem.invalid(field, "give 1 to \(max) characters") }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            throw Problem.invalid(field, "must be one line: no line breaks, tabs or other control characters")
        }
    }
}
