import ArgumentParser
import CouncilService
import Foundation

struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remember the daemon's URL and your token (checked against the daemon) for later commands.",
        discussion:
            "Reads the token from COUNCIL_TOKEN, --token, or standard input, and saves it owner-only to \(LoginFile.path.path) (COUNCIL_CONFIG overrides)."
    )
    @OptionGroup var client: ClientOptions

    func run() async throws {
        var options = client
        if options.token == nil, ProcessInfo.processInfo.environment["COUNCIL_TOKEN"] == nil {
            FileHandle.standardError.write(Data("API token: ".utf8))
            options.token = readLine(strippingNewline: true)
        }
        let api = try options.client()
        guard let token = api.token else { throw ValidationError(words("no token given", ja: "トークンが指定されていません")) }
        let me = try await api.get("v1/me").object
        try LoginFile(url: api.baseURL.absoluteString, token: token).write()
        let who = "\(JSONPath.text(me, "account.display_name"))（\(JSONPath.text(me, "organization.name"))）"
        say("logged in to \(api.baseURL.absoluteString) as \(who)", ja: "\(api.baseURL.absoluteString)に\(who)としてログインしました")
    }
}

struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Forget what `council login` saved.")

    func run() async throws {
        try LoginFile.remove()
        say("logged out", ja: "ログアウトしました")
    }
}

struct WhoAmI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Your account, organization and permissions.")
    @OptionGroup var output: OutputOptions
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let answer = try await client.client().get("v1/me")
        let me = answer.object
        output.detail(
            answer,
            [
                (
                    "アカウント",
                    "\(JSONPath.text(me, "account.display_name")) <\(JSONPath.text(me, "account.email"))> (id \(JSONPath.text(me, "account.id")))"
                ),
                (
                    "組織",
                    "\(JSONPath.text(me, "organization.name")) (id \(JSONPath.text(me, "organization.id")), \(JSONPath.text(me, "organization.kind")))"
                ),
                ("役割", JSONPath.text(me, "account.role")), ("権限", JSONPath.text(me, "permissions")),
            ])
    }
}

struct OrganizationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org", abstract: "Organizations: the secretariat, vendors and observers.",
        subcommands: [List.self, Show.self, Create.self, Update.self])

    static var columns: [Column] {
        [
            Column("ID", "id", right: true), Column("種別", "kind", .organizationKind), Column("名称", "name"), Column("略称", "short_name"),
            Column("法人番号", "corporate_number"), Column("有効", "active"),
        ]
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List organizations.")
        @Option(help: "secretariat, vendor or observer.") var kind: String?
        @Option(help: "Page size (1-1000).") var limit = 1000
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/organizations", QueryItems.of([("kind", kind), ("limit", limit)]))
            try output.items(answer, columns: OrganizationCommand.columns)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one organization.")
        @Argument(help: "The organization id.") var id: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/organizations/\(id)")
            output.detail(answer, OrganizationCommand.columns.map { ($0.header, $0.value(answer.object)) })
        }
    }

    struct Fields: ParsableArguments {
        @Option(help: "Name (unique, width- and case-insensitively).") var name: String?
        @Option(name: .customLong("short-name"), help: "Short name.") var shortName: String?
        @Option(help: "Observers: association or ministry.") var category: String?
        @Option(help: "A ministry observer's ministry (slug).") var ministry: String?
        @Option(name: .customLong("corporate-number"), help: "法人番号 (13 digits).") var corporateNumber: String?
        @Option(help: "true or false.") var active: Bool?

        var body: [String: Any] {
            jsonFields([
                ("name", name), ("short_name", shortName), ("category", category), ("ministry", ministry),
                ("corporate_number", corporateNumber), ("active", active),
            ])
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an organization (secretariat admins): --kind, --name and --short-name are required.")
        @Option(help: "secretariat, vendor or observer (required).") var kind: String
        @OptionGroup var fields: Fields
        @OptionGroup var client: ClientOptions

        func validate() throws {
            let missing = [("--name", fields.name), ("--short-name", fields.shortName)].filter { $0.1 == nil }.map(\.0)
            if !missing.isEmpty {
                throw ValidationError(
                    "a new organization needs \(missing.joined(separator: " and ")) (and --kind); a vendor may add --corporate-number")
            }
        }

        func run() async throws {
            var body = fields.body
            body["kind"] = kind
            let answer = try await client.client().json("POST", "v1/organizations", body)
            say(
                "organization \(JSONPath.text(answer.object, "id")) \(JSONPath.text(answer.object, "name"))",
                ja: "組織\(JSONPath.text(answer.object, "id")) \(JSONPath.text(answer.object, "name"))")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an organization (secretariat admins).")
        @Argument(help: "The organization id.") var id: Int
        @OptionGroup var fields: Fields
        @OptionGroup var client: ClientOptions

        func run() async throws {
            _ = try await client.client().json("PATCH", "v1/organizations/\(id)", fields.body)
            say("organization \(id) updated", ja: "組織\(id)を更新しました")
        }
    }
}

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Accounts of people; vendors and observers see their own organization's.",
        subcommands: [List.self, Show.self, Create.self, Update.self, Invite.self])

    static var columns: [Column] {
        [
            Column("ID", "id", right: true), Column("組織", "organization_id", right: true), Column("氏名", "display_name"),
            Column("メール", "email"), Column("役割", "role", .role), Column("組織管理", "org_admin"), Column("有効", "active"),
        ]
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @Option(name: .customLong("organization"), help: "Only this organization's (id, name or short name).")
        var organization: OrganizationReference?
        @Option(help: "admin, member or liaison.") var role: String?
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let answer = try await api.get(
                "v1/accounts", QueryItems.of([("organization_id", try await organization.id(api)), ("role", role), ("limit", 1000)]))
            try output.items(answer, columns: AccountCommand.columns)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one account.")
        @Argument(help: "The account id.") var id: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/accounts/\(id)")
            output.detail(answer, AccountCommand.columns.map { ($0.header, $0.value(answer.object)) })
        }
    }

    struct Fields: ParsableArguments {
        @Option(name: .customLong("name"), help: "Display name.") var displayName: String?
        @Option(help: "E-mail address.") var email: String?
        @Option(help: "admin, member or liaison (admin and liaison: secretariat only).") var role: String?
        @Option(name: .customLong("org-admin"), help: "May manage its organization's accounts (true/false).") var orgAdmin: Bool?
        @Option(help: "true or false.") var active: Bool?
        @Option(name: .customLong("prefecture"), help: "A liaison's prefecture (repeat).") var prefectures: [String] = []

        var body: [String: Any] {
            jsonFields([
                ("display_name", displayName), ("email", email), ("role", role), ("org_admin", orgAdmin), ("active", active),
                ("prefectures", prefectures.isEmpty ? nil : prefectures),
            ])
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account.")
        @Option(name: .customLong("organization"), help: "Its organization: id, name or short name.") var organization: OrganizationReference
        @OptionGroup var fields: Fields
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            var body = fields.body
            body["organization_id"] = try await organization.id(api)
            let answer = try await api.json("POST", "v1/accounts", body)
            say(
                "account \(JSONPath.text(answer.object, "id")) \(JSONPath.text(answer.object, "display_name"))",
                ja: "アカウント\(JSONPath.text(answer.object, "id")) \(JSONPath.text(answer.object, "display_name"))")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an account.")
        @Argument(help: "The account id.") var id: Int
        @OptionGroup var fields: Fields
        @OptionGroup var client: ClientOptions

        func run() async throws {
            _ = try await client.client().json("PATCH", "v1/accounts/\(id)", fields.body)
            say("account \(id) updated", ja: "アカウント\(id)を更新しました")
        }
    }
}

extension AccountCommand {
    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a one-time link that sets an account's password for the web pages.",
            discussion: """
                An account without a password gets an invitation (valid 7 days); one with a password
                gets a reset link (valid 1 day). Either works once, and any older link of the account
                stops working. With --organization and --name, an account that does not exist yet is
                created first. Send the link to the person yourself; Council shows it only now.
                """)
        @Argument(help: "The person's e-mail address.") var email: String
        @Option(name: .customLong("organization"), help: "Create the account in this organization (id, name or short name).")
        var organization: OrganizationReference?
        @OptionGroup var fields: Fields
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let found = try await api.get("v1/accounts", QueryItems.of([("email", email)]))
            var id = (JSONPath.value(found.object, "items") as? [Any])?.first.flatMap { JSONPath.value($0, "id") as? Int }
            if id == nil {
                guard let organization, fields.displayName != nil else {
                    printError(
                        words(
                            "no account has the e-mail address \(email); give --organization and --name to create it",
                            ja: "メールアドレス\(email)のアカウントはありません。作るには --organization と --name を指定してください"))
                    throw ExitCode(1)
                }
                var body = fields.body
                body["email"] = email
                body["organization_id"] = try await organization.id(api)
                let created = try await api.json("POST", "v1/accounts", body)
                id = JSONPath.value(created.object, "id") as? Int
                say(
                    "account \(JSONPath.text(created.object, "id")) \(JSONPath.text(created.object, "display_name")) created",
                    ja: "アカウント\(JSONPath.text(created.object, "id")) \(JSONPath.text(created.object, "display_name"))を作りました")
            }
            guard let id else { throw ExitCode(1) }
            let link = try await api.json("POST", "v1/accounts/\(id)/password-link", [:])
            let invitation = JSONPath.text(link.object, "purpose") == "invitation"
            let until = JSONPath.text(link.object, "expires_at")
            say(
                "\(invitation ? "Invitation" : "Password reset") for \(email), works once until \(until):",
                ja: "\(email)への\(invitation ? "招待" : "パスワード再設定")のリンク（\(until)まで、一度だけ使えます）：")
            print(JSONPath.text(link.object, "url"))
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "API tokens: yours, or those of accounts you manage.", subcommands: [List.self, Create.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An account's tokens (never their secrets).")
        @Option(help: "The account id (default: yours).") var account: Int?
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let id = try await TokenCommand.account(account, api)
            let answer = try await api.get("v1/accounts/\(id)/tokens")
            try output.items(
                answer,
                columns: [
                    Column("ID", "id", right: true), Column("名前", "name"), Column("先頭", "hint"), Column("期限", "expires_at"),
                    Column("最終利用", "last_used_at"), Column("失効", "revoked_at"),
                ])
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token; its secret is printed once.")
        @Argument(help: "A name to tell it apart.") var name: String
        @Option(help: "The account id (default: yours).") var account: Int?
        @Option(name: .customLong("expires-at"), help: "ISO 8601 time it expires.") var expiresAt: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let id = try await TokenCommand.account(account, api)
            let answer = try await api.json("POST", "v1/accounts/\(id)/tokens", jsonFields([("name", name), ("expires_at", expiresAt)]))
            print(JSONPath.text(answer.object, "secret"))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token at once.")
        @Argument(help: "The token id.") var id: Int
        @OptionGroup var client: ClientOptions

        func run() async throws {
            _ = try await client.client().send("DELETE", "v1/tokens/\(id)")
            say("token \(id) revoked", ja: "トークン\(id)を無効にしました")
        }
    }

    static func account(_ given: Int?, _ api: APIClient) async throws -> String {
        if let given { return String(given) }
        return JSONPath.text(try await api.get("v1/me").object, "account.id")
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit log, newest first (secretariat).")
    @Option(help: "Only this account's actions.") var actor: Int?
    @Option(help: "Only this organization's actions (id, name or short name).") var organization: OrganizationReference?
    @Option(name: .customLong("entity-type"), help: "issue, product, adoption, ...") var entityType: String?
    @Option(name: .customLong("entity-id"), help: "Only this entity.") var entityID: String?
    @Option(help: "Only this action (issue.update, ...).") var action: String?
    @Option(help: "From this time (ISO 8601).") var since: String?
    @Option(help: "Before this entry id (the next page).") var before: Int?
    @Option(help: "Entries per page.") var limit = 100
    @OptionGroup var output: OutputOptions
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let answer = try await api.get(
            "v1/audit",
            QueryItems.of([
                ("actor", actor), ("organization", try await organization.id(api)), ("entity_type", entityType), ("entity_id", entityID),
                ("action", action),
                ("since", since), ("before", before), ("limit", limit),
            ]))
        let next = answer.object["next_before"].map { JSONPath.describe($0) } ?? ""
        try output.items(
            answer,
            columns: [
                Column("ID", "id", right: true), Column("日時") { String(JSONPath.text($0, "at").prefix(19)) }, Column("アカウント", "actor_account_id"),
                Column("操作") { JSONPath.japanese($0, "action", .auditAction) },
                Column("対象") { "\(JSONPath.japanese($0, "entity_type", .auditEntity)) \(JSONPath.text($0, "entity_id"))" },
                Column("変更") { ($0["changes"] as? [String: Any])?.keys.sorted().joined(separator: ", ") ?? "" },
            ], footer: next.isEmpty ? nil : "next page: --before \(next)")
    }
}
