/// A small, bounded pull scanner for the XML inside workbooks (SpreadsheetML): elements,
/// attributes, character data with the five predefined entities and character references,
/// CDATA, comments and processing instructions. A document type declaration is refused — no
/// spreadsheet writer emits one, and it is how entity expansion attacks begin — and nesting is
/// bounded, so a hostile file costs no more than its (already bounded) size.
///
/// Names are local (a prefix such as `x:` is dropped): writers differ in the prefixes they use.
struct XMLScanner {
    struct Malformed: Error, Sendable, CustomStringConvertible {
        let reason: String
        let offset: Int
        var description: String { "\(reason) (byte \(offset))" }
    }

    enum Event {
        case start(name: String, attributes: [(name: String, value: String)])
        case end(name: String)
        /// Character data between tags, entities decoded.
        case text(String)
    }

    static let maxDepth = 64

    /// Calls `handle` for every event of the document, in order.
    static func scan(_ bytes: [UInt8], _ handle: (Event) throws -> Void) throws {
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = Cursor(bytes: buffer)
            try scanner.run(handle)
        }
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func fail(_ reason: String) -> Malformed { Malformed(reason: reason, offset: index) }

        mutating func run(_ handle: (Event) throws -> Void) throws {
            let count = bytes.count
            var textStart = 0
            while index < count {
                guard bytes[index] == UInt8(ascii: "<") else {
                    textStart = index
                    while index < count, bytes[index] != UInt8(ascii: "<") { index += 1 }
                    if depth > 0 { try handle(.text(try decodeText(textStart..<index))) }
                    continue
                }
                guard index + 1 < count else { throw fail("a tag is cut off") }
                switch bytes[index + 1] {
                case UInt8(ascii: "?"):
                    try skip(past: Array("?>".utf8))
                case UInt8(ascii: "!"):
                    if matches("<!--") {
                        try skip(past: Array("-->".utf8))
                    } else if matches("<![CDATA[") {
                        index += 9
                        let start = index
                        try skip(past: Array("]]>".utf8))
                        if depth > 0 { try handle(.text(String(decoding: bytes[start..<(index - 3)], as: UTF8.self))) }
                    } else {
                        throw fail("a document type declaration is not allowed in a workbook")
                    }
                case UInt8(ascii: "/"):
                    index += 2
                    let name = readName()
                    skipSpace()
                    guard index < count, bytes[index] == UInt8(ascii: ">") else { throw fail("a closing tag is not closed") }
                    index += 1
                    guard depth > 0 else { throw fail("a closing tag without an opening one") }
                    depth -= 1
                    try handle(.end(name: name))
                default:
                    index += 1
                    let name = readName()
                    guard !name.isEmpty else { throw fail("a tag without a name") }
                    var attributes: [(name: String, value: String)] = []
                    while true {
                        skipSpace()
                        guard index < count else { throw fail("a tag is not closed") }
                        let byte = bytes[index]
                        if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") { break }
                        let attribute = readName()
                        guard !attribute.isEmpty else { throw fail("an attribute without a name") }
                        skipSpace()
                        guard index < count, bytes[index] == UInt8(ascii: "=") else { throw fail("an attribute without a value") }
                        index += 1
                        skipSpace()
                        guard index < count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                            throw fail("an attribute value without quotes")
                        }
                        let quote = bytes[index]
                        index += 1
                        let start = index
                        while index < count, bytes[index] != quote { index += 1 }
                        guard index < count else { throw fail("an attribute value is not closed") }
                        let value = try decodeText(start..<index)
                        index += 1
                        attributes.append((attribute, value))
                    }
                    let selfClosing = bytes[index] == UInt8(ascii: "/")
                    index += selfClosing ? 1 : 0
                    guard index < count, bytes[index] == UInt8(ascii: ">") else { throw fail("a tag is not closed") }
                    index += 1
                    depth += 1
                    guard depth <= XMLScanner.maxDepth else { throw fail("elements nest deeper than \(XMLScanner.maxDepth)") }
                    try handle(.start(name: name, attributes: attributes))
                    if selfClosing {
                        depth -= 1
                        try handle(.end(name: name))
                    }
                }
            }
            guard depth == 0 else { throw fail("the document ends inside an element") }
        }

        func matches(_ literal: StaticString) -> Bool {
            let length = literal.utf8CodeUnitCount
            guard index + length <= bytes.count else { return false }
            for offset in 0..<length where bytes[index + offset] != literal.utf8Start[offset] { return false }
            return true
        }

        mutating func skip(past terminator: [UInt8]) throws {
            let count = bytes.count
            while index + terminator.count <= count {
                if bytes[index] == terminator[0], bytes[index..<(index + terminator.count)].elementsEqual(terminator) {
                    index += terminator.count
                    return
                }
                index += 1
            }
            throw fail("a comment, CDATA section or declaration is not closed")
        }

        mutating func skipSpace() {
            while index < bytes.count {
                let byte = bytes[index]
                guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return }
                index += 1
            }
        }

        /// A name up to white space, `=`, `/` or `>`; its prefix (up to `:`) dropped.
        mutating func readName() -> String {
            var start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "/")
                    || byte == UInt8(ascii: ">")
                {
                    break
                }
                if byte == UInt8(ascii: ":") { start = index + 1 }
                index += 1
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// Text with `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and `&#…;` decoded; anything else refused.
        func decodeText(_ range: Range<Int>) throws -> String {
            guard bytes[range].contains(UInt8(ascii: "&")) else { return String(decoding: bytes[range], as: UTF8.self) }
            var out: [UInt8] = []
            out.reserveCapacity(range.count)
            var position = range.lowerBound
            while position < range.upperBound {
                let byte = bytes[position]
                guard byte == UInt8(ascii: "&") else {
                    out.append(byte)
                    position += 1
                    continue
                }
                guard let semicolon = bytes[position..<min(range.upperBound, position + 12)].firstIndex(of: UInt8(ascii: ";")) else {
                    throw Malformed(reason: "an '&' that starts no entity", offset: position)
                }
                let entity = String(decoding: bytes[(position + 1)..<semicolon], as: UTF8.self)
                switch entity {
                case "lt": out.append(UInt8(ascii: "<"))
                case "gt": out.append(UInt8(ascii: ">"))
                case "amp": out.append(UInt8(ascii: "&"))
                case "quot": out.append(UInt8(ascii: "\""))
                case "apos": out.append(UInt8(ascii: "'"))
                default:
                    let number: UInt32? =
                        entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                    guard let number, let scalar = Unicode.Scalar(number), number != 0 else {
                        throw Malformed(reason: "an unknown entity &\(entity);", offset: position)
                    }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
                position = semicolon + 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
