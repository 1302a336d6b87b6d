import ArgumentParser
import CouncilService
import Foundation

struct BlockersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blockers", abstract: "Who blocks whom: 団体 blocked by vendors, from open issues and vendor-side delays.",
        subcommands: [List.self, Municipality.self, Vendor.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Blockers, filtered, or counted with --group-by.")
        @Option(help: "Only this vendor (id, name or short name: --vendor TKC).") var vendor: OrganizationReference?
        @Option(name: .customLong("business-area"), help: "Only this business area.") var businessArea: String?
        @Option(help: "Only this prefecture (01-47).") var prefecture: String?
        @Option(help: "Only this liaison block.") var block: String?
        @Option(help: "Only this 事由.") var reason: String?
        @Option(help: "issue or adoption.") var source: String?
        @Option(name: .customLong("group-by"), help: "Count by vendor, prefecture, block, business_area or reason.") var groupBy: String?
        @Flag(help: "Liaisons: the whole country, not just your prefectures.") var all = false
        @Option(help: "Page size (1-1000).") var limit = 1000
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let answer = try await api.get(
                "v1/blockers",
                QueryItems.of([
                    ("vendor", try await vendor.id(api, kind: "vendor")), ("business_area", businessArea), ("prefecture", prefecture),
                    ("block", block), ("reason", reason),
                    ("source", source), ("group_by", groupBy), ("all", all ? "true" : nil), ("limit", groupBy == nil ? limit : nil),
                ]))
            if groupBy != nil {
                return try output.list(
                    answer, rows: answer.object["groups"] as? [[String: Any]] ?? [],
                    columns: [
                        Column("キー", "key"), Column("名称", "label"), Column("団体数", "municipalities", right: true),
                        Column("システム数", "systems", right: true),
                    ])
            }
            let items = answer.object["items"] as? [[String: Any]] ?? []
            try output.list(
                answer, rows: items, columns: BlockersCommand.columns, footer: "\(items.count) of \(JSONPath.text(answer.object, "total"))")
        }
    }

    static var columns: [Column] {
        [
            Column("団体", "dantai_code"), Column("名称", "dantai_name"), Column("業務", "business_area", .businessArea), Column("ベンダー", "vendor.name"),
            Column("製品", "product.name"), Column("根拠", "sources"),
            Column("課題") { ($0["issues"] as? [Any] ?? []).map { "#\(JSONPath.describe($0))" }.joined(separator: " ") },
            Column("事由", "reason", .adoptionReason),
        ]
    }

    struct Municipality: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every business area of one 団体: who blocks it and why.")
        @Argument(help: "団体コード.") var code: String
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/municipalities/\(code)/blockers")
            let rows = (answer.object["business_areas"] as? [[String: Any]] ?? []).flatMap { area -> [[String: Any]] in
                (area["blockers"] as? [[String: Any]] ?? []).map { $0.merging(["area_name": area["name"] ?? ""]) { $1 } }
            }
            // A heading for people only: --json and --csv print nothing but JSON or CSV.
            if output.isTable { print("\(JSONPath.text(answer.object, "dantai_code")) \(JSONPath.text(answer.object, "name"))") }
            try output.list(
                answer, rows: rows, columns: [Column("業務", "area_name")] + BlockersCommand.columns.dropFirst(3),
                footer: rows.isEmpty ? "no blockers" : nil)
        }
    }

    struct Vendor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The 団体 a vendor blocks, by block and prefecture.")
        @Argument(help: "The vendor (id, name or short name).") var vendor: OrganizationReference
        @Option(name: .customLong("business-area"), help: "Only this business area.") var businessArea: String?
        @Flag(help: "Liaisons: the whole country.") var all = false
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let answer = try await api.get(
                "v1/vendors/\(try await vendor.id(api, kind: "vendor"))/blocked-municipalities",
                QueryItems.of([("business_area", businessArea), ("all", all ? "true" : nil)]))
            var rows: [[String: Any]] = []
            for block in answer.object["blocks"] as? [[String: Any]] ?? [] {
                for prefecture in block["prefectures"] as? [[String: Any]] ?? [] {
                    for municipality in prefecture["municipalities"] as? [[String: Any]] ?? [] {
                        rows.append(municipality.merging(["block_name": block["name"] ?? "", "prefecture_name": prefecture["name"] ?? ""]) { $1 })
                    }
                }
            }
            try output.list(
                answer, rows: rows,
                columns: [
                    Column("ブロック", "block_name"), Column("都道府県", "prefecture_name"), Column("団体", "dantai_code"), Column("名称", "name"),
                    Column("業務", "business_areas", .businessArea), Column("事由", "reasons", .adoptionReason),
                ],
                footer:
                    "\(JSONPath.text(answer.object, "vendor.name")): \(JSONPath.text(answer.object, "municipalities")) 団体, \(JSONPath.text(answer.object, "systems")) systems"
            )
        }
    }
}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports computed from the data.", subcommands: [SpecifiedSupport.self])

    struct SpecifiedSupport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "specified-support", abstract: "特定移行支援システム: 団体 and systems by 事由, block, prefecture and business area.")
        @Option(help: "reason, block, prefecture or business_area (default: all four).") var by: String?
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/reports/specified-support")
            let columns = [Column("区分", "label"), Column("団体数", "dantai", right: true), Column("システム数", "systems", right: true)]
            if output.json { return try output.list(answer, rows: [], columns: columns) }
            for table in ["reason", "block", "prefecture", "business_area"] where by == nil || by == table {
                let rows = answer.object["by_\(table)"] as? [[String: Any]] ?? []
                if !output.csv { print("\n[\(table)]") }
                try output.list(answer, rows: rows, columns: columns)
            }
            if !output.csv {
                say(
                    "\n合計: \(JSONPath.text(answer.object, "total.dantai")) 団体, \(JSONPath.text(answer.object, "total.systems")) systems",
                    ja: "\n合計: \(JSONPath.text(answer.object, "total.dantai")) 団体、\(JSONPath.text(answer.object, "total.systems")) システム")
            }
        }
    }
}
