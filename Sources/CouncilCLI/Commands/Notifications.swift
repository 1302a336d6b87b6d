import ArgumentParser
import CouncilService
import Foundation

struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Webhook endpoints of an organization (its administrators; the secretariat's for any).",
        subcommands: [List.self, Create.self, Show.self, Update.self, Delete.self, RotateSecret.self, Deliveries.self, Redeliver.self])

    static var columns: [Column] {
        [
            Column("ID", "id", right: true), Column("組織", "organization_id", right: true), Column("URL", "url"),
            Column("イベント") { row in
                let types = (row["event_types"] as? [String]) ?? []
                return types.isEmpty ? "すべて" : types.joined(separator: ",")
            },
            Column("範囲") { JSONPath.text($0, "scope") == "own" ? "自組織" : "すべて" },
            Column("有効") { ($0["enabled"] as? Bool) == true ? "有効" : "停止" }, Column("停止の理由", "disabled_reason"), Column("説明", "description"),
        ]
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Endpoints of your organization (or --organization's).")
        @Option(help: "An organization's id, name or short name.") var organization: OrganizationReference?
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let query = QueryItems.of([("organization", try await organization?.id(api))])
            try output.items(try await api.get("v1/webhooks", query), columns: WebhookCommand.columns)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an endpoint; its whsec_ secret is printed once.")
        @Argument(help: "The receiver's https URL.") var url: String
        @Option(name: .customLong("event"), help: "An event type it wants (repeat; default every type). See `council webhook create --help`.")
        var events: [String] = []
        @Option(help: "What it is for.") var description: String?
        @Flag(help: "Only what concerns the organization (issues it reported, is assigned or named in; its filings).") var own = false
        @Option(help: "For this organization (id, name or short name; secretariat administrators).") var organization: OrganizationReference?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let answer = try await api.json(
                "POST", "v1/webhooks",
                jsonFields([
                    ("url", url), ("event_types", events.isEmpty ? nil : events), ("description", description), ("scope", own ? "own" : nil),
                    ("organization_id", try await organization?.id(api)),
                ]))
            say(
                "webhook \(JSONPath.text(answer.object, "id")) registered; its secret (shown once):",
                ja: "Webhook \(JSONPath.text(answer.object, "id"))を登録しました。秘密（一度だけ表示します）：")
            print(JSONPath.text(answer.object, "secret"))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One endpoint.")
        @Argument(help: "The endpoint id.") var id: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/webhooks/\(id)")
            output.detail(answer, WebhookCommand.columns.map { ($0.header, $0.value(answer.object)) })
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an endpoint; --enable resumes one that was disabled.")
        @Argument(help: "The endpoint id.") var id: Int
        @Option(name: .customLong("endpoint-url"), help: "A new URL for the receiver.") var endpointURL: String?
        @Option(name: .customLong("event"), help: "Event types it wants (repeat; replaces the list).") var events: [String] = []
        @Flag(name: .customLong("all-events"), help: "Every event type.") var allEvents = false
        @Option(help: "all (everything the organization may see) or own (what concerns it).") var scope: String?
        @Option(help: "What it is for.") var description: String?
        @Flag(inversion: .prefixedEnableDisable, help: "Deliver to it or not.") var enable: Bool?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let types: [String]? = allEvents ? [] : events.isEmpty ? nil : events
            let answer = try await client.client().json(
                "PATCH", "v1/webhooks/\(id)",
                jsonFields([("url", endpointURL), ("event_types", types), ("scope", scope), ("description", description), ("enabled", enable)]))
            print(
                "webhook \(id): \(JSONPath.text(answer.object, "enabled") == "true" ? "enabled" : "disabled"), \(JSONPath.text(answer.object, "url"))"
            )
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an endpoint and its delivery log.")
        @Argument(help: "The endpoint id.") var id: Int
        @OptionGroup var client: ClientOptions

        func run() async throws {
            _ = try await client.client().send("DELETE", "v1/webhooks/\(id)")
            say("webhook \(id) removed", ja: "Webhook \(id)を削除しました")
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret", abstract: "A new secret, printed once; the old one also signs for 24 hours.")
        @Argument(help: "The endpoint id.") var id: Int
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().json("POST", "v1/webhooks/\(id)/secret")
            print(JSONPath.text(answer.object, "secret"))
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An endpoint's delivery log, newest first.")
        @Argument(help: "The endpoint id.") var id: Int
        @Option(help: "pending, delivered, failed or skipped.") var state: String?
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/webhooks/\(id)/deliveries", QueryItems.of([("state", state), ("limit", 200)]))
            try output.items(
                answer,
                columns: [
                    Column("ID", "id", right: true), Column("イベント", "event_type"), Column("webhook-id", "message_id"), Column("状態", "state"),
                    Column("試行", "attempts", right: true),
                    Column("最後の応答") { row in
                        guard let last = (row["log"] as? [[String: Any]])?.last else { return "" }
                        return JSONPath.text(last, "status").isEmpty ? JSONPath.text(last, "error") : "HTTP \(JSONPath.text(last, "status"))"
                    },
                    Column("次の試行", "next_attempt_at"),
                ])
        }
    }

    struct Redeliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a delivery's event again (same webhook-id).")
        @Argument(help: "The endpoint id.") var id: Int
        @Argument(help: "The delivery id.") var delivery: Int
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().json("POST", "v1/webhooks/\(id)/deliveries/\(delivery)/redeliver")
            say("delivery \(JSONPath.text(answer.object, "id")) queued", ja: "配信\(JSONPath.text(answer.object, "id"))を送り直しの列に入れました")
        }
    }
}

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print the council's events as they happen (what you may see), reconnecting without gaps.",
        discussion: "Each line: time, event type, subject. --json prints each event's JSON. Stops with Ctrl-C.")
    @Option(help: "Only events of this issue.") var issue: Int?
    @Option(help: "Only events concerning this vendor (id, name or short name).") var vendor: OrganizationReference?
    @Option(name: .customLong("event"), help: "Only this event type (repeat).") var events: [String] = []
    @Option(help: "Continue after this event id (as printed with --json).") var after: String?
    @Flag(help: "Print each event's JSON on one line.") var json = false
    @Flag(help: "Print what happened since --after, then stop.") var once = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let query = QueryItems.of([
            ("issue", issue), ("vendor", try await vendor?.id(api)), ("types", events.isEmpty ? nil : events.joined(separator: ",")),
            ("follow", once ? "false" : nil),
        ])
        var last = after
        while true {
            let reader = EventStreamReader(api: api, query: query, lastEventID: last)
            do {
                for try await event in reader.events() {
                    last = event.id
                    // Written at once: whoever pipes it reads each event as it comes.
                    FileHandle.standardOutput.write(Data(((json ? event.data : Self.line(event)) + "\n").utf8))
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                printError(
                    words("the stream broke (\(error.localizedDescription)); reconnecting", ja: "ストリームが切れました（\(error.localizedDescription)）。つなぎ直します"))
            }
            if once { return }
            try await Task.sleep(for: .seconds(2))
        }
    }

    static func line(_ event: EventStreamReader.Event) -> String {
        let object = (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any] ?? [:]
        let data = object["data"] as? [String: Any] ?? [:]
        var subject = ""
        if let issue = data["issue"] as? [String: Any] {
            subject = "#\(JSONPath.text(issue, "number")) \(JSONPath.text(issue, "title"))"
        } else if let meeting = data["meeting"] as? [String: Any] {
            subject = "第\(JSONPath.text(meeting, "number"))回 \(JSONPath.text(meeting, "title"))"
        } else if data["vendor_id"] != nil {
            subject = "vendor \(JSONPath.text(data, "vendor_id"))"
        }
        return "\(JSONPath.text(object, "timestamp"))  \(event.type)  \(subject)"
    }
}

struct NotificationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications", abstract: "How you are told by e-mail: each change, a daily digest, or none.",
        subcommands: [Show.self, Choose.self, Bounce.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your e-mail notification setting.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            print(JSONPath.text(try await client.client().get("v1/me/notifications").object, "mail"))
        }
    }

    struct Choose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Choose each (a mail per change), digest (one a day at 8:00) or none.")
        @Argument(help: "each, digest or none.") var mail: String
        @OptionGroup var client: ClientOptions

        func validate() throws {
            guard ["each", "digest", "none"].contains(mail) else {
                throw ValidationError(words("give each, digest or none", ja: "each・digest・none のどれかを指定してください"))
            }
        }

        func run() async throws {
            let answer = try await client.client().json("PUT", "v1/me/notifications", ["mail": mail])
            say("e-mail notifications: \(JSONPath.text(answer.object, "mail"))", ja: "メール通知: \(JSONPath.text(answer.object, "mail"))")
        }
    }

    /// For the mail system: the bounce mailbox pipes each returned mail here
    /// (`council-bounces: "|/usr/local/bin/council notifications bounce"` with COUNCIL_TOKEN set).
    struct Bounce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a returned mail (a delivery status notification) from FILE or standard input (secretariat admins).")
        @Argument(help: "The returned mail as received; standard input when absent.") var file: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let data: Data
            if let file {
                do {
                    data = try Data(contentsOf: URL(fileURLWithPath: file))
                } catch {
                    printError(words("cannot read \(file): \(error.localizedDescription)", ja: "\(file)を読めません: \(error.localizedDescription)"))
                    throw ExitCode(66)
                }
            } else {
                data = FileHandle.standardInput.readDataToEndOfFile()
            }
            let answer = try await client.client().send(
                "POST", "v1/mail/bounces", body: data, contentType: "message/rfc822", headers: ["Idempotency-Key": UUID().uuidString])
            let report = answer.object
            for recipient in report["recipients"] as? [[String: Any]] ?? [] {
                let delivery = recipient["delivery_id"] as? Int
                print(
                    "\(JSONPath.text(recipient, "recipient"))  \(JSONPath.text(recipient, "action"))  \(JSONPath.text(recipient, "status"))  "
                        + (delivery.map { "delivery \($0) recorded as bounced" } ?? "no delivery of ours recorded"))
            }
        }
    }
}
