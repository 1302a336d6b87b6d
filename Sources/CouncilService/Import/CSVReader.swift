/// One CSV record and the physical line it starts on (what a person sees in an editor).
public struct CSVRecord: Sendable, Equatable {
    public let line: Int
    public let fields: [String]
}

public struct CSVSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let reason: String
    public var description: String { "line \(line): \(reason)" }
}

/// RFC 4180 CSV as Excel writes it: comma-separated, CRLF or LF, fields in double quotes may
/// hold commas, doubled quotes and line breaks (MIC's headers have them).
public enum CSVReader {
    public static func records(in text: String) throws(CSVSyntaxError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var fieldWasQuoted = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endRecord() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            // A line with nothing on it is not a record.
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) {
                records.append(CSVRecord(line: recordLine, fields: fields))
            }
            fields = []
            fieldWasQuoted = false
        }

        while let scalar = pending ?? scalars.next() {
            pending = nil
            if inQuotes {
                switch scalar {
                case "\"":
                    let next = scalars.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        inQuotes = false
                        pending = next
                    }
                case "\r":
                    let next = scalars.next()
                    if next != "\n" { pending = next }
                    field.append("\n")
                    line += 1
                case "\n":
                    field.append("\n")
                    line += 1
                default:
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard field.isEmpty, !fieldWasQuoted else {
                    throw CSVSyntaxError(line: line, reason: "a double quote inside an unquoted field")
                }
                inQuotes = true
                fieldWasQuoted = true
            case ",":
                fields.append(String(field))
                field = String.UnicodeScalarView()
                fieldWasQuoted = false
            case "\r", "\n":
                if scalar == "\r" {
                    let next = scalars.next()
                    if next != "\n" { pending = next }
                }
                endRecord()
                line += 1
                recordLine = line
            default:
                if fieldWasQuoted {
                    throw CSVSyntaxError(line: line, reason: "text after a closing double quote")
                }
                field.append(scalar)
            }
        }
        if inQuotes {
            throw CSVSyntaxError(line: recordLine, reason: "a quoted field is not closed before the end of the file")
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }
}
