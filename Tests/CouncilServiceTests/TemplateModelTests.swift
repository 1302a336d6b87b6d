import Foundation
import Mustache
import Testing

@testable import CouncilService

/// The page models are turned into dictionaries before rendering (`TemplateModel`); a template
/// must render exactly what swift-mustache renders from the structs themselves.
@Suite struct TemplateModelTests {
    enum Stage: String { case planned, migrated }

    struct Described: CustomStringConvertible {
        let code: String
        var description: String { "described \(code)" }
    }

    struct Row {
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

    struct Page {
        let title: String
        let label: String
        let rows: [Row]
        let empty: [Row]
        let maybe: Row?
        let none: Row?
        let words: [String: String]
        let nested: [[Int]]
    }

    static let template = """
        {{#page}}{{title}} {{#empty(rows)}}none{{/empty(rows)}}{{^empty(rows)}}{{count(rows)}}{{/empty(rows)}}
        {{#rows}}[{{name}} {{count}} {{share}} {{#flag}}yes{{/flag}}{{^flag}}no{{/flag}} {{note}} {{^note}}no note{{/note}}
        label={{label}} (the page's when the row has none) {{stage}} {{code}} {{described}} {{described.code}}
        {{#tags}}{{.}}{{/tags}} {{count(tags)}} {{at}} {{t.hello}}]
        {{/rows}}{{#empty}}never{{/empty}}{{^empty}}no rows{{/empty}} {{#empty(empty)}}empty{{/empty(empty)}}
        {{#maybe}}{{name}} {{title}}{{/maybe}} {{#none}}never{{/none}}{{^none}}none{{/none}} {{none.name}}
        {{words.a}} {{#words}}{{b}}{{/words}} {{#nested}}({{#.}}{{.}},{{/.}}){{/nested}} {{page.title}} {{missing}} <{{{title}}}>{{/page}}
        """

    @Test func rendersWhatTheStructsRender() throws {
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        let code = try #require(MunicipalityCode(rawValue: "011002"))
        func row(_ name: String, note: String?, label: String?, flag: Bool) -> Row {
            Row(
                name: name, count: 1_234, share: 0.5, flag: flag, note: note, label: label, stage: .migrated, code: code,
                described: Described(code: "x<y"), tags: ["only"], at: at)
        }
        let page = Page(
            title: "協議会 & <会議>", label: "page label",
            rows: [row("一", note: "備考", label: nil, flag: true), row("二", note: nil, label: "own", flag: false)],
            empty: [], maybe: row("三", note: nil, label: nil, flag: true), none: nil, words: ["a": "A", "b": "B"],
            nested: [[1, 2], [3]])
        let words = ["hello": "こんにちは"]
        let library = MustacheLibrary(templates: ["probe": try MustacheTemplate(string: Self.template)])

        let direct = library.render(["page": page, "t": words], withTemplate: "probe")
        let flattened = library.render(["page": TemplateModel.of(page) ?? [:], "t": words], withTemplate: "probe")

        let rendered = try #require(direct)
        #expect(flattened == rendered)
        // The template reached every kind of value (not two equally empty renderings).
        for expected in [
            "協議会 &amp; &lt;会議&gt;", "1234", "0.5", "no note", "label=page label", "label=own", "migrated", "011002",
            "described x&lt;y", "x&lt;y", "only", "こんにちは", "三", "none", "A B", "(1,2,)(3,)",
        ] {
            #expect(rendered.contains(expected), "\(expected) missing from \(rendered)")
        }
    }
}
