/// The compiled templates by name, and the renderer that walks them.
///
/// Rendering follows Mustache: a name is looked for in the innermost object that has it (the
/// context stack, innermost first); `{{a.b}}` finds `a` so and then `b` in it; a list section
/// renders once per item, `true` once, a value once with it as the innermost object, and `false`,
/// an empty list or an absent value not at all (an inverted section the other way round).
struct TemplateLibrary: Sendable {
    private let templates: [String: [TemplateNode]]

    init(templates: [String: [TemplateNode]]) throws {
        self.templates = templates
        for (name, nodes) in templates {
            for used in Self.partials(in: nodes) where templates[used] == nil {
                throw TemplateParser.SyntaxError(line: 0, message: "\(name) uses {{>\(used)}}, which does not exist")
            }
        }
    }

    func contains(_ name: String) -> Bool { templates[name] != nil }

    /// The page `name` renders for `root`, as UTF-8.
    func render(_ name: String, _ root: TemplateValue) -> [UInt8]? {
        guard let nodes = templates[name] else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(32 * 1024)
        var context = Context(stack: [root], indentation: [], overrides: [:])
        render(nodes, &context, into: &output, depth: 0)
        return output
    }

    private struct Context {
        var stack: [TemplateValue]
        var indentation: [UInt8]
        var overrides: [String: [TemplateNode]]
    }

    /// Partials that include themselves are a template bug; this bounds what one could cost.
    private static let deepest = 32

    private func render(_ nodes: [TemplateNode], _ context: inout Context, into output: inout [UInt8], depth: Int) {
        guard depth < Self.deepest else { return }
        guard !context.indentation.isEmpty else {
            for node in nodes { render(node, &context, into: &output, depth: depth) }
            return
        }
        // Inside an indented partial: what starts a new line of this template's output gets the
        // indentation (the partial's first line already has it from the line it stands on).
        let start = output.count
        for node in nodes {
            let before = output.count
            render(node, &context, into: &output, depth: depth)
            if output.count > before, before > start, output[before - 1] == UInt8(ascii: "\n") {
                output.insert(contentsOf: context.indentation, at: before)
            }
        }
    }

    private func render(_ node: TemplateNode, _ context: inout Context, into output: inout [UInt8], depth: Int) {
        switch node {
        case .text(let bytes):
            output.append(contentsOf: bytes)
        case .variable(let name, let escaped):
            guard let value = resolve(name, context.stack) else { return }
            switch value {
            case .string(let text), .scalar(let text), .object(_, description: let text?):
                if escaped { HTMLEscaping.append(text, to: &output) } else { output.append(contentsOf: text.utf8) }
            case .bool(let flag):
                output.append(contentsOf: (flag ? "true" : "false").utf8)
            case .list, .object:
                break
            }
        case .section(let name, let inverted, let inner):
            let value = resolve(name, context.stack)
            if inverted {
                switch value {
                case .list(let values)?: if values.isEmpty { render(inner, &context, into: &output, depth: depth) }
                case .bool(let flag)?: if !flag { render(inner, &context, into: &output, depth: depth) }
                case .some: break
                case nil: render(inner, &context, into: &output, depth: depth)
                }
                return
            }
            switch value {
            case .list(let values)?:
                for item in values { renderWithin(item, inner, &context, into: &output, depth: depth) }
            case .bool(let flag)?:
                if flag { render(inner, &context, into: &output, depth: depth) }
            case let value?:
                renderWithin(value, inner, &context, into: &output, depth: depth)
            case nil:
                break
            }
        case .partial(let name, let indentation, let overrides):
            guard let nodes = templates[name] else { return }
            var inner = context
            if let indentation { inner.indentation += indentation }
            // The outermost override of a block wins.
            if let overrides { inner.overrides.merge(overrides) { outer, _ in outer } }
            render(nodes, &inner, into: &output, depth: depth + 1)
        case .block(let name, let fallback, let indentation):
            var inner = context
            inner.indentation += indentation
            render(context.overrides[name] ?? fallback, &inner, into: &output, depth: depth + 1)
        case .blockDefinition:
            break
        }
    }

    private func renderWithin(
        _ value: TemplateValue, _ nodes: [TemplateNode], _ context: inout Context, into output: inout [UInt8], depth: Int
    ) {
        context.stack.append(value)
        render(nodes, &context, into: &output, depth: depth)
        context.stack.removeLast()
    }

    private func resolve(_ name: TemplateName, _ stack: [TemplateValue]) -> TemplateValue? {
        var value: TemplateValue?
        if name.path.isEmpty {
            value = stack.last
        } else if name.currentOnly {
            value = stack.last.flatMap { Self.follow(name.path[...], from: $0) }
        } else {
            let first = name.path[0]
            for object in stack.reversed() {
                if let found = object.child(first) {
                    value = Self.follow(name.path.dropFirst(), from: found)
                    break
                }
            }
        }
        guard let value, let transform = name.transform else { return value }
        switch transform {
        case .empty: return value.isEmpty.map(TemplateValue.bool)
        }
    }

    private static func follow(_ path: ArraySlice<String>, from value: TemplateValue) -> TemplateValue? {
        var value = value
        for part in path {
            guard let next = value.child(part) else { return nil }
            value = next
        }
        return value
    }

    private static func partials(in nodes: [TemplateNode]) -> [String] {
        nodes.flatMap { node -> [String] in
            switch node {
            case .partial(let name, _, let overrides): [name] + (overrides ?? [:]).values.flatMap(partials(in:))
            case .section(_, _, let inner), .block(_, let inner, _), .blockDefinition(_, let inner): partials(in: inner)
            case .text, .variable: []
            }
        }
    }
}

/// HTML escaping of user text: `<`, `>`, `&`, `"` and `'`, so a value is safe in element content
/// and in quoted attributes alike.
enum HTMLEscaping {
    static func escaped(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        append(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Copies the runs between special characters whole: byte by byte, escaping was 6 % of the
    /// daemon's samples on 課題一覧.
    static func append(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let replacement: [UInt8]
                switch bytes[index] {
                case UInt8(ascii: "<"): replacement = lessThan
                case UInt8(ascii: ">"): replacement = greaterThan
                case UInt8(ascii: "&"): replacement = ampersand
                case UInt8(ascii: "\""): replacement = quote
                case UInt8(ascii: "'"): replacement = apostrophe
                default: continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                output.append(contentsOf: replacement)
                start = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
    }

    private static let lessThan = Array("&lt;".utf8)
    private static let greaterThan = Array("&gt;".utf8)
    private static let ampersand = Array("&amp;".utf8)
    private static let quote = Array("&quot;".utf8)
    private static let apostrophe = Array("&#39;".utf8)
}
