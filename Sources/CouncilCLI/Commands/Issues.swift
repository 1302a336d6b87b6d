import ArgumentParser
import CouncilDatabase
import CouncilService
import Foundation

/// The filters of `GET /v1/issues`, shared by `issue list`, `export issues` and `query save`.
struct IssueFilterOptions: ParsableArguments {
    @Option(help: "State (repeat or comma-separate): new, triaged, in_discussion, on_agenda, resolved, closed, rejected, duplicate.")
    var state: [String] = []
    @Option(help: "Category: spec, gov_cloud, data_migration, resources, schedule, cost, regulation, other.") var category: [String] = []
    @Option(help: "Severity: low, medium, high, critical.") var severity: [String] = []
    @Option(help: "A vendor concerned (id, name or short name: --vendor TKC).") var vendor: OrganizationReference?
    @Option(name: .customLong("business-area"), help: "Business area slug (juki, kokuho, ...).") var businessArea: [String] = []
    @Option(help: "An affected 団体 (6-digit code).") var municipality: String?
    @Option(help: "Affected 団体 in this prefecture (01-47).") var prefecture: String?
    @Option(help: "Affected 団体 in this liaison block (hokkaido, tohoku, ...).") var block: String?
    @Option(help: "Impact on that 団体: blocked, at_risk, affected.") var impact: [String] = []
    @Option(help: "Assigned organization (id, name or short name).") var assignee: OrganizationReference?
    @Option(name: .customLong("reporter-organization"), help: "Reporting organization (id, name or short name).")
    var reporterOrganization: OrganizationReference?
    @Option(help: "A label.") var label: String?
    @Option(name: .customLong("due-before"), help: "Due before this date (2026-03-31, 2026/3/31 or 令和8年3月31日).") var dueBefore: String?
    @Option(name: .customLong("updated-since"), help: "Changed since (YYYY-MM-DD or ISO 8601 time).") var updatedSince: String?
    @Option(name: [.customShort("q"), .customLong("search")], help: "Text in the title, body or comments (Japanese substrings work: 帳票).") var search:
        String?
    @Option(help: "number, updated, due or severity; prefix - for descending (default -updated).") var sort: String?
    @Option(name: .customLong("saved-query"), help: "Run a saved query (its id); the options above override it.") var savedQuery: Int?

    /// The query string, with organizations named by name resolved to their ids.
    func query(_ api: APIClient) async throws -> [URLQueryItem] {
        let vendor = try await vendor.id(api, kind: "vendor")
        let assignee = try await assignee.id(api)
        let reporterOrganization = try await reporterOrganization.id(api)
        var items: [URLQueryItem] = []
        func add(_ name: String, _ value: String?) { if let value { items.append(URLQueryItem(name: name, value: value)) } }
        state.forEach { add("state", $0) }
        category.forEach { add("category", $0) }
        severity.forEach { add("severity", $0) }
        businessArea.forEach { add("business_area", $0) }
        impact.forEach { add("impact", $0) }
        add("vendor", vendor.map(String.init))
        add("municipality", municipality)
        add("prefecture", prefecture)
        add("block", block)
        add("assignee", assignee.map(String.init))
        add("reporter_organization", reporterOrganization.map(String.init))
        add("label", label)
        // A form the API does not read goes as typed, and its 400 names it.
        add("due_before", dueBefore.map { TypedDate.isoDate($0) ?? $0 })
        add("updated_since", updatedSince)
        add("q", search)
        add("sort", sort)
        add("saved_query", savedQuery.map(String.init))
        return items
    }

    /// The same filters as a saved query's JSON.
    func filters(_ api: APIClient) async throws -> [String: [String]] {
        Dictionary(
            try await query(api).filter { $0.name != "saved_query" }.map { ($0.name, [$0.value ?? ""]) }, uniquingKeysWith: { $0 + $1 })
    }
}

/// The writable fields of an issue, for `issue new` and `issue edit`.
struct IssueFieldOptions: ParsableArguments {
    @Option(help: "Title.") var title: String?
    @Option(name: .customLong("body"), help: "Body (Markdown).") var bodyText: String?
    @Option(name: .customLong("body-file"), help: "Read the body from this file ('-' for standard input).") var bodyFile: String?
    @Option(help: "Category: spec, gov_cloud, data_migration, resources, schedule, cost, regulation, other.") var category: String?
    @Option(help: "Severity: low, medium, high, critical.") var severity: String?
    @Option(help: "council (all members) or restricted (reporter, assignee, secretariat).") var visibility: String?
    @Option(name: .customLong("vendor"), help: "A vendor concerned (id, name or short name; repeat for several).")
    var vendors: [OrganizationReference] = []
    @Option(name: .customLong("business-area"), help: "A business area (repeat for several).") var businessAreas: [String] = []
    @Option(
        name: .customLong("municipality"),
        help: "An affected 団体 as CODE:IMPACT[:AREA+AREA], e.g. 011002:blocked:juki+kokuho (repeat; replaces the list).")
    var municipalities: [String] = []
    @Option(help: "Assigned organization: id, name or short name (secretariat).") var assignee: OrganizationReference?
    @Option(help: "Due date: 2026-03-31, 2026/3/31 or 令和8年3月31日 (secretariat).") var due: String?
    @Option(name: .customLong("label"), help: "A label (repeat; replaces the list).") var labels: [String] = []

    func fields(_ api: APIClient) async throws -> [String: Any] {
        var fields: [String: Any] = [:]
        if let title { fields["title"] = title }
        if let text = try readBody() { fields["body"] = text }
        if let category { fields["category"] = category }
        if let severity { fields["severity"] = severity }
        if let visibility { fields["visibility"] = visibility }
        if !vendors.isEmpty { fields["vendor_ids"] = try await vendors.ids(api, kind: "vendor") }
        if !businessAreas.isEmpty { fields["business_areas"] = businessAreas }
        if !municipalities.isEmpty { fields["municipalities"] = try municipalities.map(Self.link) }
        if let assignee = try await assignee.id(api) { fields["assignee_organization_id"] = assignee }
        if let due { fields["due_date"] = try isoDate(due, option: "due") }
        if !labels.isEmpty { fields["labels"] = labels }
        return fields
    }

    private func readBody() throws -> String? {
        guard let bodyFile else { return bodyText }
        let data = bodyFile == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: bodyFile)
        guard let data, let text = String(data: data, encoding: .utf8) else {
            printError(words("cannot read \(bodyFile) as UTF-8 text", ja: "\(bodyFile)をUTF-8の文字列として読めません"))
            throw ExitCode(66)
        }
        return text
    }

    static func link(_ text: String) throws -> [String: Any] {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else {
            throw ValidationError(
                words(
                    "--municipality '\(text)': expected CODE:IMPACT or CODE:IMPACT:AREA+AREA",
                    ja: "--municipality 「\(text)」: CODE:IMPACT か CODE:IMPACT:AREA+AREA の形で書いてください"))
        }
        var link: [String: Any] = ["dantai_code": parts[0], "impact": parts[1]]
        if parts.count == 3 { link["business_areas"] = parts[2].split(separator: "+").map(String.init) }
        return link
    }
}

struct IssueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Migration issues (課題): find, read, report, edit, move, discuss, relate, follow.",
        subcommands: [
            List.self, Show.self, New.self, Edit.self, Move.self, Transitions.self, Comment.self, Comments.self, Revisions.self,
            Attach.self, Attachments.self, Download.self, Link.self, Unlink.self, Relations.self, Watch.self, Unwatch.self, Watchers.self,
            Events.self,
        ])

    struct Transitions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Where you may move an issue now, and why a move is blocked.")
        @Argument(help: "The issue number.") var number: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let answer = try await api.get("v1/issues/\(number)/transitions")
            var footer: String?
            if (answer.object["items"] as? [Any])?.isEmpty ?? true, output.isTable {
                // An empty table says why: every move from here belongs to other roles.
                let state = JSONPath.text(try await api.get("v1/issues/\(number)").object, "state")
                footer =
                    "#\(number) is \(state): no move from this state is open to you (the secretariat triages and closes; "
                    + "the assigned organization and the vendors concerned discuss and resolve)"
            }
            try output.items(
                answer,
                columns: [
                    Column("移動先", "to", .issueState), Column("可否", "possible"), Column("理由", "reason"),
                ], footer: footer)
        }
    }

    struct Revisions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The earlier texts of an edited comment.")
        @Argument(help: "The issue number.") var number: Int
        @Argument(help: "The comment id.") var comment: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/issues/\(number)/comments/\(comment)/revisions")
            try output.items(
                answer,
                columns: [
                    Column("置換日時") { String(JSONPath.text($0, "replaced_at").prefix(19)) }, Column("編集者", "replaced_by", right: true),
                    Column("本文", "body"),
                ])
        }
    }

    struct Watchers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Who follows an issue.")
        @Argument(help: "The issue number.") var number: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/issues/\(number)/watchers")
            try output.items(
                answer,
                columns: [
                    Column("種別", "kind"), Column("ID", "id", right: true), Column("名前", "name"),
                    Column("開始") { String(JSONPath.text($0, "since").prefix(10)) },
                ])
        }
    }

    static var columns: [Column] {
        [
            Column("番号", right: true) { "#" + JSONPath.text($0, "number") }, Column("状態", "state", .issueState),
            Column("重要度", "severity", .severity), Column("分類", "category", .category), Column("件名", "title"),
            Column("報告", "reporter_organization.name"),
            Column("更新", right: false) {
                String(JSONPath.text($0, "updated_at").prefix(10))
            },
        ]
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the issues you may see, filtered and sorted.")
        @OptionGroup var filters: IssueFilterOptions
        @Option(help: "Issues per page (1-500).") var limit = 50
        @Option(help: "Continue after this cursor (printed under the previous page).") var cursor: String?
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            var query = try await filters.query(try client.client()) + [URLQueryItem(name: "limit", value: String(limit))]
            if let cursor { query.append(URLQueryItem(name: "cursor", value: cursor)) }
            let answer = try await client.client().get("v1/issues", query)
            let page = answer.object
            let items = page["items"] as? [[String: Any]] ?? []
            var footer = "\(items.count) of \(JSONPath.text(page, "total")) issues"
            if let next = page["next_cursor"] as? String { footer += " · next page: --cursor \(next)" }
            try output.list(answer, rows: items, columns: IssueCommand.columns, footer: footer)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one issue with its relations and comments.")
        @Argument(help: "The issue number.") var number: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let answer = try await api.get("v1/issues/\(number)")
            let issue = answer.object
            let relations = try await api.get("v1/issues/\(number)/relations").object["items"] as? [[String: Any]] ?? []
            let comments = try await api.get("v1/issues/\(number)/comments").object["items"] as? [[String: Any]] ?? []
            let links = (issue["municipalities"] as? [[String: Any]] ?? []).map {
                "\(JSONPath.text($0, "dantai_code")) \(JSONPath.text($0, "name")) \(JSONPath.japanese($0, "impact", .impact)) "
                    + JSONPath.japanese($0, "business_areas", .businessArea)
            }
            output.detail(
                answer,
                [
                    ("番号", "#\(number)"), ("件名", JSONPath.text(issue, "title")), ("状態", JSONPath.japanese(issue, "state", .issueState)),
                    ("分類", JSONPath.japanese(issue, "category", .category)), ("重要度", JSONPath.japanese(issue, "severity", .severity)),
                    ("公開範囲", JSONPath.japanese(issue, "visibility", .visibility)), ("報告組織", JSONPath.text(issue, "reporter_organization.name")),
                    ("担当組織", JSONPath.text(issue, "assignee_organization.name")), ("ベンダー", JSONPath.text(issue, "vendors")),
                    ("業務", JSONPath.japanese(issue, "business_areas", .businessArea)), ("影響団体", links.joined(separator: "\n")),
                    ("期限", JSONPath.text(issue, "due_date")), ("ラベル", JSONPath.text(issue, "labels")), ("回答", JSONPath.text(issue, "answer")),
                    (
                        "関連",
                        relations.map { "\(JSONPath.japanese($0, "kind", .relation)) #\(JSONPath.text($0, "issue")) \(JSONPath.text($0, "title"))" }
                            .joined(
                                separator: "\n")
                    ),
                    ("ETag", answer.headers["etag"] ?? ""), ("本文", JSONPath.text(issue, "body")),
                    (
                        "コメント",
                        comments.map {
                            "[\(JSONPath.text($0, "id"))] \(JSONPath.text($0, "author_name"))（\(JSONPath.text($0, "author_organization.name"))）: \(JSONPath.text($0, "body"))"
                        }.joined(separator: "\n")
                    ),
                ])
        }
    }

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report an issue; prints its number.",
            discussion: "Example: council issue new --title 帳票レイアウト変更 --category spec --severity high --municipality 011002:blocked:juki")
        @OptionGroup var fields: IssueFieldOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func validate() throws {
            if fields.title == nil || fields.category == nil || fields.severity == nil {
                throw ValidationError(
                    words("a new issue needs --title, --category and --severity", ja: "新しい課題には --title、--category、--severity が必要です"))
            }
        }

        func run() async throws {
            let api = try client.client()
            let answer = try await api.json("POST", "v1/issues", try await fields.fields(api))
            if output.json { return output.detail(answer, []) }
            print("#\(JSONPath.text(answer.object, "number")) \(JSONPath.text(answer.object, "title"))")
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change fields of an issue.",
            discussion:
                "Sends If-Match with the version you last saw (--etag) or the current one, so a concurrent edit is never overwritten silently.")
        @Argument(help: "The issue number.") var number: Int
        @OptionGroup var fields: IssueFieldOptions
        @Option(help: "The ETag you edited from (from `issue show`); default: the current one.") var etag: String?
        @Flag(name: .customLong("clear-assignee"), help: "Remove the assignee.") var clearAssignee = false
        @Flag(name: .customLong("clear-due"), help: "Remove the due date.") var clearDue = false
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            var body = try await fields.fields(api)
            if clearAssignee { body["assignee_organization_id"] = NSNull() }
            if clearDue { body["due_date"] = NSNull() }
            guard !body.isEmpty else {
                throw ValidationError(words("nothing to change: give at least one field option", ja: "変更がありません。項目のオプションを1つ以上指定してください"))
            }
            var tag = etag
            if tag == nil { tag = try await api.get("v1/issues/\(number)").headers["etag"] }
            let answer = try await api.json("PATCH", "v1/issues/\(number)", body, headers: ["If-Match": tag ?? ""])
            if output.json { return output.detail(answer, []) }
            say("#\(number) updated (\(answer.headers["etag"] ?? ""))", ja: "#\(number)を更新しました（\(answer.headers["etag"] ?? "")）")
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an issue through the workflow.",
            discussion:
                "new → triaged → in_discussion → on_agenda → resolved → closed, plus rejected and duplicate. `council issue move 12 resolved --answer '…'`"
        )
        @Argument(help: "The issue number.") var number: Int
        @Argument(help: "The state to move to.") var state: String
        @Option(help: "The answer (needed to resolve).") var answer: String?
        @Option(name: .customLong("duplicate-of"), help: "The issue this one duplicates (needed for duplicate).") var duplicateOf: Int?
        @Option(help: "A comment posted with the move.") var comment: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            var body: [String: Any] = ["to": state]
            if let answer { body["answer"] = answer }
            if let duplicateOf { body["duplicate_of"] = duplicateOf }
            if let comment { body["comment"] = comment }
            let answer = try await client.client().json("POST", "v1/issues/\(number)/transitions", body)
            let state = JSONPath.text(answer.object, "state")
            say("#\(number) is now \(state)", ja: "#\(number)はいま「\(Vocabulary.issueState.japanese(state))」です")
        }
    }

    struct Comment: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Comment on an issue, or edit your comment with --edit.")
        @Argument(help: "The issue number.") var number: Int
        @Argument(help: "The comment (Markdown).") var text: String
        @Option(help: "Replace the text of your comment with this id.") var edit: Int?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            if let edit {
                _ = try await api.json("PATCH", "v1/issues/\(number)/comments/\(edit)", ["body": text])
                say("comment \(edit) on #\(number) edited", ja: "#\(number)のコメント\(edit)を編集しました")
            } else {
                let answer = try await api.json("POST", "v1/issues/\(number)/comments", ["body": text])
                say(
                    "comment \(JSONPath.text(answer.object, "id")) added to #\(number)",
                    ja: "#\(number)にコメント\(JSONPath.text(answer.object, "id"))を書きました")
            }
        }
    }

    struct Comments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The comments of an issue.")
        @Argument(help: "The issue number.") var number: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/issues/\(number)/comments", [URLQueryItem(name: "limit", value: "500")])
            try output.items(
                answer,
                columns: [
                    Column("ID", "id", right: true), Column("投稿者", "author_name"), Column("組織", "author_organization.name"),
                    Column("編集", "edit_count", right: true), Column("本文", "body"),
                ])
        }
    }

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Relate two issues: blocks, blocked_by, duplicates, duplicated_by, relates.")
        @Argument(help: "The issue number.") var number: Int
        @Argument(help: "blocks, blocked_by, duplicates, duplicated_by or relates.") var kind: String
        @Argument(help: "The other issue's number.") var other: Int
        @OptionGroup var client: ClientOptions

        func run() async throws {
            _ = try await client.client().json("POST", "v1/issues/\(number)/relations", ["kind": kind, "issue": other])
            say("#\(number) \(kind) #\(other)", ja: "#\(number)は#\(other)と関連（\(Vocabulary.relation.japanese(kind))）")
        }
    }

    struct Unlink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a relation between two issues.")
        @Argument(help: "The issue number.") var number: Int
        @Argument(help: "The relation as seen from this issue.") var kind: String
        @Argument(help: "The other issue's number.") var other: Int
        @OptionGroup var client: ClientOptions

        func run() async throws {
            _ = try await client.client().send("DELETE", "v1/issues/\(number)/relations/\(kind)/\(other)")
            say("#\(number) no longer \(kind) #\(other)", ja: "#\(number)と#\(other)の関連（\(Vocabulary.relation.japanese(kind))）を外しました")
        }
    }

    struct Relations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An issue's relations, seen from it.")
        @Argument(help: "The issue number.") var number: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/issues/\(number)/relations")
            try output.items(
                answer,
                columns: [
                    Column("関係", "kind", .relation), Column("番号", right: true) { "#" + JSONPath.text($0, "issue") },
                    Column("状態", "state", .issueState),
                    Column("件名", "title"),
                ])
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Follow an issue yourself, or with --organization as your organization.")
        @Argument(help: "The issue number.") var number: Int
        @Flag(help: "Follow as your organization.") var organization = false
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let watcher = try await IssueCommand.watcher(api, organization: organization)
            _ = try await api.json("POST", "v1/issues/\(number)/watchers", ["kind": watcher.kind, "id": watcher.id])
            say("watching #\(number)", ja: "#\(number)をウォッチしています")
        }
    }

    struct Unwatch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop following an issue.")
        @Argument(help: "The issue number.") var number: Int
        @Flag(help: "Stop following as your organization.") var organization = false
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let watcher = try await IssueCommand.watcher(api, organization: organization)
            _ = try await api.send("DELETE", "v1/issues/\(number)/watchers/\(watcher.kind)/\(watcher.id)")
            say("no longer watching #\(number)", ja: "#\(number)のウォッチをやめました")
        }
    }

    /// The caller as a watcher: their account, or with `organization` their organization.
    static func watcher(_ api: APIClient, organization: Bool) async throws -> (kind: String, id: Int) {
        let me = try await api.get("v1/me").object
        let id = (JSONPath.value(me, organization ? "organization.id" : "account.id") as? NSNumber)?.intValue ?? 0
        return (organization ? "organization" : "account", id)
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything that happened to an issue.")
        @Argument(help: "The issue number.") var number: Int
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/issues/\(number)/events", [URLQueryItem(name: "limit", value: "1000")])
            try output.items(
                answer,
                columns: [
                    Column("日時") { String(JSONPath.text($0, "at").prefix(19)) }, Column("種類", "kind"), Column("項目", "field"),
                    Column("変更前") { JSONPath.compact($0["old"]) }, Column("変更後") { JSONPath.compact($0["new"]) },
                ])
        }
    }
}

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Saved issue queries: run one with `council issue list --saved-query ID`.",
        subcommands: [List.self, Save.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your saved queries and those your organization shares.")
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer = try await client.client().get("v1/saved-queries")
            try output.items(
                answer,
                columns: [
                    Column("ID", "id", right: true), Column("名前", "name"), Column("共有", "shared"), Column("条件") { JSONPath.compact($0["filters"]) },
                ])
        }
    }

    struct Save: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save the given filters under a name.")
        @Argument(help: "The name.") var name: String
        @Flag(help: "Share it with your organization.") var shared = false
        @OptionGroup var filters: IssueFilterOptions
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let api = try client.client()
            let answer = try await api.json("POST", "v1/saved-queries", ["name": name, "filters": try await filters.filters(api), "shared": shared])
            say("saved query \(JSONPath.text(answer.object, "id")) \(name)", ja: "保存した検索\(JSONPath.text(answer.object, "id")) \(name)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete your saved query.")
        @Argument(help: "The saved query's id.") var id: Int
        @OptionGroup var client: ClientOptions

        func run() async throws {
            _ = try await client.client().send("DELETE", "v1/saved-queries/\(id)")
            say("saved query \(id) deleted", ja: "保存した検索\(id)を削除しました")
        }
    }
}

extension JSONPath {
    /// Any JSON value on one line.
    static func compact(_ value: Any?) -> String {
        guard let value, !(value is NSNull) else { return "" }
        if let string = value as? String { return string }
        guard JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return describe(value) }
        return String(decoding: data, as: UTF8.self)
    }
}
