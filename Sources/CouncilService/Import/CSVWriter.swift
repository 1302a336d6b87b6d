import Foundation

/// Writes CSV as Excel reads it: CRLF, every field quoted when needed, UTF-8 with a BOM (so
/// Excel recognizes it) or CP932. No cell starts a formula (`SpreadsheetCell`).
package enum CSVWriter {
    /// An export table, each cell as the imports read it back.
    static func encode(_ table: ExportTable, encoding: CSVTextEncoding) throws(CSVTextEncoding.Undecodable) -> Data {
        try encode(header: table.header, rows: table.rows.map { $0.map(\.csvText) }, encoding: encoding)
    }

    package static func encode(header: [String], rows: [[String]], encoding: CSVTextEncoding) throws(CSVTextEncoding.Undecodable) -> Data {
        var text = ""
        for record in [header] + rows {
            text += record.map { quote(SpreadsheetCell.neutralized($0)) }.joined(separator: ",") + "\r\n"
        }
        switch encoding {
        case .cp932:
            guard let data = text.data(using: .shiftJIS) else {
                throw CSVTextEncoding.Undecodable(description: "the data has characters that CP932 cannot represent; export as utf8")
            }
            return data
        case .utf8, .auto:
            return Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
        }
    }

    static func quote(_ field: String) -> String {
        // By scalar: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard
            field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                || field.hasPrefix(" ") || field.hasSuffix(" ")
        else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
