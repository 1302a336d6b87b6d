import ArgumentParser
import CouncilService
import Foundation

struct ProductCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "product", abstract: "Vendors' standard-compliant products.", subcommands: [List.self, Show.self, Create.self, Update.self])

    static var columns: [Column] {
        [
            Column("ID", "id", right: true), Column("ベンダー", "vendor_name"), Column("製品", "name"), Column("版", "version"),
            Column("業務", "business_areas", .businessArea),
        ]
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List products.")
        @Option(help: "Only this vendor's (id, name or short name).") var vendor: OrganizationReference?
        @Option(name: .customLong("business-area"), help: "Only products covering this business area.") var businessArea: String?
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let answer = try await api.get(
                "v1/products",
                QueryItems.of([("vendor", try await vendor.id(api, kind: "vendor")), ("business_area", businessArea), ("limit", 1000)]))
            try output.items(answer, columns: ProductCommand.columns)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one product.")
        @Argument(help: "The product id.") var id: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/products/\(id)")
            output.detail(
                answer, ProductCommand.columns.map { ($0.header, $0.value(answer.object)) } + [("備考", JSONPath.text(answer.object, "notes"))])
        }
    }

    struct Fields: ParsableArguments {
        @Option(help: "Product name.") var name: String?
        @Option(name: .customLong("business-area"), help: "A business area it covers (repeat; replaces the list).") var businessAreas: [String] = []
        @Option(help: "Version.") var version: String?
        @Option(help: "Notes.") var notes: String?

        var body: [String: Any] {
            jsonFields([("name", name), ("business_areas", businessAreas.isEmpty ? nil : businessAreas), ("version", version), ("notes", notes)])
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a product (a vendor its own; the secretariat names --vendor).")
        @Option(help: "The vendor (secretariat only).") var vendor: Int?
        @OptionGroup var fields: Fields
        @OptionGroup var client: ClientOptions

        func run() async throws {
            var body = fields.body
            if let vendor { body["vendor_id"] = vendor }
            let answer = try await client.client().json("POST", "v1/products", body)
            say(
                "product \(JSONPath.text(answer.object, "id")) \(JSONPath.text(answer.object, "name"))",
                ja: "製品\(JSONPath.text(answer.object, "id")) \(JSONPath.text(answer.object, "name"))")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a product.")
        @Argument(help: "The product id.") var id: Int
        @OptionGroup var fields: Fields
        @OptionGroup var client: ClientOptions

        func run() async throws {
            _ = try await client.client().json("PATCH", "v1/products/\(id)", fields.body)
            say("product \(id) updated", ja: "製品\(id)を更新しました")
        }
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Development status (開発状況) per product and business area.",
        subcommands: [Matrix.self, File.self, History.self, Summary.self])

    static var columns: [Column] {
        [
            Column("製品", "product_name"), Column("業務", "business_area", .businessArea), Column("段階", "stage", .stage),
            Column("クラウド", "cloud_readiness", .readiness),
            Column("版", "spec_version"), Column("完了予定", "planned_completion"), Column("報告日時") { String(JSONPath.text($0, "reported_at").prefix(10)) },
        ]
    }

    struct Matrix: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The current status (or as of a day) of every product and business area.")
        @Option(help: "Only this vendor's (id, name or short name).") var vendor: OrganizationReference?
        @Option(name: .customLong("business-area"), help: "Only this business area.") var businessArea: String?
        @Option(help: "Only this stage.") var stage: String?
        @Option(name: .customLong("as-of"), help: "As it stood at the end of this day (YYYY-MM-DD, Japan time).") var asOf: String?
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let answer = try await api.get(
                "v1/development-status",
                QueryItems.of([
                    ("vendor", try await vendor.id(api, kind: "vendor")), ("business_area", businessArea), ("stage", stage), ("as_of", asOf),
                ]))
            try output.items(answer, columns: StatusCommand.columns)
        }
    }

    struct File: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "File a status report.")
        @Option(help: "The product id.") var product: Int
        @Option(name: .customLong("business-area"), help: "The business area.") var businessArea: String
        @Option(help: "not_started, designing, developing, testing, completed, available.") var stage: String
        @Option(name: .customLong("cloud-readiness"), help: "not_ready, verifying, ready.") var cloudReadiness: String
        @Option(name: .customLong("spec-version"), help: "標準仕様書の版.") var specVersion: String?
        @Option(name: .customLong("planned-completion"), help: "2026-03-31, 2026/3/31 or 令和8年3月31日.") var plannedCompletion: String?
        @Option(name: .customLong("planned-availability"), help: "2026-03-31, 2026/3/31 or 令和8年3月31日.") var plannedAvailability: String?
        @Option(help: "A note.") var note: String?
        @Option(name: .customLong("regression-reason"), help: "Why the stage moves backwards (required then).") var regressionReason: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().json(
                "POST", "v1/development-status",
                jsonFields([
                    ("product_id", product), ("business_area", businessArea), ("stage", stage), ("cloud_readiness", cloudReadiness),
                    ("spec_version", specVersion), ("planned_completion", try isoDate(plannedCompletion, option: "planned-completion")),
                    ("planned_availability", try isoDate(plannedAvailability, option: "planned-availability")),
                    ("note", note), ("regression_reason", regressionReason),
                ]))
            say("status report \(JSONPath.text(answer.object, "id")) filed", ja: "開発状況の届出\(JSONPath.text(answer.object, "id"))を受け付けました")
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every report of a product and business area.")
        @Option(help: "The product id.") var product: Int
        @Option(name: .customLong("business-area"), help: "The business area.") var businessArea: String
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get(
                "v1/development-status/history", QueryItems.of([("product_id", product), ("business_area", businessArea)]))
            try output.items(answer, columns: StatusCommand.columns)
        }
    }

    struct Summary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Products per stage, per business area.")
        @Option(name: .customLong("as-of"), help: "As it stood at the end of this day.") var asOf: String?
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/development-status/summary", QueryItems.of([("as_of", asOf)]))
            let stages = ["not_started", "designing", "developing", "testing", "completed", "available"]
            try output.items(
                answer, columns: [Column("業務", "name")] + stages.map { Column($0, "stages.\($0)", right: true) } + [Column("計", "total", right: true)]
            )
        }
    }
}

struct AdoptionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adoption", abstract: "Which product each 団体 runs per business area, and when it migrates.",
        subcommands: [List.self, Show.self, Set.self, History.self])

    static var columns: [Column] {
        [
            Column("団体", "dantai_code"), Column("名称", "dantai_name"), Column("業務", "business_area", .businessArea),
            Column("製品", "product_name"), Column("状態", "state", .adoptionState), Column("事由", "reason", .adoptionReason),
            Column("移行予定", "planned_month"), Column("新目標", "new_target_month"),
        ]
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List adoptions.")
        @Option(help: "Only this vendor's products (id, name or short name).") var vendor: OrganizationReference?
        @Option(help: "Only this product.") var product: Int?
        @Option(name: .customLong("business-area"), help: "Only this business area.") var businessArea: String?
        @Option(help: "Only this prefecture (01-47).") var prefecture: String?
        @Option(help: "Only this liaison block.") var block: String?
        @Option(help: "planned, in_progress, migrated, at_risk, delayed, specified_support.") var state: String?
        @Option(help: "事由: mainframe, custom_built, vendor_withdrawal, vendor_resources.") var reason: String?
        @Option(help: "Page size (1-1000).") var limit = 1000
        @Option(help: "Skip this many.") var offset = 0
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let answer = try await api.get(
                "v1/adoptions",
                QueryItems.of([
                    ("vendor", try await vendor.id(api, kind: "vendor")), ("product", product), ("business_area", businessArea),
                    ("prefecture", prefecture), ("block", block),
                    ("state", state), ("reason", reason), ("limit", limit), ("offset", offset),
                ]))
            let items = answer.object["items"] as? [[String: Any]] ?? []
            try output.list(
                answer, rows: items, columns: AdoptionCommand.columns, footer: "\(items.count) of \(JSONPath.text(answer.object, "total"))")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One 団体's adoption for a business area.")
        @Argument(help: "団体コード.") var code: String
        @Argument(help: "Business area.") var businessArea: String
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/adoptions/\(code)/\(businessArea)")
            output.detail(
                answer, AdoptionCommand.columns.map { ($0.header, $0.value(answer.object)) } + [("備考", JSONPath.text(answer.object, "note"))])
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "File the adoption of a 団体 for a business area.")
        @Argument(help: "団体コード.") var code: String
        @Argument(help: "Business area.") var businessArea: String
        @Option(help: "The product id.") var product: Int
        @Option(help: "planned, in_progress, migrated, at_risk, delayed, specified_support.") var state: String
        @Option(name: .customLong("planned-month"), help: "2026-03, 2026/3, 令和8年3月 or R8.3.") var plannedMonth: String?
        @Option(help: "事由 (delayed or specified_support).") var reason: String?
        @Option(name: .customLong("new-target-month"), help: "New target month (delayed).") var newTargetMonth: String?
        @Option(name: .customLong("pmo-completion"), help: "PMO進捗 (0-100).") var pmoCompletion: Double?
        @Option(help: "A note.") var note: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            _ = try await client.client().json(
                "PUT", "v1/adoptions/\(code)/\(businessArea)",
                jsonFields([
                    ("product_id", product), ("state", state), ("planned_month", plannedMonth), ("reason", reason),
                    ("new_target_month", newTargetMonth), ("pmo_completion", pmoCompletion), ("note", note),
                ]))
            print("\(code) \(businessArea): \(state)")
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every version of an adoption.")
        @Argument(help: "団体コード.") var code: String
        @Argument(help: "Business area.") var businessArea: String
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/adoptions/\(code)/\(businessArea)/history")
            try output.items(
                answer,
                columns: [
                    Column("日時") { String(JSONPath.text($0, "at").prefix(19)) }, Column("製品", "product_id", right: true),
                    Column("状態", "state", .adoptionState), Column("事由", "reason", .adoptionReason), Column("移行予定", "planned_month"),
                    Column("備考", "note"),
                ])
        }
    }
}
