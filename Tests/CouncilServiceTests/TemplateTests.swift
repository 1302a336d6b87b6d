import Foundation
import Testing

@testable import CouncilService

/// The pages' template engine (`TemplateParser`, `TemplateLibrary`, `TemplateValue`): what each
/// kind of value renders as, Mustache's rules for lines, partials and inheritance, and templates
/// refused when read.
@Suite struct TemplateTests {
    enum Stage: String, Encodable { case planned, migrated = "MIGRATED" }

    struct Described: CustomStringConvertible, Encodable {
        let code: String
        var description: String { "described \(code)" }
    }

    struct Row: Encodable {
        let name: String
        let count: Int
        let share: Double
        let flag: Bool
        let note: String?
        let label: String?
        let stage: Stage
        let code: MunicipalityCode
        let described: Described
        let tags: Set<String>
        let at: Date
    }

    struct Page: Encodable {
        let title: String
        let label: String
        let rows: [Row]
        let empty: [Row]
        let maybe: Row?
        let none: Row?
        let words: [String: String]
        let nested: [[Int]]
    }

    /// Renders `templates["page"]` for `page`, with `t` the words, as `PageRenderer` does.
    func render(_ templates: [String: String], page: some Encodable, words: [String: String] = [:]) throws -> String {
        let library = try TemplateLibrary(templates: templates.mapValues(TemplateParser.parse))
        let root = TemplateValue.object(["page": TemplateEncoder.value(of: page), "t": TemplateEncoder.value(of: words)], description: nil)
        return String(decoding: try #require(library.render("page", root)), as: UTF8.self)
    }

    @Test func everyKindOfValueRendersAsMustacheSays() throws {
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        let code = try #require(MunicipalityCode(rawValue: "011002"))
        func row(_ name: String, note: String?, label: String?, flag: Bool) -> Row {
            Row(
                name: name, count: 1_234, share: 0.5, flag: flag, note: note, label: label, stage: .migrated, code: code,
                described: Described(code: "x<y"), tags: ["only"], at: at)
        }
        let page = Page(
            title: "協議会 & <会議> \"'", label: "page label",
            rows: [row("一", note: "備考", label: nil, flag: true), row("二", note: nil, label: "own", flag: false)],
            empty: [], maybe: row("三", note: nil, label: nil, flag: true), none: nil, words: ["a": "A", "b": "B"],
            nested: [[1, 2], [3]])
        let template = """
            {{#page}}{{title}} {{#empty(rows)}}none{{/empty(rows)}}{{^empty(rows)}}some{{/empty(rows)}}
            {{#rows}}[{{name}} {{count}} {{share}} {{flag}} {{#flag}}yes{{/flag}}{{^flag}}no{{/flag}} {{note}} {{^note}}no note{{/note}}
            label={{label}} {{stage}} {{code}} {{described}} {{described.code}} {{#tags}}{{.}}{{/tags}} {{at}} {{t.hello}}]
            {{/rows}}{{#empty}}never{{/empty}}{{^empty}}no rows{{/empty}} {{#empty(empty)}}empty{{/empty(empty)}}
            {{#maybe}}{{name}} {{title}}{{/maybe}} {{#none}}never{{/none}}{{^none}}none{{/none}} {{none.name}}|{{^empty(none)}}absent{{/empty(none)}}
            {{words.a}} {{#words}}{{b}}{{/words}} {{#nested}}({{#.}}{{.}},{{/.}}){{/nested}} {{page.title}} {{missing}}|{{.label}}|{{#maybe}}{{.title}}{{/maybe}}| <{{{title}}}>{{/page}}
            """
        let rendered = try render(["page": template], page: page, words: ["hello": "こんにちは"])
        #expect(
            rendered == """
                協議会 &amp; &lt;会議&gt; &quot;&#39; some
                [一 1234 0.5 true yes 備考 \n\
                label=page label migrated 011002 described x&lt;y x&lt;y only \(at) こんにちは]
                [二 1234 0.5 false no  no note
                label=own migrated 011002 described x&lt;y x&lt;y only \(at) こんにちは]
                no rows empty
                三 協議会 &amp; &lt;会議&gt; &quot;&#39; none |absent
                A B (1,2,)(3,) 協議会 &amp; &lt;会議&gt; &quot;&#39; |page label|| <協議会 & <会議> "'>
                """)
    }

    /// Escaping copies the runs between special characters whole; it must write what escaping
    /// character by character writes, wherever the specials fall.
    @Test func escapingMatchesCharacterByCharacter() {
        func reference(_ text: String) -> String {
            text.map { character -> String in
                switch character {
                case "<": "&lt;"
                case ">": "&gt;"
                case "&": "&amp;"
                case "\"": "&quot;"
                case "'": "&#39;"
                default: String(character)
                }
            }.joined()
        }
        let texts = [
            "", "<", "<>", "a<b", "<script>alert('x')</script>", "住民&\"記録\"", "&&", "末尾'", "'先頭", "𠮷野家 & Co.",
            String(repeating: "帳票<", count: 500),
        ]
        for text in texts {
            #expect(HTMLEscaping.escaped(text) == reference(text), "\(text)")
        }
    }

    @Test func tagsAloneOnTheirLinesTakeTheLineWithThem() throws {
        let template = """
            <ul>
              {{#page.items}}
              <li>{{.}}</li>
              {{/page.items}}
              {{^page.items}}
              <li>none</li>
              {{/page.items}}
            </ul>
            <p>{{#page.items}} {{.}}{{/page.items}} </p>
              {{! a comment alone }}
            end
            """
        struct Items: Encodable { let items: [String] }
        #expect(try render(["page": template], page: Items(items: ["a", "b"])) == "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n<p> a b </p>\nend")
        #expect(try render(["page": template], page: Items(items: [])) == "<ul>\n  <li>none</li>\n</ul>\n<p> </p>\nend")
    }

    @Test func partialsAndInheritance() throws {
        struct Model: Encodable { let name: String }
        let templates = [
            "layout": "<title>{{$title}}Council{{/title}}</title>\n<main>\n{{$content}}default{{/content}}\n</main>\n",
            "list": "<ul>\n  <li>{{page.name}}</li>\n  <li>two</li>\n</ul>\n",
            "page": """
            {{<layout}}
            {{$content}}
            <div>
              {{> list}}
            </div>
            {{/content}}
            {{/layout}}
            """,
            "titled": "{{<layout}}\n{{$title}}{{name}} & co{{/title}}\n{{/layout}}\n",
        ]
        let page = try render(templates, page: Model(name: "<n>"))
        #expect(
            page
                == "<title>Council</title>\n<main>\n<div>\n  <ul>\n    <li>&lt;n&gt;</li>\n    <li>two</li>\n  </ul>\n</div>\n\n</main>\n")
        let library = try TemplateLibrary(templates: templates.mapValues(TemplateParser.parse))
        let titled = library.render("titled", .object(["name": .string("A")], description: nil))
        #expect(titled.map { String(decoding: $0, as: UTF8.self) } == "<title>A & co</title>\n<main>\ndefault\n</main>\n")
        #expect(library.render("absent", .bool(true)) == nil)
    }

    /// A model whose own `encode(to:)` nests containers (none of ours does today) still renders.
    @Test func customEncodingsWithNestedContainersRender() throws {
        struct Custom: Encodable {
            enum Keys: String, CodingKey { case head, rows, name }
            func encode(to encoder: any Encoder) throws {
                var top = encoder.container(keyedBy: Keys.self)
                var head = top.nestedContainer(keyedBy: Keys.self, forKey: .head)
                try head.encode("見出し", forKey: .name)
                var rows = top.nestedUnkeyedContainer(forKey: .rows)
                try rows.encode("一")
                var row = rows.nestedContainer(keyedBy: Keys.self)
                try row.encode("二", forKey: .name)
                var inner = rows.nestedUnkeyedContainer()
                try inner.encode("三")
                try rows.encode("四")
            }
        }
        let template = "{{page.head.name}}:{{#page.rows}}[{{.}}{{name}}]{{/page.rows}}"
        #expect(try render(["page": template], page: Custom()) == "見出し:[一][二][][四]")
    }

    @Test func templatesThatCannotBeRenderedAreRefusedWhenRead() throws {
        for bad in [
            "{{#a}}never closed", "{{#a}}x{{/b}}", "{{/a}}", "{{count(a)}}", "{{a", "{{{a}}", "{{=<% %>=}}", "{{&a}}",
            "{{<layout}}{{a}}{{/layout}}", "{{$a.b}}{{/a.b}}", "{{()}}",
        ] {
            #expect(throws: TemplateParser.SyntaxError.self, "\(bad)") { try TemplateParser.parse(bad) }
        }
        #expect(throws: TemplateParser.SyntaxError.self) { try TemplateLibrary(templates: ["page": try TemplateParser.parse("{{> missing}}")]) }
        let error = try #require(throws: TemplateParser.SyntaxError.self) { try TemplateParser.parse("one\ntwo {{#a}}\nthree") }
        #expect(error.line == 3)
    }
}
