import ArgumentParser
import Foundation

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import files into Council through the daemon.",
        subcommands: [Municipalities.self])

    struct Municipalities: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import MIC's 全国地方公共団体コード list (CSV, UTF-8 or CP932).",
            discussion: "All-or-nothing: a file with any bad line changes nothing and every bad line is listed.")

        @Argument(help: "The CSV file.") var file: String
        @Option(help: "auto, utf8 or cp932.") var encoding: String = "auto"
        @Flag(name: .customLong("dry-run"), help: "Report what would change without changing anything.") var dryRun = false
        @OptionGroup var client: ClientOptions

        struct Report: Decodable {
            let rows: Int
            let prefecturesMatched: Int
            let inserted: Int
            let updated: Int
            let unchanged: Int
            let deactivated: Int
            let encoding: String
            let dryRun: Bool
        }

        func run() async throws {
            let api = try client.client()
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                printError("cannot read \(file): \(error.localizedDescription)")
                throw ExitCode(66)
            }
            let progress = Progress(enabled: isatty(STDERR_FILENO) == 1)
            progress.step("uploading \(URL(fileURLWithPath: file).lastPathComponent) (\(data.count / 1024) KiB)")
            let answer = try await api.send(
                "POST", "v1/municipalities/import",
                query: [URLQueryItem(name: "encoding", value: encoding), URLQueryItem(name: "dry_run", value: String(dryRun))],
                body: data, contentType: "text/csv")
            progress.step("done")
            let report = try api.decode(Report.self, from: answer)
            print(report.dryRun ? "Dry run: nothing was changed. The import would give:" : "Imported \(file) (\(report.encoding)):")
            print("  rows          \(report.rows) (\(report.prefecturesMatched) prefectures, \(report.rows - report.prefecturesMatched) municipalities)")
            print("  inserted      \(report.inserted)")
            print("  updated       \(report.updated)")
            print("  unchanged     \(report.unchanged)")
            print("  deactivated   \(report.deactivated)")
        }
    }
}

/// Phase lines on a terminal's stderr; silent when output is piped.
struct Progress {
    let enabled: Bool
    let started = Date()

    func step(_ text: String) {
        guard enabled else { return }
        let elapsed = String(format: "%.1fs", Date().timeIntervalSince(started))
        FileHandle.standardError.write(Data("[\(elapsed)] \(text)\n".utf8))
    }
}
