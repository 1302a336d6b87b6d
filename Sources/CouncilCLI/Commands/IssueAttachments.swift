import ArgumentParser
import Foundation

extension IssueCommand {
    struct Attach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attach a file (screenshot, PDF, workbook) to an issue, or to one of its comments with --comment.")
        @Argument(help: "The issue number.") var number: Int
        @Argument(help: "The file.") var file: String
        @Option(help: "Attach to this comment of the issue.") var comment: Int?
        @Option(help: "The name to store (default: the file's own name).") var name: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let url = URL(fileURLWithPath: file)
            let data: Data
            do {
                data = try Data(contentsOf: url, options: .mappedIfSafe)
            } catch {
                printError(words("cannot read \(file): \(error.localizedDescription)", ja: "\(file)を読めません: \(error.localizedDescription)"))
                throw ExitCode(66)
            }
            var query = [URLQueryItem(name: "filename", value: name ?? url.lastPathComponent)]
            if let comment { query.append(URLQueryItem(name: "comment_id", value: String(comment))) }
            let answer = try await client.client().send(
                "POST", "v1/issues/\(number)/attachments", query: query, body: data, contentType: "application/octet-stream",
                headers: ["Idempotency-Key": UUID().uuidString], progress: TransferProgress(url.lastPathComponent))
            let object = answer.object
            print(
                "attachment \(JSONPath.text(object, "id")) on #\(number): \(JSONPath.text(object, "filename")) "
                    + "(\(JSONPath.text(object, "size")) bytes, \(JSONPath.text(object, "content_type")))")
        }
    }

    struct Attachments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The files attached to an issue.")
        @Argument(help: "The issue number.") var number: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try output.items(
                try await client.client().get("v1/issues/\(number)/attachments"),
                columns: [
                    Column("ID", "id", right: true), Column("ファイル名", "filename"), Column("サイズ", "size", right: true),
                    Column("種類", "content_type"), Column("コメント", "comment_id", right: true), Column("添付者", "uploader_name"),
                    Column("添付日時") { String(JSONPath.text($0, "created_at").prefix(16)) },
                ])
        }
    }

    struct Download: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download an attached file.")
        @Argument(help: "The issue number.") var number: Int
        @Argument(help: "The attachment id (see `issue attachments`).") var id: Int
        @Option(name: .shortAndLong, help: "Write to this file (default: standard output).") var output: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().send(
                "GET", "v1/issues/\(number)/attachments/\(id)", progress: TransferProgress(output ?? "attachment \(id)"))
            try save(answer.data, to: output)
        }
    }
}
