import Foundation

/// Reads the sheets of an .xlsx workbook as Excel and LibreOffice write them: shared and inline
/// strings (rich text runs joined, phonetic guides left out), numbers, booleans, formula results,
/// dates by their number format (serials in the 1900 or 1904 system, or ISO text), percentages,
/// empty rows and cells, and merged cells (the value fills the merged range, so a header merged
/// over two rows names both). Cells beyond column `maxColumns` are not read.
struct WorkbookReader {
    struct Sheet: Sendable {
        let name: String
        /// Rows with at least one value; `line` is the row number Excel shows.
        let records: [SheetRecord]
    }

    static let maxColumns = 256

    struct Limits: Sendable {
        var archive = WorkbookArchive.Limits()
        /// A 34,592-row sheet of eleven columns has fewer than 400,000 cells.
        var maxSharedStrings = 1_000_000
    }
    /// Merged ranges beyond these are not filled (a sheet of people's data has a few dozen).
    static let maxMerges = 10_000

    private var archive: WorkbookArchive
    private var sharedStrings: [String] = []
    private var formats: [ExcelNumberFormat] = []
    private var date1904 = false
    private let limits: Limits
    /// Sheet names and their parts, in the workbook's order.
    private(set) var sheets: [(name: String, path: String)] = []

    init(_ data: Data, limits: Limits = Limits()) throws(WorkbookError) {
        self.limits = limits
        archive = try WorkbookArchive(data, limits: limits.archive)
        try readWorkbook()
        try readSharedStrings()
        try readStyles()
    }

    /// Every sheet, in order.
    mutating func readAll() throws(WorkbookError) -> [Sheet] {
        var result: [Sheet] = []
        for (name, path) in sheets { result.append(Sheet(name: name, records: try records(path))) }
        return result
    }

    private static func scan(_ bytes: [UInt8], part: String, _ handle: (XMLScanner.Event) throws -> Void) throws(WorkbookError) {
        do {
            try XMLScanner.scan(bytes, handle)
        } catch let error as WorkbookError {
            throw error
        } catch {
            throw WorkbookError("the workbook's part \(part) is not well-formed XML: \(error)")
        }
    }

    private static func attribute(_ attributes: [(name: String, value: String)], _ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    private mutating func readWorkbook() throws(WorkbookError) {
        guard let workbook = try archive.part("xl/workbook.xml") else {
            throw WorkbookError("the file is a ZIP archive but not an .xlsx workbook (it has no xl/workbook.xml)")
        }
        var declared: [(name: String, id: String)] = []
        var date1904 = false
        try Self.scan(workbook, part: "xl/workbook.xml") { event in
            guard case .start(let name, let attributes) = event else { return }
            if name == "sheet", let sheet = Self.attribute(attributes, "name"), let id = Self.attribute(attributes, "id") {
                declared.append((sheet, id))
            } else if name == "workbookPr", let flag = Self.attribute(attributes, "date1904") {
                date1904 = flag == "1" || flag == "true"
            }
        }
        self.date1904 = date1904
        var targets: [String: String] = [:]
        if let relations = try archive.part("xl/_rels/workbook.xml.rels") {
            try Self.scan(relations, part: "xl/_rels/workbook.xml.rels") { event in
                guard case .start("Relationship", let attributes) = event, let id = Self.attribute(attributes, "Id"),
                    let target = Self.attribute(attributes, "Target")
                else { return }
                targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            }
        }
        sheets = declared.compactMap { sheet in targets[sheet.id].map { (sheet.name, $0) } }
        guard !sheets.isEmpty else { throw WorkbookError("the workbook has no worksheet") }
    }

    private mutating func readSharedStrings() throws(WorkbookError) {
        guard let bytes = try archive.part("xl/sharedStrings.xml") else { return }
        var strings: [String] = []
        var current = ""
        var inText = false, inPhonetic = false
        let maxSharedStrings = limits.maxSharedStrings
        try Self.scan(bytes, part: "xl/sharedStrings.xml") { event in
            switch event {
            case .start("si", _): current = ""
            case .start("rPh", _): inPhonetic = true
            case .end("rPh"): inPhonetic = false
            case .start("t", _): inText = !inPhonetic
            case .end("t"): inText = false
            case .text(let text) where inText: current += text
            case .end("si"):
                guard strings.count < maxSharedStrings else {
                    throw WorkbookError("the workbook has more than \(maxSharedStrings) shared strings")
                }
                strings.append(ExcelEscape.decode(current))
            default: break
            }
        }
        sharedStrings = strings
    }

    private mutating func readStyles() throws(WorkbookError) {
        guard let bytes = try archive.part("xl/styles.xml") else { return }
        var custom: [Int: ExcelNumberFormat] = [:]
        var formats: [ExcelNumberFormat] = []
        var inCellFormats = false
        try Self.scan(bytes, part: "xl/styles.xml") { event in
            switch event {
            case .start("numFmt", let attributes):
                if let id = Self.attribute(attributes, "numFmtId").flatMap(Int.init), let code = Self.attribute(attributes, "formatCode") {
                    custom[id] = ExcelNumberFormat.custom(code)
                }
            case .start("cellXfs", _): inCellFormats = true
            case .end("cellXfs"): inCellFormats = false
            case .start("xf", let attributes) where inCellFormats:
                let id = Self.attribute(attributes, "numFmtId").flatMap(Int.init) ?? 0
                formats.append(custom[id] ?? ExcelNumberFormat.builtIn(id))
            default: break
            }
        }
        self.formats = formats
    }

    /// One cell being read.
    private struct Cell {
        var column = 0
        var type = "n"
        var style = 0
        var value = ""
        var inline = ""
    }

    private mutating func records(_ path: String) throws(WorkbookError) -> [SheetRecord] {
        guard let bytes = try archive.part(path) else { throw WorkbookError("the workbook's sheet part \(path) is missing") }
        var rows: [Int: [Int: String]] = [:]
        var merges: [(rows: ClosedRange<Int>, columns: ClosedRange<Int>)] = []
        var row = 0, nextColumn = 0
        var cell = Cell()
        var inValue = false, inInlineText = false, inPhonetic = false
        let strings = sharedStrings, formats = formats, date1904 = date1904
        try Self.scan(bytes, part: path) { event in
            switch event {
            case .start("row", let attributes):
                row = Self.attribute(attributes, "r").flatMap(Int.init) ?? row + 1
                nextColumn = 0
            case .start("c", let attributes):
                cell = Cell()
                cell.column = Self.attribute(attributes, "r").flatMap { Self.reference($0)?.column } ?? nextColumn
                cell.type = Self.attribute(attributes, "t") ?? "n"
                cell.style = Self.attribute(attributes, "s").flatMap(Int.init) ?? 0
            case .start("v", _): inValue = true
            case .end("v"): inValue = false
            case .start("rPh", _): inPhonetic = true
            case .end("rPh"): inPhonetic = false
            case .start("t", _): inInlineText = !inPhonetic
            case .end("t"): inInlineText = false
            case .text(let text):
                if inValue { cell.value += text } else if inInlineText { cell.inline += text }
            case .end("c"):
                nextColumn = cell.column + 1
                guard cell.column < Self.maxColumns, row >= 1 else { return }
                let text = try Self.text(of: cell, strings: strings, formats: formats, date1904: date1904)
                if !text.isEmpty { rows[row, default: [:]][cell.column] = text }
            case .start("mergeCell", let attributes):
                let parts = (Self.attribute(attributes, "ref") ?? "").split(separator: ":")
                if parts.count == 2, let from = Self.reference(String(parts[0])), let to = Self.reference(String(parts[1])),
                    from.row <= to.row, from.column <= to.column
                {
                    merges.append((from.row...to.row, from.column...to.column))
                }
            default: break
            }
        }
        Self.fill(merges, in: &rows)
        return rows.keys.sorted().map { number in
            let cells = rows[number]!
            let width = (cells.keys.max() ?? -1) + 1
            return SheetRecord(line: number, fields: (0..<width).map { cells[$0] ?? "" })
        }
    }

    /// The value of a merged range fills its other cells — only over rows that have values, and
    /// columns that are read, so a merge over a whole sheet costs nothing.
    private static func fill(_ merges: [(rows: ClosedRange<Int>, columns: ClosedRange<Int>)], in rows: inout [Int: [Int: String]]) {
        for merge in merges.prefix(maxMerges) {
            guard let value = rows[merge.rows.lowerBound]?[merge.columns.lowerBound] else { continue }
            let columns = merge.columns.clamped(to: 0...(maxColumns - 1))
            let candidates = merge.rows.count <= rows.count ? Array(merge.rows) : rows.keys.filter(merge.rows.contains)
            for number in candidates where rows[number] != nil {
                for column in columns where rows[number]![column] == nil { rows[number]![column] = value }
            }
        }
    }

    private static func text(of cell: Cell, strings: [String], formats: [ExcelNumberFormat], date1904: Bool) throws(WorkbookError) -> String {
        switch cell.type {
        case "s":
            guard let index = Int(cell.value), strings.indices.contains(index) else {
                throw WorkbookError("a cell refers to shared string \(cell.value), which the workbook does not have")
            }
            return strings[index]
        case "inlineStr": return ExcelEscape.decode(cell.inline)
        case "str", "e": return cell.value
        case "b": return cell.value == "1" ? "TRUE" : "FALSE"
        case "d": return String(cell.value.prefix(10))
        default:
            guard !cell.value.isEmpty else { return "" }
            let format = formats.indices.contains(cell.style) ? formats[cell.style] : .number
            guard let number = Double(cell.value) else { return cell.value }
            switch format {
            case .date: return ExcelSerialDate.iso(number, date1904: date1904) ?? cell.value
            // 0.55 × 100 is 55.00000000000001 in binary; a percentage has no such digits.
            case .percent: return plain((number * 100 * 1e9).rounded() / 1e9) + "%"
            case .number: return plain(number)
            }
        }
    }

    /// `55` rather than `55.0`; other numbers in their shortest exact form.
    private static func plain(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int(number)) }
        return "\(number)"
    }

    /// `B12` → row 12, column 1 (0-based).
    static func reference(_ text: String) -> (row: Int, column: Int)? {
        var column = 0, row = 0, letters = 0, digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where digits == 0:
                column = column * 26 + Int(byte - UInt8(ascii: "A")) + 1
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9") where letters > 0:
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: "$"): continue
            default: return nil
            }
            if letters > 3 || digits > 7 { return nil }
        }
        guard letters > 0, digits > 0 else { return nil }
        return (row, column - 1)
    }
}
