import ArgumentParser
import CouncilService
import Foundation

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import spreadsheets (.xlsx workbooks, or CSV in UTF-8 or CP932) through the daemon.",
        discussion: "Every import is all-or-nothing: a file with any bad line changes nothing and every bad line is listed.",
        subcommands: [Municipalities.self, Adoptions.self, Status.self])

    /// What every import takes: the file, its encoding, dry run, and the daemon.
    struct FileOptions: ParsableArguments {
        @Argument(help: "The .xlsx workbook or CSV file (told apart by content).") var file: String?
        @Option(help: "A CSV file's encoding: auto, utf8 or cp932.") var encoding: String = "auto"
        @Flag(name: .customLong("dry-run"), help: "Report what would change without changing anything.") var dryRun = false
        @OptionGroup var client: ClientOptions

        static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

        /// Downloads an empty sheet (a workbook when the file ends in .xlsx).
        func template(from path: String, to output: String) async throws {
            guard file == nil else {
                throw ValidationError(
                    words("--template writes a file; give no file to import with it", ja: "--template はファイルを書き出します。取り込むファイルは一緒に指定しないでください"))
            }
            let format = output.lowercased().hasSuffix(".xlsx") ? "xlsx" : "csv"
            let query = [URLQueryItem(name: "format", value: format), URLQueryItem(name: "encoding", value: encoding == "auto" ? "utf8" : encoding)]
            try save(try await client.client().get(path, query).data, to: output)
            say("wrote an empty sheet to \(output)", ja: "空の様式を\(output)に書き出しました")
        }

        /// Uploads the file and returns the daemon's report as ordered "name value" lines.
        func upload(to path: String, fields: [String]) async throws {
            guard let file else { throw ValidationError(words("give the file to import", ja: "取り込むファイルを指定してください")) }
            let api = try client.client()
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                printError(words("cannot read \(file): \(error.localizedDescription)", ja: "\(file)を読めません: \(error.localizedDescription)"))
                throw ExitCode(66)
            }
            let answer = try await api.send(
                "POST", path,
                query: [URLQueryItem(name: "encoding", value: encoding), URLQueryItem(name: "dry_run", value: String(dryRun))],
                body: data, contentType: file.lowercased().hasSuffix(".xlsx") ? Self.xlsxType : "text/csv",
                headers: ["Idempotency-Key": UUID().uuidString],
                progress: TransferProgress(URL(fileURLWithPath: file).lastPathComponent))
            let report = answer.object
            print(dryRun ? "Dry run: nothing was changed. The import would give:" : "Imported \(file):")
            for field in fields {
                print(
                    "  " + field.replacingOccurrences(of: "_", with: " ").padding(toLength: 20, withPad: " ", startingAt: 0)
                        + "\(report[field].map { "\($0)" } ?? "-")")
            }
        }
    }

    struct Municipalities: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import MIC's 全国地方公共団体コード list, its .xlsx workbook (with the 政令指定都市 sheet) or CSV (secretariat admins).")
        @OptionGroup var options: FileOptions

        func run() async throws {
            try await options.upload(
                to: "v1/municipalities/import",
                fields: ["encoding", "rows", "prefectures_matched", "designated_cities", "inserted", "updated", "unchanged", "deactivated"])
        }
    }

    struct Adoptions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import the adoption spreadsheet: 団体コード, 業務, 製品ID or 製品, 移行予定, 状態, 事由, 新目標月, PMO進捗, 備考.",
            discussion: AdoptionSheet.vocabulary)
        @OptionGroup var options: FileOptions
        @Option(name: .customLong("template"), help: "Write an empty sheet to this file instead (.xlsx with drop-down lists, or .csv).")
        var template: String?

        func run() async throws {
            if let template { return try await options.template(from: "v1/adoptions/template", to: template) }
            try await options.upload(to: "v1/adoptions/import", fields: ["rows", "inserted", "updated", "unchanged"])
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Import the development-status spreadsheet: 製品ID or 製品, 業務, 段階, 標準仕様書の版, ガバメントクラウド対応, ...",
            discussion: StatusSheet.vocabulary)
        @OptionGroup var options: FileOptions
        @Option(name: .customLong("template"), help: "Write an empty sheet to this file instead (.xlsx with drop-down lists, or .csv).")
        var template: String?

        func run() async throws {
            if let template { return try await options.template(from: "v1/development-status/template", to: template) }
            try await options.upload(to: "v1/development-status/import", fields: ["rows", "filed", "unchanged"])
        }
    }
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export spreadsheets in the layout the imports read: .xlsx, or CSV (UTF-8 with BOM, or CP932 for Excel).",
        subcommands: [Adoptions.self, Status.self, Issues.self])

    /// Where an export goes and in which format: `-o file.xlsx` means a workbook unless
    /// `--format` says otherwise.
    struct FileOptions: ParsableArguments {
        @Option(name: .shortAndLong, help: "Write to this file (default: standard output).") var output: String?
        @Option(help: "csv or xlsx (default: xlsx when the output file ends in .xlsx, else csv).") var format: String?
        @Option(help: "A CSV file's encoding: utf8 or cp932.") var encoding: String = "utf8"

        var query: [URLQueryItem] {
            let chosen = format ?? (output?.lowercased().hasSuffix(".xlsx") == true ? "xlsx" : "csv")
            return [URLQueryItem(name: "format", value: chosen), URLQueryItem(name: "encoding", value: encoding)]
        }
    }

    struct Options: ParsableArguments {
        @OptionGroup var file: FileOptions
        @Option(help: "Only this vendor's (id, name or short name).") var vendor: OrganizationReference?
        @Option(name: .customLong("business-area"), help: "Only this business area (slug).") var businessArea: String?
        @OptionGroup var client: ClientOptions

        func download(_ path: String, extra: [URLQueryItem] = []) async throws {
            var query = file.query + extra
            if let vendor = try await vendor.id(try client.client(), kind: "vendor") {
                query.append(URLQueryItem(name: "vendor", value: String(vendor)))
            }
            if let businessArea { query.append(URLQueryItem(name: "business_area", value: businessArea)) }
            let data = try await client.client().send("GET", path, query: query, progress: TransferProgress(file.output ?? "export")).data
            try save(data, to: file.output)
        }
    }

    struct Issues: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the issues a query finds (the same filters as `council issue list`).")
        @OptionGroup var file: FileOptions
        @OptionGroup var filters: IssueFilterOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let query = file.query + (try await filters.query(try client.client()))
            try save(
                try await client.client().send("GET", "v1/issues/export", query: query, progress: TransferProgress(file.output ?? "issues")).data,
                to: file.output)
        }
    }

    struct Adoptions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export adoptions.")
        @OptionGroup var options: Options
        @Option(help: "Only this prefecture (01-47).") var prefecture: String?

        func run() async throws {
            try await options.download("v1/adoptions/export", extra: prefecture.map { [URLQueryItem(name: "prefecture", value: $0)] } ?? [])
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Export the development-status matrix.")
        @OptionGroup var options: Options
        @Option(name: .customLong("as-of"), help: "The matrix as it stood at the end of this day (YYYY-MM-DD).") var asOf: String?

        func run() async throws {
            try await options.download("v1/development-status/export", extra: asOf.map { [URLQueryItem(name: "as_of", value: $0)] } ?? [])
        }
    }
}

/// Writes a download to a file, or to standard output when no file is named.
func save(_ data: Data, to output: String?) throws {
    guard let output else { return FileHandle.standardOutput.write(data) }
    do {
        try data.write(to: URL(fileURLWithPath: output))
    } catch {
        printError(words("cannot write \(output): \(error.localizedDescription)", ja: "\(output)に書き込めません: \(error.localizedDescription)"))
        throw ExitCode(73)
    }
}
