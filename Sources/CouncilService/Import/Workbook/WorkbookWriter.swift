import Foundation
import ZIPFoundation

/// Writes an export as an .xlsx workbook Excel opens without complaint: one sheet, the header
/// row bold, frozen and filtered, columns as wide as their Japanese text, dates as real dates
/// (`yyyy/m/d`, months `yyyy年m月`, times in Japan time), codes as text so leading zeros stay,
/// numbers as numbers, and drop-down lists where the table offers choices. Text goes in inline
/// strings, which no spreadsheet evaluates: a cell starting with `=` is text, not a formula.
enum WorkbookWriter {
    /// Style indexes in `styles`.
    private enum Style: Int {
        case plain = 0, header, date, month, time, code, wrapped
    }

    static func encode(_ table: ExportTable) throws -> Data {
        let parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", packageRelations),
            ("xl/workbook.xml", workbook(table)),
            ("xl/_rels/workbook.xml.rels", workbookRelations),
            ("xl/styles.xml", styles),
            ("xl/worksheets/sheet1.xml", sheet(table)),
        ]
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in parts {
            let bytes = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate,
                provider: { position, size in bytes.subdata(in: Int(position)..<(Int(position) + size)) })
        }
        return archive.data ?? Data()
    }

    // MARK: - The sheet

    private static func sheet(_ table: ExportTable) -> String {
        let lastColumn = columnName(max(table.header.count, 1) - 1)
        let lastRow = table.rows.count + 1
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <dimension ref="A1:\(lastColumn)\(lastRow)"/>\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
            <selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>\
            <sheetFormatPr defaultRowHeight="18"/><cols>
            """
        for (index, width) in widths(table).enumerated() {
            xml += #"<col min="\#(index + 1)" max="\#(index + 1)" width="\#(width)" customWidth="1"/>"#
        }
        xml += "</cols><sheetData>"
        xml += row(1, table.header.map(SheetCell.text), header: true)
        for (index, cells) in table.rows.enumerated() { xml += row(index + 2, cells, header: false) }
        xml += #"</sheetData><autoFilter ref="A1:\#(lastColumn)\#(lastRow)"/>"#
        // A list given inline holds at most 255 characters, and a comma separates its labels: a
        // longer list (a secretariat's every product) gets no drop-down rather than a broken one.
        let choices = table.choices.filter {
            !$0.value.isEmpty && $0.value.joined(separator: ",").count <= 253 && !$0.value.contains { $0.contains(",") }
        }
        if !choices.isEmpty {
            xml += #"<dataValidations count="\#(choices.count)">"#
            for (column, labels) in choices.sorted(by: { $0.key < $1.key }) {
                let name = columnName(column)
                let list = escape(labels.joined(separator: ",").replacingOccurrences(of: "\"", with: "\"\""))
                xml +=
                    #"<dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="\#(name)2:\#(name)10000">"#
                    + "<formula1>\"\(list)\"</formula1></dataValidation>"
            }
            xml += "</dataValidations>"
        }
        xml += #"<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>"#
        return xml
    }

    private static func row(_ number: Int, _ cells: [SheetCell], header: Bool) -> String {
        var xml = #"<row r="\#(number)">"#
        for (index, cell) in cells.enumerated() {
            let reference = columnName(index) + String(number)
            switch cell {
            case .empty:
                continue
            case .text(let text):
                let style: Style = header ? .header : text.contains("\n") ? .wrapped : .plain
                xml += inline(reference, text, style)
            case .code(let text):
                xml += inline(reference, text, .code)
            case .number(let number):
                xml += #"<c r="\#(reference)"><v>\#(number)</v></c>"#
            case .date(let date):
                xml += numeric(reference, serial(date.rawValue), .date)
            case .month(let month):
                xml += numeric(reference, serial(month.rawValue + "-01"), .month)
            case .time(let time):
                let seconds = time.timeIntervalSince1970 + Double(SheetCell.japanTime.secondsFromGMT(for: time))
                // Days since 1970 in Japan time, plus 1970-01-01's serial.
                let days = seconds / 86_400 + 25_569
                xml += numeric(reference, String(format: "%.8f", days), .time)
            }
        }
        return xml + "</row>"
    }

    private static func inline(_ reference: String, _ text: String, _ style: Style) -> String {
        let space = text.first?.isWhitespace == true || text.last?.isWhitespace == true ? #" xml:space="preserve""# : ""
        return #"<c r="\#(reference)" s="\#(style.rawValue)" t="inlineStr"><is><t\#(space)>\#(escape(text))</t></is></c>"#
    }

    private static func numeric(_ reference: String, _ value: String, _ style: Style) -> String {
        #"<c r="\#(reference)" s="\#(style.rawValue)"><v>\#(value)</v></c>"#
    }

    private static func serial(_ iso: String) -> String {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        return String(ExcelSerialDate.serial(year: parts[0], month: parts[1], day: parts[2]))
    }

    /// Column widths in Excel's units (about one half-width character): the widest of the header
    /// and the first thousand rows, a full-width character counting two, within 8…60.
    private static func widths(_ table: ExportTable) -> [Int] {
        var widths = table.header.map { displayWidth($0) + 4 }  // the filter button
        for cells in table.rows.prefix(1_000) {
            for (index, cell) in cells.enumerated() where index < widths.count {
                let width: Int
                switch cell {
                case .date: width = 10
                case .month: width = 10
                case .time: width = 16
                default: width = cell.csvText.split(separator: "\n").map { displayWidth(String($0)) }.max() ?? 0
                }
                widths[index] = max(widths[index], width + 2)
            }
        }
        return widths.map { min(max($0, 8), 60) }
    }

    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            let value = scalar.value
            let wide = value >= 0x1100 && !(0xFF61...0xFF9F).contains(value) && !(0x2000...0x206F).contains(value)
            return width + (wide ? 2 : 1)
        }
    }

    /// `0` → `A`, `26` → `AA`.
    static func columnName(_ index: Int) -> String {
        var index = index + 1
        var name = ""
        while index > 0 {
            let remainder = (index - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            index = (index - 1) / 26
        }
        return name
    }

    /// XML text: `& < >` and quotes escaped; characters XML 1.0 cannot carry (and a literal
    /// `_xHHHH_`, which Excel would decode) written as Excel's `_xHHHH_` escapes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case "_" where ExcelEscape.startsEscape(scalars, at: index): out += "_x005F_"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "_x" + String(format: "%04X", scalar.value) + "_"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    // MARK: - The fixed parts

    private static func workbook(_ table: ExportTable) -> String {
        let name = escape(String(sheetName(table.sheetName)))
        let lastColumn = columnName(max(table.header.count, 1) - 1)
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets><sheet name="\(name)" sheetId="1" r:id="rId1"/></sheets>\
            <definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">\
            '\(name.replacingOccurrences(of: "'", with: "''"))'!$A$1:$\(lastColumn)$\(table.rows.count + 1)</definedName></definedNames>\
            </workbook>
            """
    }

    /// A sheet name Excel accepts: at most 31 characters, none of `: \ / ? * [ ]`.
    static func sheetName(_ name: String) -> Substring {
        let cleaned = String(name.map { ":\\/?*[]".contains($0) ? "_" : $0 })
        return (cleaned.isEmpty ? "Sheet1" : cleaned).prefix(31)
    }

    private static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        </Types>
        """

    private static let packageRelations = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """

    private static let workbookRelations = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        </Relationships>
        """

    /// The styles `Style` names, in its order.
    private static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy/m/d"/>\
        <numFmt numFmtId="165" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/><numFmt numFmtId="166" formatCode="yyyy/m/d h:mm"/></numFmts>\
        <fonts count="2"><font><sz val="11"/><name val="游ゴシック"/><family val="3"/><charset val="128"/></font>\
        <font><b/><sz val="11"/><name val="游ゴシック"/><family val="3"/><charset val="128"/></font></fonts>\
        <fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
        <fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">\
        <alignment vertical="center" wrapText="1"/></xf>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
        </cellXfs><cellStyles count="1"><cellStyle name="標準" xfId="0" builtinId="0"/></cellStyles></styleSheet>
        """
}

/// Excel's `_xHHHH_` escapes in cell text, shared by the writer and the reader.
enum ExcelEscape {
    /// Whether `_xHHHH_` (four hex digits) starts at `index`.
    static func startsEscape(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + 6 < scalars.count, scalars[index] == "_", scalars[index + 1] == "x", scalars[index + 6] == "_" else { return false }
        return scalars[(index + 2)...(index + 5)].allSatisfy { $0.properties.isASCIIHexDigit }
    }

    /// `_x000B_` → the character; `_x005F_` → `_`.
    static func decode(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if startsEscape(scalars, at: index), let value = UInt32(String(String.UnicodeScalarView(scalars[(index + 2)...(index + 5)])), radix: 16),
                let scalar = Unicode.Scalar(value)
            {
                out.append(scalar)
                index += 7
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return String(out)
    }
}
