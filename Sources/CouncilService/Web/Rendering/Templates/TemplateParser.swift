/// Reads a `.mustache` file into `TemplateNode`s, with Mustache's rule for lines: a section,
/// inverted section, closing, comment, partial or block tag alone on its line (only spaces or tabs
/// around it) takes the whole line with it, so templates can be indented freely.
struct TemplateParser {
    struct SyntaxError: Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    private let bytes: [UInt8]
    private var index = 0

    static func parse(_ text: String) throws -> [TemplateNode] {
        var parser = TemplateParser(bytes: Array(text.utf8))
        return try parser.parseNodes(until: nil, atLineStart: true, scope: .body)
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Where the parser is: plain template text, directly inside `{{< parent}}` (only block
    /// definitions count there), or inside such a definition, whose lines lose the indentation of
    /// its first line (so an override reads the same however deep it is written).
    fileprivate enum Scope {
        case body
        case parent
        case definition(indent: Int?)

        /// A section or block inside an override keeps the override's indentation rule.
        var inSection: Self {
            switch self {
            case .parent: .body
            default: self
            }
        }
    }

    private static let open: [UInt8] = Array("{{".utf8)
    private static let close: [UInt8] = Array("}}".utf8)

    private mutating func parseNodes(until closing: String?, atLineStart: Bool, scope: Scope) throws -> [TemplateNode] {
        var nodes: [TemplateNode] = []
        var lineStart = atLineStart
        var scope = scope
        var leading: [UInt8] = []
        while index < bytes.count {
            if lineStart {
                let whitespace = readWhitespace()
                switch scope {
                case .definition(let indent?): leading = Array(whitespace.dropFirst(indent))
                case .definition(nil): scope = .definition(indent: whitespace.count)
                default: leading = whitespace
                }
            }
            let text = readText()
            if index < bytes.count, bytes[index] == UInt8(ascii: "\n") {
                index += 1
                nodes.append(.text(leading + text + [UInt8(ascii: "\n")]))
                lineStart = true
                continue
            }
            if !text.isEmpty {
                nodes.append(.text(leading + text))
                leading = []
                lineStart = false
            }
            guard index < bytes.count else { break }
            index += Self.open.count
            // Emits the spaces before a tag that does not take its line.
            func keepLeading() {
                if !leading.isEmpty { nodes.append(.text(leading)) }
                leading = []
            }
            var standalone = false
            let sigil = bytes[index]
            switch sigil {
            case UInt8(ascii: "#"), UInt8(ascii: "^"):
                index += 1
                let name = try readName()
                standalone = lineStart && finishesLine()
                if !standalone { keepLeading() }
                let inner = try parseNodes(until: name.written, atLineStart: standalone, scope: scope.inSection)
                nodes.append(.section(name, inverted: sigil == UInt8(ascii: "^"), inner))
            case UInt8(ascii: "/"):
                index += 1
                let name = try readName()
                guard name.written == closing else {
                    throw error("{{/\(name.written)}} closes \(closing.map { "{{#\($0)}}" } ?? "nothing")")
                }
                if !(lineStart && finishesLine()) { keepLeading() }
                return nodes
            case UInt8(ascii: "!"):
                index += 1
                try skipPast(Self.close)
                standalone = lineStart && finishesLine()
            case UInt8(ascii: "{"):
                keepLeading()
                index += 1
                let name = try readName()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "}") else { throw error("{{{\(name.written)}} lacks its third }") }
                index += 1
                nodes.append(.variable(name, escaped: false))
            case UInt8(ascii: ">"):
                index += 1
                let name = try readPartialName()
                if !leading.isEmpty { nodes.append(.text(leading)) }
                standalone = lineStart && finishesLine()
                nodes.append(.partial(name, indentation: standalone ? leading : nil, overrides: nil))
                leading = []
            case UInt8(ascii: "<"):
                index += 1
                let name = try readPartialName()
                if !leading.isEmpty { nodes.append(.text(leading)) }
                standalone = lineStart && finishesLine()
                var overrides: [String: [TemplateNode]] = [:]
                for node in try self.parseNodes(until: name, atLineStart: true, scope: .parent) {
                    switch node {
                    case .blockDefinition(let block, let inner): overrides[block] = inner
                    case .text: break
                    default: throw error("only {{$block}} overrides may stand inside {{<\(name)}}")
                    }
                }
                nodes.append(.partial(name, indentation: leading, overrides: overrides))
                leading = []
            case UInt8(ascii: "$"):
                index += 1
                let name = try readName()
                guard name.transform == nil, !name.currentOnly, name.path.count == 1 else { throw error("{{$\(name.written)}} is not a block name") }
                if case .parent = scope {
                    standalone = lineStart && finishesLine()
                    let inner = try parseNodes(until: name.written, atLineStart: standalone, scope: .definition(indent: nil))
                    nodes.append(.blockDefinition(name.written, inner))
                } else {
                    if !leading.isEmpty { nodes.append(.text(leading)) }
                    standalone = lineStart && finishesLine()
                    let inner = try parseNodes(until: name.written, atLineStart: standalone, scope: scope.inSection)
                    nodes.append(.block(name.written, default: inner, indentation: leading))
                    leading = []
                }
            case UInt8(ascii: "&"), UInt8(ascii: "="), UInt8(ascii: "%"):
                throw error("{{\(Character(UnicodeScalar(sigil)))…}} is not used by these templates")
            default:
                keepLeading()
                nodes.append(.variable(try readName(), escaped: true))
            }
            lineStart = standalone
        }
        if let closing { throw error("{{#\(closing)}} is never closed") }
        return nodes
    }

    /// Text up to the next `{{` or line break.
    private mutating func readText() -> [UInt8] {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") { break }
            if byte == UInt8(ascii: "{"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") { break }
            index += 1
        }
        return Array(bytes[start..<index])
    }

    private mutating func readWhitespace() -> [UInt8] {
        let start = index
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
        return Array(bytes[start..<index])
    }

    /// After a tag: only spaces or tabs up to the line's end (which is then taken), or the end of
    /// the file.
    private mutating func finishesLine() -> Bool {
        if index == bytes.count { return true }
        var probe = index
        while probe < bytes.count, bytes[probe] == UInt8(ascii: " ") || bytes[probe] == UInt8(ascii: "\t") { probe += 1 }
        guard probe < bytes.count, bytes[probe] == UInt8(ascii: "\n") else { return false }
        index = probe + 1
        return true
    }

    private mutating func skipSpaces() {
        while index < bytes.count, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n")].contains(bytes[index]) { index += 1 }
    }

    private mutating func skipPast(_ marker: [UInt8]) throws {
        while index + marker.count <= bytes.count {
            if bytes[index..<index + marker.count].elementsEqual(marker) {
                index += marker.count
                return
            }
            index += 1
        }
        throw error("a tag is never closed")
    }

    private mutating func readWord(allowing extra: Set<UInt8>) throws -> String {
        skipSpaces()
        let start = index
        while index < bytes.count, Self.nameBytes.contains(bytes[index]) || extra.contains(bytes[index]) { index += 1 }
        let word = String(decoding: bytes[start..<index], as: UTF8.self)
        skipSpaces()
        guard index + 1 < bytes.count, bytes[index] == Self.close[0], bytes[index + 1] == Self.close[1] else {
            throw error("the tag after “\(word)” is not closed by }}")
        }
        index += Self.close.count
        return word
    }

    private mutating func readPartialName() throws -> String { try readWord(allowing: [UInt8(ascii: "/")]) }

    private mutating func readName() throws -> TemplateName {
        let written = try readWord(allowing: [UInt8(ascii: "("), UInt8(ascii: ")")])
        var inner = Substring(written)
        var transform: TemplateTransform?
        if let open = written.firstIndex(of: "(") {
            guard written.hasSuffix(")"), let known = TemplateTransform(rawValue: String(written[..<open])) else {
                throw error("“\(written)” is not a transform these templates know")
            }
            transform = known
            inner = written[written.index(after: open)..<written.index(before: written.endIndex)]
        }
        guard !inner.isEmpty, !inner.contains("("), !inner.contains(")") else { throw error("“\(written)” is not a name") }
        let currentOnly = inner.first == "." && inner != "."
        let path = inner == "." ? [] : inner.split(separator: ".").map(String.init)
        return TemplateName(path: path, currentOnly: currentOnly, transform: transform, written: written)
    }

    private static let nameBytes = Set(Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*".utf8))

    private func error(_ message: String) -> SyntaxError {
        SyntaxError(line: 1 + bytes[..<min(index, bytes.count)].lazy.filter { $0 == UInt8(ascii: "\n") }.count, message: message)
    }
}
