import ArgumentParser
import CouncilDatabase
import CouncilService
import Foundation

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administration that talks to the database directly.",
        subcommands: [BootstrapCommand.self])

    struct BootstrapCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bootstrap",
            abstract: "Create the first secretariat administrator and print their API token.",
            discussion: """
                Refuses (and changes nothing) when an active secretariat admin exists, unless --force.
                The organization is found by name and the account by e-mail, so running it again never
                duplicates them. The token is printed once; only its hash is stored.
                """)

        @Option(help: "The secretariat's name.") var org: String = "デジタル庁 地方業務システム基盤チーム"
        @Option(name: .customLong("short-name"), help: "The secretariat's short name.") var shortName: String = "地方業務T"
        @Option(help: "The administrator's display name.") var name: String
        @Option(help: "The administrator's e-mail address.") var email: String
        @Flag(help: "Add an admin or a token even though a secretariat admin exists.") var force = false
        @OptionGroup var database: DB.DatabaseOptions

        func run() async throws {
            guard let address = EmailAddress(rawValue: email) else {
                printError("--email: '\(email)' is not an e-mail address")
                throw ExitCode(64)
            }
            let outcome: Bootstrap.Outcome
            do {
                outcome = try database.withConnection { connection, logger in
                    try Migrator(logger: logger).migrate(connection)
                    return try Bootstrap.run(
                        on: connection, organizationName: org, shortName: shortName,
                        displayName: name, email: address, force: force)
                }
            } catch let refused as Bootstrap.Refused {
                printError(refused.description)
                throw ExitCode(1)
            } catch let problem as Problem {
                printError(problem.detail)
                throw ExitCode(64)
            }
            print("Secretariat: \(outcome.organization.name) (id \(outcome.organization.id))")
            print("Admin:       \(outcome.account.displayName) <\(outcome.account.email)> (id \(outcome.account.id))")
            print("Token (shown once; store it now):")
            print(outcome.token.secret)
        }
    }
}
