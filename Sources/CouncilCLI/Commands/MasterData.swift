import ArgumentParser
import CouncilService
import Foundation

struct MunicipalityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "municipality", abstract: "The national master data: 団体, prefectures, liaison blocks, business areas.",
        subcommands: [List.self, Show.self, Prefectures.self, Blocks.self, Areas.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Municipalities (a liaison sees their prefectures unless --all).")
        @Option(help: "Only this prefecture (01-47).") var prefecture: String?
        @Option(help: "Only this liaison block.") var block: String?
        @Option(name: [.customShort("q"), .customLong("search")], help: "Name or reading (さっぽろ finds 札幌市).") var search: String?
        @Option(help: "Only this kind: city, town, village or special_ward.") var kind: String?
        @Flag(help: "Only the designated cities (政令指定都市).") var designated = false
        @Flag(help: "The whole country, every page (a liaison otherwise sees their prefectures, 1,000 at most).") var all = false
        @Option(help: "Page size (1-1000); --all reads every page.") var limit = 1000
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            var items: [[String: Any]] = []
            var answer: APIClient.Answer
            // --all follows the pages to the end: a list that stops at the first 1,000 is not "all".
            repeat {
                answer = try await api.get(
                    "v1/municipalities",
                    QueryItems.of([
                        ("prefecture", prefecture), ("block", block), ("kind", kind), ("designated_city", designated ? "true" : nil),
                        ("q", search), ("all", all ? "true" : nil), ("limit", limit), ("offset", items.isEmpty ? nil : items.count),
                    ]))
                let page = answer.object["items"] as? [[String: Any]] ?? []
                items += page
                if page.isEmpty { break }
            } while all && items.count < (answer.object["total"] as? Int ?? 0)
            if all, output.json {
                // One JSON document for every page.
                let whole = try JSONSerialization.data(withJSONObject: ["items": items, "total": items.count])
                answer = APIClient.Answer(data: whole, headers: answer.headers)
            }
            try output.list(
                answer, rows: items,
                columns: [
                    Column("団体", "code"), Column("名称", "name"), Column("よみ", "kana"), Column("都道府県", "prefecture_name"),
                    Column("種別", "kind", .municipalityKind), Column("有効", "active"),
                ], footer: "\(items.count) of \(JSONPath.text(answer.object, "total"))")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One municipality.")
        @Argument(help: "団体コード.") var code: String
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/municipalities/\(code)")
            let m = answer.object
            output.detail(
                answer,
                [
                    ("団体", JSONPath.text(m, "code")), ("名称", JSONPath.text(m, "name")), ("よみ", JSONPath.text(m, "kana")),
                    ("都道府県", JSONPath.text(m, "prefecture_name")), ("ブロック", JSONPath.text(m, "block")),
                    ("種別", JSONPath.text(m, "kind")), ("有効", JSONPath.text(m, "active")),
                ])
        }
    }

    struct Prefectures: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The 47 prefectures.")
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/prefectures")
            try output.items(
                answer,
                columns: [
                    Column("コード", "code"), Column("名称", "name"), Column("ブロック", "block", .block), Column("市区町村数", "municipality_count", right: true),
                ])
        }
    }

    struct Blocks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The liaison blocks and their prefectures.")
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/blocks")
            try output.items(
                answer,
                columns: [
                    Column("ブロック", "slug"), Column("名称", "name"), Column("都道府県", "prefectures"),
                ])
        }
    }

    struct Areas: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The 20 standardized business areas.")
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/business-areas")
            try output.items(
                answer,
                columns: [
                    Column("業務", "slug"), Column("名称", "name"), Column("所管", "ministry.name"), Column("都道府県も", "prefectures_run_it"),
                ])
        }
    }
}
