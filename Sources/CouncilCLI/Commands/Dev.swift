import ArgumentParser
import CouncilDatabase
import CouncilService
import Foundation

struct Dev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Development and benchmark tools that talk to the database directly.", subcommands: [Seed.self])

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill a fresh database with generated data (deterministic for --seed).",
            discussion:
                "national: the 団体 of the MIC list, 300 vendors with 600 products (the top five hold ~60% of systems), 34,592 adoptions (~5,000 特定移行支援, mostly for vendor resources), 100,000 issues with ~1,000,000 municipality links and ~500,000 comments, 200 meetings. small: the same shape, about 2% of it. Refuses a database that already holds organizations, products, adoptions, issues or meetings. Prints what it made and API tokens for the secretariat admin, the largest vendor and an observer (--tokens writes them as JSON)."
        )

        enum ScaleName: String, ExpressibleByArgument, CaseIterable { case national, small }

        @Option(help: "national or small.") var scale: ScaleName = .national
        @Option(help: "The seed value: the same value gives the same data.") var seed = 1
        @Option(help: "MIC's 全国地方公共団体コード list to import first (CP932 or UTF-8), e.g. ../shared/data/dantai-code-cp932.csv.")
        var municipalities: String?
        @Option(help: "Write the API tokens to this file as JSON (owner-only).") var tokens: String?
        @OptionGroup var database: DB.DatabaseOptions

        func run() async throws {
            var rows: [MunicipalityListRow]?
            if let municipalities {
                do {
                    let data = try Data(contentsOf: URL(fileURLWithPath: municipalities))
                    rows = try MunicipalityList.parse(try CSVTextEncoding.auto.decode(data).text)
                } catch {
                    printError("cannot read \(municipalities): \(error)")
                    throw ExitCode(66)
                }
            }
            let size: DevSeed.Scale = scale == .national ? .national : .small
            let report: DevSeed.Report
            do {
                report = try database.withConnection { connection, logger in
                    try Migrator(logger: logger).migrate(connection)
                    return try DevSeed.run(on: connection, scale: size, seed: seed, municipalities: rows)
                }
            } catch let error as ConfigurationError {
                printError("\(error)")
                throw ExitCode(1)
            }
            print(
                """
                seeded in \(String(format: "%.1f", report.seconds)) s: \(report.organizations) organizations, \(report.products) products, \
                \(report.adoptions) adoptions (\(report.specifiedSupport) 特定移行支援), \(report.issues) issues, \
                \(report.municipalityLinks) municipality links, \(report.comments) comments, \(report.meetings) meetings
                """)
            if let tokens {
                do {
                    // Created owner-only before the secrets are written into it.
                    guard FileManager.default.createFile(atPath: tokens, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                        throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: tokens])
                    }
                    try JSONEncoder().encode(report.tokens).write(to: URL(fileURLWithPath: tokens))
                } catch {
                    printError("cannot write \(tokens): \(error.localizedDescription)")
                    throw ExitCode(73)
                }
            } else {
                for (name, secret) in report.tokens.sorted(by: { $0.key < $1.key }) { print("\(name) token: \(secret)") }
            }
        }
    }
}
