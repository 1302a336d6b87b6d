import Foundation

/// The encodings accepted for uploaded CSV files.
package enum CSVTextEncoding: String, Sendable, CaseIterable {
    /// UTF-8 (BOM optional) when the bytes are valid UTF-8, CP932 otherwise.
    case auto
    case utf8
    /// Shift_JIS as Windows writes it, with the NEC and IBM extensions (①, 髙).
    case cp932

    package struct Undecodable: Error, Sendable, CustomStringConvertible {
        package let description: String
    }

    /// Decodes `data`, returning the text and the encoding actually used.
    package func decode(_ data: Data) throws(Undecodable) -> (text: String, encoding: CSVTextEncoding) {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let hasBOM = data.starts(with: bom)
        switch self {
        case .utf8:
            guard let text = Self.utf8(data, hasBOM: hasBOM) else {
                throw Undecodable(description: "the file is not valid UTF-8 (line \(Self.firstInvalidUTF8Line(data)))")
            }
            return (text, .utf8)
        case .cp932:
            guard let text = String(data: data, encoding: .shiftJIS) else {
                throw Undecodable(description: "the file is not valid CP932 (Shift_JIS)")
            }
            return (text, .cp932)
        case .auto:
            if let text = Self.utf8(data, hasBOM: hasBOM) { return (text, .utf8) }
            if !hasBOM, let text = String(data: data, encoding: .shiftJIS) { return (text, .cp932) }
            throw Undecodable(description: "the file is neither UTF-8 nor CP932 (Shift_JIS)")
        }
    }

    private static func utf8(_ data: Data, hasBOM: Bool) -> String? {
        let body = hasBOM ? data.dropFirst(3) : data[...]
        return String(validating: body, as: UTF8.self)
    }

    private static func firstInvalidUTF8Line(_ data: Data) -> Int {
        var line = 1
        var start = data.startIndex
        for index in data.indices where data[index] == 0x0A {
            if String(validating: data[start..<index], as: UTF8.self) == nil { return line }
            line += 1
            start = index + 1
        }
        return line
    }
}
