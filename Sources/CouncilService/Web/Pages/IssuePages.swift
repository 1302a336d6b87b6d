import Foundation
import Hummingbird

/// 課題一覧 and the 課題 page. The list takes exactly the API's filter parameters (one parser,
/// `IssueQuery`), so a page's URL, a saved query and an API call mean the same thing; what a
/// caller sees is decided by the same `Policy` scope inside the same stores.
struct IssuePages: Sendable {
    let store: IssueStore
    let search: IssueSearch
    let comments: IssueCommentStore
    let watchers: IssueWatcherStore
    let savedQueries: SavedQueryStore
    let masterData: MasterDataStore
    let organizations: OrganizationStore

    static let pageSize = 50

    // MARK: 課題一覧

    struct ListModel: Sendable, Encodable {
        let rows: [Row]
        let total: String
        let nextPage: String?
        let error: String?
        let exportCSV: String
        let exportXLSX: String
        let filters: Filters
        let saved: [IssuePages.Link]
        /// The list's own query (without paging), for "save these filters".
        let query: String
    }

    struct Row: Sendable, Encodable {
        let number: Int
        let href: String
        let title: String
        let state: String
        let stateSlug: String
        let severity: String
        let severitySlug: String
        let category: String
        let vendors: String
        let updated: String
    }

    struct Filters: Sendable, Encodable {
        let q: String
        /// The filters beyond the words are shown open when one of them is in use.
        let open: Bool
        let states: SelectOptions
        let severities: SelectOptions
        let categories: SelectOptions
        let businessAreas: SelectOptions
        let prefectures: SelectOptions
        let blocks: SelectOptions
        let vendors: SelectOptions
        let impacts: SelectOptions
        let sorts: SelectOptions
    }

    struct Option: Sendable, Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    func list(_ page: PageRequest) async throws -> Response {
        // The filter form sends its untouched fields empty (`prefecture=`); the list's address
        // keeps only what was chosen, so it reads like the API's and can be bookmarked.
        let query = page.request.uri.query ?? ""
        let pairs = query.split(separator: "&")
        let chosen = pairs.filter { !$0.hasSuffix("=") && $0.contains("=") }
        if chosen.count != pairs.count {
            return PageDispatcher.redirect(to: "/issues" + (chosen.isEmpty ? "" : "?" + chosen.joined(separator: "&")))
        }
        let principal = try page.caller()
        let raw = Self.rawParameters(page.request)
        async let prefectureList = masterData.prefectures(known: page.changeVersion)
        async let vendorList = organizations.activeVendorNames(known: page.changeVersion)
        async let savedList = savedQueries.queries(for: principal)
        let prefectures = try await prefectureList
        var rows: [Row] = [], total = 0, nextCursor: String?, error: String?
        do {
            let parameters = try await IssueQuery.parameters(
                page.request, extra: IssueRoutes.listParameters, savedQueries: savedQueries, principal: principal)
            let sort = try IssueQuery.sort(parameters)
            let cursor = try IssueQuery.cursor(parameters, sort: sort)
            let result = try await search.summaries(
                try IssueQuery.filter(parameters), sort: sort, after: cursor, limit: Self.pageSize, for: principal,
                known: page.rowsVersion)
            let names = try await organizations.names(including: result.items.flatMap(\.vendorIDs), known: page.changeVersion)
            rows = result.items.map { Self.row($0, page.language, vendorNames: names) }
            total = result.total
            nextCursor = result.nextCursor
        } catch let problem as Problem where problem.status.code < 500 {
            // A bad filter shows the list's form again with what to fix, not an error page.
            error = page.reasons(problem).first ?? problem.detail(japanese: page.language == .ja)
        }
        let kept = query.split(separator: "&").filter { !$0.hasPrefix("cursor=") }.joined(separator: "&")
        let model = ListModel(
            rows: rows, total: PageFormat.number(total),
            nextPage: nextCursor.map { "/issues?" + (kept.isEmpty ? "" : kept + "&") + "cursor=" + $0 },
            error: error,
            exportCSV: "/issues/export?" + (kept.isEmpty ? "" : kept + "&") + "format=csv",
            exportXLSX: "/issues/export?" + (kept.isEmpty ? "" : kept + "&") + "format=xlsx",
            filters: Filters(
                q: raw["q"]?.first ?? "", open: raw.keys.contains { $0 != "q" && $0 != "cursor" && $0 != "sort" },
                states: SelectOptions(.issueState, page.language, selected: raw["state"]),
                severities: SelectOptions(.severity, page.language, selected: raw["severity"]),
                categories: SelectOptions(.category, page.language, selected: raw["category"]),
                businessAreas: SelectOptions(.businessArea, page.language, selected: raw["business_area"]),
                prefectures: Self.options(prefectures.map { ($0.code.rawValue, $0.name) }, raw["prefecture"]),
                blocks: SelectOptions(.block, page.language, selected: raw["block"]),
                vendors: Self.options(try await vendorList.map { (String($0.id), $0.name) }, raw["vendor"]),
                impacts: SelectOptions(.impact, page.language, selected: raw["impact"]),
                sorts: Self.options(Self.sortChoices.map { ($0, page.word("sort_" + $0.replacingOccurrences(of: "-", with: "desc_"))) }, raw["sort"])),
            saved: try await savedList.map { IssuePages.Link(href: "/issues?saved_query=\($0.id)", label: $0.name) },
            query: kept)
        return page.render("issues", model, status: error == nil ? .ok : .badRequest)
    }

    /// The sorts offered on the list beside the default (recently updated first): the API's.
    static let sortChoices = ["updated", "-number", "number", "due", "-severity"]

    /// Saves the list's current filters under a name (the API's saved query), then shows them.
    func saveQuery(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let name = (page.form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        var filters = try FormBody(page.form["query"] ?? "").values
        for paging in ["cursor", "saved_query"] { filters[paging] = nil }
        filters = filters.mapValues { $0.flatMap { $0.split(separator: ",").map(String.init) } }.filter { !$0.value.isEmpty }
        try IssueQuery.validateSaved(filters)
        let saved = try await savedQueries.create(
            name: name, filters: filters, shared: page.form["shared"] == "1", by: principal, try page.auditActor())
        return PageDispatcher.redirect(to: "/issues?saved_query=\(saved.id)")
    }

    /// The list's CSV or workbook, with the session's visibility: the same export the API makes.
    func export(_ page: PageRequest) async throws -> Response {
        try await IssueQuery.export(page.request, search: search, savedQueries: savedQueries, for: try page.caller())
    }

    /// A row of an issue table; `vendorNames` names the vendors by id (`OrganizationStore.names(including:known:)`).
    static func row(_ issue: IssueSummary, _ language: PageLanguage, vendorNames: [Int: String]) -> Row {
        Row(
            number: issue.number, href: "/issues/\(issue.number)", title: issue.title,
            state: language.word(.issueState, issue.state.rawValue), stateSlug: issue.state.rawValue,
            severity: language.word(.severity, issue.severity.rawValue), severitySlug: issue.severity.rawValue,
            category: language.word(.category, issue.category.rawValue),
            vendors: issue.vendorIDs.compactMap { vendorNames[$0] }.joined(separator: "、"), updated: PageFormat.dateTime(issue.updatedAt, language))
    }

    private static func rawParameters(_ request: Request) -> [String: [String]] {
        var values: [String: [String]] = [:]
        for (name, value) in request.uri.queryParameters {
            values[String(name), default: []].append(contentsOf: value.split(separator: ",").map(String.init))
        }
        return values
    }

    private static func options(_ choices: [(String, String)], _ selected: [String]?) -> SelectOptions {
        SelectOptions(choices.map { (value: $0.0, label: $0.1) }, selected: selected)
    }

    // MARK: 課題

    struct IssueModel: Sendable, Encodable {
        let number: Int
        let title: String
        let body: PlainText
        let state: String
        let stateSlug: String
        let severity: String
        let category: String
        let visibility: String
        let reporter: String
        let assignee: String?
        let vendors: [Link]
        let businessAreas: String
        let due: String?
        let created: String
        let updated: String
        let answer: PlainText?
        let municipalities: [Place]
        let comments: [Comment]
        let events: [Event]
        let transitions: [TransitionButton]
        let relations: [Relation]
        let watchers: [String]
        /// Whether the reader watches it themselves (the button says what pressing it does).
        let watching: Bool
        let commentAction: String
        let transitionAction: String
        let watchAction: String
        let version: Int
        /// Why the last action was refused, with what the person typed kept.
        var error: String?
        var typed = Typed()
    }

    struct Typed: Sendable, Encodable {
        var comment = ""
        var answer = ""
        var duplicateOf = ""
        var body = ""
    }

    struct Place: Sendable, Encodable {
        let href: String
        let code: String
        let name: String
        let impact: String
        let businessAreas: String?
    }

    struct Relation: Sendable, Encodable {
        let kind: String
        let href: String
        let label: String
        let state: String
        let stateSlug: String
    }

    struct Link: Sendable, Encodable {
        let href: String
        let label: String
    }

    struct Comment: Sendable, Encodable {
        let id: Int
        let author: String
        let organization: String
        let at: String
        let text: PlainText
        let edited: Bool
    }

    struct Event: Sendable, Encodable {
        let at: String
        let kind: String
        let detail: String
    }

    struct TransitionButton: Sendable, Encodable {
        let to: String
        let label: String
        let possible: Bool
        let reason: String?
    }

    func show(_ page: PageRequest) async throws -> Response {
        page.render("issue", try await model(page))
    }

    private func model(_ page: PageRequest) async throws -> IssueModel {
        let principal = try page.caller()
        let number = try Self.number(page)
        // Not visible and not existing are the same 404 page, as in the API.
        async let prefectures = masterData.prefectures(known: page.changeVersion)
        let view = try await store.view(number, limit: 500, for: principal)
        let issue = view.issue
        let language = page.language
        let prefectureNames = Dictionary(uniqueKeysWithValues: try await prefectures.map { ($0.code, $0.name) })
        let model = IssueModel(
            number: issue.number, title: issue.title, body: PlainText(issue.body),
            state: language.word(.issueState, issue.state.rawValue), stateSlug: issue.state.rawValue,
            severity: language.word(.severity, issue.severity.rawValue), category: language.word(.category, issue.category.rawValue),
            visibility: language.word(.visibility, issue.visibility.rawValue), reporter: issue.reporterOrganization.name,
            assignee: issue.assigneeOrganization?.name, vendors: issue.vendors.map { Link(href: "/vendors/\($0.id)", label: $0.name) },
            businessAreas: issue.businessAreas.map { language.word(.businessArea, $0.rawValue) }.joined(separator: "、"),
            due: issue.dueDate.map { PageFormat.date($0, language) }, created: PageFormat.dateTime(issue.createdAt, language),
            updated: PageFormat.dateTime(issue.updatedAt, language), answer: issue.answer.map(PlainText.init),
            municipalities: issue.municipalities.map { place in
                Place(
                    href: "/municipalities/\(place.dantaiCode.rawValue)", code: place.dantaiCode.rawValue,
                    name: [place.prefectureCode.flatMap { prefectureNames[$0] }, place.name].compactMap { $0 }.joined(separator: " "),
                    impact: language.word(.impact, place.impact.rawValue),
                    businessAreas: place.businessAreas.isEmpty
                        ? nil : place.businessAreas.map { language.word(.businessArea, $0.rawValue) }.joined(separator: "、"))
            },
            comments: view.comments.items.map { comment in
                Comment(
                    id: comment.id, author: comment.authorName, organization: comment.authorOrganization.name,
                    at: PageFormat.dateTime(comment.createdAt, language), text: PlainText(comment.body), edited: comment.editCount > 0)
            },
            events: view.events.items.map { event in
                let (kind, detail) = Self.describe(event, language)
                return Event(at: PageFormat.dateTime(event.at, language), kind: kind, detail: detail)
            },
            transitions: view.transitions.map { option in
                TransitionButton(
                    to: option.to.rawValue, label: language.word(.issueState, option.to.rawValue), possible: option.possible,
                    reason: option.reason)
            },
            relations: view.relations.map { relation in
                Relation(
                    kind: language.word(.relation, relation.kind.rawValue), href: "/issues/\(relation.issue)",
                    label: "#\(relation.issue) \(relation.title)", state: language.word(.issueState, relation.state.rawValue),
                    stateSlug: relation.state.rawValue)
            },
            watchers: view.watchers.map(\.name),
            watching: view.watchers.contains { $0.kind == .account && $0.id == principal.accountID },
            commentAction: "/issues/\(number)/comments", transitionAction: "/issues/\(number)/transitions",
            watchAction: "/issues/\(number)/watch", version: issue.version)
        return model
    }

    /// A refused action shows the issue again, the reason on top and the typed text kept.
    private func refused(_ problem: Problem, _ page: PageRequest, _ typed: Typed) async throws -> Response {
        var model = try await model(page)
        model.error = page.reasons(problem).joined(separator: " / ")
        model.typed = typed
        return page.render("issue", model, status: problem.status)
    }

    /// A comment from the issue page's form; back to the page (post/redirect/get).
    func addComment(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let number = try Self.number(page)
        try await store.requireVisible(number, for: principal)
        do {
            _ = try await comments.add(number, body: page.form["body"] ?? "", by: principal, try page.auditActor())
        } catch let problem as Problem where problem.status.code < 500 && problem.status != .notFound {
            return try await refused(problem, page, Typed(body: page.form["body"] ?? ""))
        }
        return PageDispatcher.redirect(to: "/issues/\(number)#comments")
    }

    /// Watch or stop watching, for oneself: the button posts what pressing it does.
    func watch(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let number = try Self.number(page)
        if page.form["watch"] == "1" {
            _ = try await watchers.add(number, .account, principal.accountID, by: principal, try page.auditActor())
        } else {
            try await watchers.remove(number, .account, principal.accountID, by: principal, try page.auditActor())
        }
        return PageDispatcher.redirect(to: "/issues/\(number)")
    }

    /// A workflow button; the version the page showed guards against a change made meanwhile.
    func transition(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let number = try Self.number(page)
        try await store.requireVisible(number, for: principal)
        let typed = Typed(comment: page.form["comment"] ?? "", answer: page.form["answer"] ?? "", duplicateOf: page.form["duplicate_of"] ?? "")
        do {
            guard let to = page.form["to"].flatMap(IssueState.init(rawValue:)) else {
                throw Problem.invalid("to", Reason("choose a state", ja: "状態を選んでください"))
            }
            let duplicateOf = typed.duplicateOf.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "#"))
            if to == .duplicate, !duplicateOf.isEmpty, Int(duplicateOf) == nil {
                throw Problem.invalid(
                    "duplicate_of", Reason("'\(typed.duplicateOf)' is not an issue number", ja: "「\(typed.duplicateOf)」は課題の番号ではありません"))
            }
            let transition = IssueStore.Transition(
                to: to, answer: to == .resolved ? typed.answer : nil, duplicateOf: to == .duplicate ? Int(duplicateOf) : nil,
                comment: typed.comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : typed.comment,
                expectedVersion: page.form["version"].flatMap { Int($0) })
            _ = try await store.transition(number, transition, by: principal, try page.auditActor())
        } catch let problem as Problem where problem.status.code < 500 && problem.status != .notFound {
            return try await refused(problem, page, typed)
        }
        return PageDispatcher.redirect(to: "/issues/\(number)")
    }

    static func number(_ page: PageRequest) throws -> Int {
        guard let number = page.context.parameters.get("number").flatMap({ Int($0) }), IssueStore.isPossibleNumber(number) else {
            throw Problem.notFound(Reason("no such issue", ja: "その課題はありません"))
        }
        return number
    }

    /// An event as a line of the timeline: what happened, in words, and for a changed field
    /// its old and new value (states, severities and the like as their words).
    private static func describe(_ event: IssueEvent, _ language: PageLanguage) -> (kind: String, detail: String) {
        let kind = PageText.entries["event_" + event.kind].map { language == .ja ? $0.ja : $0.en } ?? event.kind
        func text(_ value: JSONValue?) -> String {
            switch value {
            case .string(let text)?:
                switch event.field {
                case "state": return language.word(.issueState, text)
                case "severity": return language.word(.severity, text)
                case "category": return language.word(.category, text)
                case "visibility": return language.word(.visibility, text)
                default: return text.count > 80 ? String(text.prefix(80)) + "…" : text
                }
            case .number(let number)?: return String(Int(number))
            case .bool(let flag)?: return flag ? "✓" : "—"
            case nil, .null?: return "—"
            default: return "…"
            }
        }
        switch event.kind {
        case "state_changed", "field_changed":
            let field = event.field.flatMap { PageText.entries["field_" + $0] }.map { language == .ja ? $0.ja : $0.en } ?? event.field ?? ""
            return (kind, "\(field): \(text(event.old)) → \(text(event.new))")
        case "municipality_added", "municipality_removed", "municipality_changed":
            return (kind, event.field ?? "")
        case "relation_added", "relation_removed":
            return (kind, event.relatedIssue.map { "#\($0)" } ?? "")
        default:
            return (kind, "")
        }
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var text = self
        while let last = text.last, predicate(last) { text = text.dropLast() }
        return text
    }
}
