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
            abstract: "Create the first secretariat administrator; print their sign-in link and API token.",
            discussion: """
                Refuses (and changes nothing) when an active secretariat admin exists, unless --force.
                The organization is found by name and the account by e-mail, so running it again never
                duplicates them. The link (one use, 7 days) sets the password for the web pages; it is
                under the public address (--public-url, COUNCIL_PUBLIC_URL, else http://HOST:PORT from
                COUNCIL_HOST and COUNCIL_PORT). The token is printed once, last; only hashes are stored.
                """)

        @Option(help: "The secretariat's name.") var org: String = "デジタル庁 地方業務システム基盤チーム"
        @Option(name: .customLong("short-name"), help: "The secretariat's short name.") var shortName: String = "地方業務T"
        @Option(help: "The administrator's display name.") var name: String
        @Option(help: "The administrator's e-mail address.") var email: String
        @Flag(help: "Add an admin or a token even though a secretariat admin exists.") var force = false
        @Option(name: .customLong("public-url"), help: "The address people open (COUNCIL_PUBLIC_URL).") var publicURL: String?
        @OptionGroup var database: DB.DatabaseOptions

        func run() async throws {
            guard let address = EmailAddress(rawValue: email) else {
                printError(words("--email: '\(email)' is not an e-mail address", ja: "--email: 「\(email)」はメールアドレスではありません"))
                throw ExitCode(64)
            }
            let publicAddress = try loadConfiguration(DaemonSettings(publicURL: publicURL)).publicURL
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
            say(
                "Secretariat: \(outcome.organization.name) (id \(outcome.organization.id))",
                ja: "事務局:   \(outcome.organization.name)（ID \(outcome.organization.id)）")
            say(
                "Admin:       \(outcome.account.displayName) <\(outcome.account.email)> (id \(outcome.account.id))",
                ja: "管理者:   \(outcome.account.displayName) <\(outcome.account.email)>（ID \(outcome.account.id)）")
            let until = outcome.passwordLink.expiresAt.formatted(.iso8601)
            say(
                "Set the password for the web pages here (works once, until \(until)):",
                ja: "Webページのパスワードはここで設定してください（\(until)まで、一度だけ使えます）：")
            print(publicAddress + outcome.passwordLink.path)
            say("Token (shown once; store it now):", ja: "トークン（一度だけ表示します。いま保管してください）：")
            print(outcome.token.secret)
        }
    }
}
