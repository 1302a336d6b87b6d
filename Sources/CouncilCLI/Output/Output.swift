import ArgumentParser
import CouncilService
import Foundation

/// How a command prints what the daemon answered: an aligned table (the default), the JSON
/// itself, or CSV for spreadsheets.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print the daemon's JSON answer unchanged.") var json = false
    @Flag(help: "Print CSV (Excel-readable: UTF-8 with BOM, or --encoding cp932).") var csv = false
    @Option(help: "Encoding of --csv: utf8 or cp932.") var encoding: CSVTextEncoding = .utf8

    func validate() throws {
        if json && csv { throw ValidationError(words("give --json or --csv, not both", ja: "--json か --csv のどちらか一方を指定してください")) }
    }

    /// Whether the output is the table for people (so headings and footers may be printed).
    var isTable: Bool { !json && !csv }

    /// Prints a list: `rows` are the answer's items, shown through `columns`.
    func list(_ answer: APIClient.Answer, rows: [[String: Any]], columns: [Column], footer: String? = nil) throws {
        if json { return printJSON(answer.data) }
        if csv {
            let data: Data
            do {
                data = try CSVWriter.encode(
                    header: columns.map(\.header), rows: rows.map { row in columns.map { $0.value(row) } }, encoding: encoding)
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            FileHandle.standardOutput.write(data)
            return
        }
        print(Table(columns: columns, rows: rows).render(), terminator: "")
        if let footer { print(footer) }
    }

    /// Prints the `items` of a list answer.
    func items(_ answer: APIClient.Answer, columns: [Column], footer: String? = nil) throws {
        try list(answer, rows: answer.object["items"] as? [[String: Any]] ?? [], columns: columns, footer: footer)
    }

    /// Prints one object as aligned "label  value" lines.
    func detail(_ answer: APIClient.Answer, _ fields: [(String, String)]) {
        if json || csv { return printJSON(answer.data) }
        let width = fields.map { DisplayWidth.of($0.0) }.max() ?? 0
        for (label, value) in fields {
            let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
            print(DisplayWidth.pad(label, to: width) + "  " + (lines.first.map(String.init) ?? ""))
            for line in lines.dropFirst() { print(String(repeating: " ", count: width + 2) + line) }
        }
    }

    private func printJSON(_ data: Data) {
        if let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let pretty = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        {
            FileHandle.standardOutput.write(pretty + Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}

extension CSVTextEncoding: ExpressibleByArgument {}

/// A column of a table: its header and how to read its cell from a JSON object.
struct Column {
    let header: String
    let right: Bool
    let value: ([String: Any]) -> String

    init(_ header: String, right: Bool = false, _ value: @escaping ([String: Any]) -> String) {
        self.header = header
        self.right = right
        self.value = value
    }

    /// A field by dotted path (`vendor.name`); arrays are joined with commas.
    init(_ header: String, _ path: String, right: Bool = false) {
        self.init(header, right: right) { JSONPath.text($0, path) }
    }

    /// A slug field shown by its Japanese word (`in_progress` → 移行中); a list word by word.
    init(_ header: String, _ path: String, _ vocabulary: Vocabulary) {
        self.init(header) { JSONPath.japanese($0, path, vocabulary) }
    }
}

enum JSONPath {
    /// A slug field by its Japanese word, a list of them word by word.
    static func japanese(_ object: Any?, _ path: String, _ vocabulary: Vocabulary) -> String {
        switch value(object, path) {
        case let list as [Any]: list.map { vocabulary.japanese("\($0)") }.joined(separator: ", ")
        case let slug as String: vocabulary.japanese(slug)
        default: text(object, path)
        }
    }

    static func value(_ object: Any?, _ path: String) -> Any? {
        var current = object
        for key in path.split(separator: ".") {
            current = (current as? [String: Any])?[String(key)]
        }
        return current
    }

    static func text(_ object: Any?, _ path: String) -> String {
        describe(value(object, path))
    }

    static func describe(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return ""
        case let string as String: return string
        // JSON true/false arrive as NSNumber too; only a boolean one has the type code "c".
        case let number as NSNumber where String(cString: number.objCType) == "c": return number.boolValue ? "yes" : "no"
        case let number as NSNumber: return number.stringValue
        case let bool as Bool: return bool ? "yes" : "no"
        case let array as [Any]: return array.map { describe($0) }.joined(separator: ", ")
        case let object as [String: Any]: return describe(object["name"] ?? object["title"] ?? object["id"])
        default: return "\(value!)"
        }
    }
}

/// Columns aligned by display width, so Japanese names line up.
struct Table {
    let columns: [Column]
    let rows: [[String: Any]]

    func render() -> String {
        let cells = rows.map { row in columns.map { $0.value(row).replacingOccurrences(of: "\n", with: " ") } }
        let widths = columns.indices.map { index in
            ([DisplayWidth.of(columns[index].header)] + cells.map { DisplayWidth.of($0[index]) }).max() ?? 0
        }
        func line(_ values: [String]) -> String {
            values.indices.map { index in
                let last = index == values.count - 1
                if last && !columns[index].right { return values[index] }
                return DisplayWidth.pad(values[index], to: widths[index], right: columns[index].right)
            }.joined(separator: "  ") + "\n"
        }
        var text = line(columns.map(\.header))
        text += line(widths.map { String(repeating: "-", count: $0) })
        for row in cells { text += line(row) }
        return text
    }
}
