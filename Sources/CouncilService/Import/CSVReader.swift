struct CSVSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    let line: Int
    let reason: Reason
    var description: String { "line \(line): \(reason.en)" }
}

/// RFC 4180 CSV as Excel writes it: comma-separated, CRLF or LF, fields in double quotes may
/// hold commas, doubled quotes and line breaks (MIC's headers have them). Works on UTF-8 bytes:
/// every delimiter is ASCII, so multi-byte characters pass through untouched.
enum CSVReader {
    private static let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

    static func records(in text: String) throws(CSVSyntaxError) -> [SheetRecord] {
        let bytes = Array(text.utf8)
        var records: [SheetRecord] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var fieldWasQuoted = false
        var index = 0
        let count = bytes.count

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            // A line with nothing on it is not a record.
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) {
                records.append(SheetRecord(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }

        while index < count {
            let byte = bytes[index]
            switch byte {
            case quote:
                guard field.isEmpty, !fieldWasQuoted else {
                    throw CSVSyntaxError(line: line, reason: SheetReason.csvStrayQuote)
                }
                fieldWasQuoted = true
                index += 1
                var closed = false
                while index < count {
                    let inner = bytes[index]
                    if inner == quote {
                        if index + 1 < count, bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        closed = true
                        index += 1
                        break
                    }
                    if inner == cr {
                        // CRLF (or a lone CR) inside a field is one line break.
                        field.append(lf)
                        line += 1
                        index += (index + 1 < count && bytes[index + 1] == lf) ? 2 : 1
                        continue
                    }
                    if inner == lf { line += 1 }
                    field.append(inner)
                    index += 1
                }
                guard closed else {
                    throw CSVSyntaxError(line: recordLine, reason: SheetReason.csvUnclosedQuote)
                }
                if index < count, bytes[index] != comma, bytes[index] != cr, bytes[index] != lf {
                    throw CSVSyntaxError(line: line, reason: SheetReason.csvTextAfterQuote)
                }
            case comma:
                endField()
                fieldWasQuoted = false
                index += 1
            case cr, lf:
                endRecord()
                index += (byte == cr && index + 1 < count && bytes[index + 1] == lf) ? 2 : 1
                line += 1
                recordLine = line
            default:
                if fieldWasQuoted {
                    throw CSVSyntaxError(line: line, reason: SheetReason.csvTextAfterQuote)
                }
                field.append(byte)
                index += 1
            }
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }
}
