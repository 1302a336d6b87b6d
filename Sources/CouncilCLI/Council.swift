import ArgumentParser

@main
struct Council: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "council",
        abstract: "Council: the issue tracker of the vendor council (事業者協議会) for local government system standardization.",
        discussion: """
            `council serve` runs the daemon; `council db` and `council admin` work on its database directly. Every other command is a client of the daemon's HTTP API, found through --url, COUNCIL_URL or `council login` (default http://127.0.0.1:8080), authenticated with --token, COUNCIL_TOKEN or `council login`.

            Lists print aligned tables (Japanese names line up); add --json for the daemon's JSON or --csv [--encoding cp932] for spreadsheets.

            Exit codes: 0 success · 1 the server refused the request (4xx) · 64 usage error · 66 unreadable input · 69 the daemon is unreachable · 70 the server failed (5xx) · 73 cannot write output · 78 bad configuration.
            """,
        subcommands: [
            Serve.self, DB.self, Admin.self, Dev.self, Login.self, Logout.self, WhoAmI.self,
            IssueCommand.self, QueryCommand.self, BlockersCommand.self, ReportCommand.self, MeetingCommand.self,
            ProductCommand.self, StatusCommand.self, AdoptionCommand.self, MunicipalityCommand.self, Import.self, Export.self,
            OrganizationCommand.self, AccountCommand.self, TokenCommand.self, AuditCommand.self, WebhookCommand.self, WatchCommand.self,
            NotificationsCommand.self,
        ]
    )
}
