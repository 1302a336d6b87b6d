/// Formula injection (OWASP "CSV injection"): Excel and LibreOffice run a cell that begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return as a formula (`=HYPERLINK(...)`). Exports write
/// such text behind a `'`, which both show as text and hide; imports take that `'` off again, so
/// what an export wrote imports unchanged.
enum SpreadsheetCell {
    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// Whether a cell written as it is would start a formula: it begins with a formula
    /// character, or with `'`s before one (so that text which already looks escaped survives
    /// the round trip: `'=x` is written `''=x` and read back `'=x`).
    private static func needsQuote(_ text: Substring.UnicodeScalarView) -> Bool {
        guard let first = text.first(where: { $0 != "'" }) else { return false }
        return formulaStarts.contains(first)
    }

    /// The text as an export writes it.
    static func neutralized(_ text: String) -> String {
        needsQuote(text[...].unicodeScalars) ? "'" + text : text
    }

    /// The text an import reads from a cell an export (or a careful person) wrote.
    static func restored(_ text: String) -> String {
        guard text.unicodeScalars.first == "'", needsQuote(text.unicodeScalars.dropFirst()[...]) else { return text }
        return String(text.unicodeScalars.dropFirst())
    }
}
