import ArgumentParser
import CouncilService
import Foundation

struct MeetingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meeting", abstract: "Council meetings (協議会), agendas, minutes and decisions.",
        subcommands: [
            List.self, Show.self, New.self, Update.self, Propose.self, Add.self, Item.self, Remove.self, Decide.self,
            Handout.self, Export.self,
        ])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Meetings, newest first.")
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/meetings", QueryItems.of([("limit", 1000)]))
            try output.items(
                answer,
                columns: [
                    Column("ID", "id", right: true), Column("回", right: true) { "第\(JSONPath.text($0, "number"))回" }, Column("開催日", "held_on"),
                    Column("状態", "state", .meetingState), Column("名称", "title"),
                    Column("議題数", right: true) { String(($0["agenda"] as? [Any])?.count ?? 0) },
                ])
        }
    }

    static var agendaColumns: [Column] {
        [
            Column("項目", "id", right: true), Column("順", "position", right: true), Column("状態", "status", .agendaStatus),
            Column("議題") { JSONPath.text($0, "topic").isEmpty ? JSONPath.text($0, "issue.title") : JSONPath.text($0, "topic") },
            Column("課題") { $0["issue"] == nil ? "" : "#" + JSONPath.text($0, "issue.number") }, Column("発表", "presenter.name"),
            Column("分", "allotted_minutes", right: true), Column("決定事項", "decision"),
        ]
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A meeting and its agenda.")
        @Argument(help: "The meeting id.") var id: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/meetings/\(id)")
            let meeting = answer.object
            if output.json { return output.detail(answer, []) }
            if !output.csv {
                print(
                    "第\(JSONPath.text(meeting, "number"))回 \(JSONPath.text(meeting, "title")) · \(JSONPath.text(meeting, "held_on")) · \(JSONPath.text(meeting, "state"))"
                )
                print("出席: \(JSONPath.text(meeting, "attendees"))\n")
            }
            try output.list(answer, rows: meeting["agenda"] as? [[String: Any]] ?? [], columns: MeetingCommand.agendaColumns)
        }
    }

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Plan a meeting (secretariat).")
        @Option(name: .customLong("date"), help: "The day it is held (2026-03-31, 2026/3/31 or 令和8年3月31日).") var heldOn: String
        @Option(help: "Title.") var title: String
        @Option(help: "第N回 (default: the next number).") var number: Int?
        @Option(name: .customLong("attendee"), help: "An attending organization: id, name or short name (repeat).")
        var attendees: [OrganizationReference] = []
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let attending = try await attendees.ids(api)
            let answer = try await api.json(
                "POST", "v1/meetings",
                jsonFields([
                    ("held_on", try isoDate(heldOn, option: "date")), ("title", title), ("number", number),
                    ("attendee_ids", attending.isEmpty ? nil : attending),
                ]))
            say(
                "meeting \(JSONPath.text(answer.object, "id")): 第\(JSONPath.text(answer.object, "number"))回 \(title)",
                ja: "会議\(JSONPath.text(answer.object, "id")): 第\(JSONPath.text(answer.object, "number"))回 \(title)")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a meeting: date, title, state (planned, held, cancelled), attendees.")
        @Argument(help: "The meeting id.") var id: Int
        @Option(name: .customLong("date"), help: "The day (2026-03-31, 2026/3/31 or 令和8年3月31日).") var heldOn: String?
        @Option(help: "Title.") var title: String?
        @Option(help: "planned, held or cancelled.") var state: String?
        @Option(name: .customLong("attendee"), help: "An attending organization: id, name or short name (repeat; replaces the list).")
        var attendees: [OrganizationReference] = []
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let attending = try await attendees.ids(api)
            _ = try await api.json(
                "PATCH", "v1/meetings/\(id)",
                jsonFields([
                    ("held_on", try isoDate(heldOn, option: "date")), ("title", title), ("state", state),
                    ("attendee_ids", attending.isEmpty ? nil : attending),
                ]))
            say("meeting \(id) updated", ja: "会議\(id)を更新しました")
        }
    }

    struct Propose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Propose items from issues on_agenda and unresolved critical issues.")
        @Argument(help: "The meeting id.") var id: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().json("POST", "v1/meetings/\(id)/agenda/propose")
            try output.items(
                answer, columns: MeetingCommand.agendaColumns,
                footer: "confirm with: council meeting item \(id) ITEM --confirm")
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an agenda item: an issue (--issue) or a free topic (--topic).")
        @Argument(help: "The meeting id.") var id: Int
        @Option(help: "The issue number.") var issue: Int?
        @Option(help: "A free topic.") var topic: String?
        @Option(help: "The presenting organization: id, name or short name.") var presenter: OrganizationReference?
        @Option(help: "Allotted minutes.") var minutes: Int?
        @Option(help: "Position (default: last).") var position: Int?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            _ = try await api.json(
                "POST", "v1/meetings/\(id)/agenda",
                jsonFields([
                    ("issue_number", issue), ("topic", topic), ("presenter_organization_id", try await presenter.id(api)),
                    ("allotted_minutes", minutes),
                    ("position", position),
                ]))
            say("item added to meeting \(id)", ja: "会議\(id)に議題を加えました")
        }
    }

    struct Item: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm, move, time or write the minutes of an agenda item.")
        @Argument(help: "The meeting id.") var id: Int
        @Argument(help: "The item id.") var item: Int
        @Flag(help: "Confirm a proposed item.") var confirm = false
        @Option(help: "Move to this position.") var position: Int?
        @Option(name: .customLong("minutes"), help: "Allotted minutes.") var allotted: Int?
        @Option(help: "The presenting organization: id, name or short name.") var presenter: OrganizationReference?
        @Option(name: .customLong("record"), help: "The minutes (議事) of the item.") var record: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            _ = try await api.json(
                "PATCH", "v1/meetings/\(id)/agenda/\(item)",
                jsonFields([
                    ("status", confirm ? "confirmed" : nil), ("position", position), ("allotted_minutes", allotted),
                    ("presenter_organization_id", try await presenter.id(api)), ("minutes", record),
                ]))
            say("item \(item) updated", ja: "議題\(item)を更新しました")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an agenda item that has no decision.")
        @Argument(help: "The meeting id.") var id: Int
        @Argument(help: "The item id.") var item: Int
        @OptionGroup var client: ClientOptions

        func run() async throws {
            _ = try await client.client().send("DELETE", "v1/meetings/\(id)/agenda/\(item)")
            say("item \(item) removed", ja: "議題\(item)を外しました")
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the decision on an item; --move-to moves its issue in the same step.",
            discussion: "council meeting decide 3 17 '仕様書改定で対応' --move-to resolved --answer '第4.1版で改定'")
        @Argument(help: "The meeting id.") var id: Int
        @Argument(help: "The item id.") var item: Int
        @Argument(help: "The decision.") var decision: String
        @Option(name: .customLong("move-to"), help: "Move the linked issue to this state.") var moveTo: String?
        @Option(help: "The answer, when moving to resolved.") var answer: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            _ = try await client.client().json(
                "POST", "v1/meetings/\(id)/agenda/\(item)/decision",
                jsonFields([("decision", decision), ("move_to", moveTo), ("answer", answer)]))
            say("decision recorded on item \(item)", ja: "議題\(item)に決定を記録しました")
        }
    }

    struct Handout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The handout (議事次第 and 議事録) as Markdown.")
        @Argument(help: "The meeting id.") var id: Int
        @Option(name: .shortAndLong, help: "Write to this file (default: standard output).") var output: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try save(try await client.client().get("v1/meetings/\(id)/handout").data, to: output)
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The agenda, minutes and decisions as .xlsx or CSV.")
        @Argument(help: "The meeting id.") var id: Int
        @OptionGroup var file: CouncilCLI.Export.FileOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try save(try await client.client().get("v1/meetings/\(id)/export", file.query).data, to: file.output)
        }
    }
}
