import Foundation
import Hummingbird

/// The query parameters of `GET /v1/issues`, its export and saved queries, parsed into a filter
/// and a sort. One parser, so a saved query means exactly what the same URL means.
enum IssueQuery {
    /// The parameters a filter set (and so a saved query) may hold.
    static let filterNames: Set<String> = [
        "state", "category", "severity", "vendor", "business_area", "municipality", "prefecture", "block", "impact",
        "assignee", "reporter_organization", "label", "due_before", "updated_since", "q", "sort",
    ]

    static func filter(_ parameters: QueryParameters) throws -> IssueFilter {
        var filter = IssueFilter()
        filter.states = try parameters.list("state", as: IssueState.self)
        filter.categories = try parameters.list("category", as: IssueCategory.self)
        filter.severities = try parameters.list("severity", as: IssueSeverity.self)
        filter.vendor = try parameters.id("vendor")
        filter.businessAreas = try parameters.list("business_area", as: BusinessArea.self)
        filter.municipality = try parameters.municipalityCode("municipality")
        filter.prefecture = try parameters.prefectureCode("prefecture")
        filter.block = try parameters.value("block", as: Block.self)
        filter.impacts = try parameters.list("impact", as: IssueImpact.self)
        filter.assignee = try parameters.id("assignee")
        filter.reporterOrganization = try parameters.id("reporter_organization")
        if let label = try parameters.string("label") {
            let normalized = JapaneseText.normalized(label).lowercased()
            guard !normalized.isEmpty, normalized.count <= 50 else {
                throw Problem.invalid("label", Reason("give 1 to 50 characters", ja: "1〜50文字で書いてください"))
            }
            filter.label = normalized
        }
        filter.dueBefore = try parameters.date("due_before")
        if let text = try parameters.string("updated_since") {
            guard let date = Self.instant(text) else {
                throw Problem.invalid(
                    "updated_since",
                    Reason(
                        "'\(text)' is not a date (2026-04-01) or an ISO 8601 time (2026-04-01T09:00:00+09:00)",
                        ja: "「\(text)」は日付（2026-04-01）でもISO 8601の日時（2026-04-01T09:00:00+09:00）でもありません"))
            }
            filter.updatedSince = date
        }
        if let text = try parameters.string("q") {
            let key = IssueSearchKey.make(text)
            guard !key.isEmpty, key.count <= 200 else {
                throw Problem.invalid("q", Reason("give 1 to 200 characters to search for", ja: "検索する語を1〜200文字で書いてください"))
            }
            filter.text = text
        }
        return filter
    }

    static func sort(_ parameters: QueryParameters) throws -> IssueSort {
        guard let text = try parameters.string("sort") else { return .default }
        guard let sort = IssueSort(rawValue: text) else {
            let keys = IssueSort.Key.allCases.map(\.rawValue)
            throw Problem.invalid("sort", RequestReason.notOneOf(text, keys + keys.map { "-" + $0 }))
        }
        return sort
    }

    /// The `cursor` of a list, which belongs to the sort it was made with.
    static func cursor(_ parameters: QueryParameters, sort: IssueSort) throws -> IssueCursor? {
        guard let token = try parameters.string("cursor") else { return nil }
        guard let cursor = IssueCursor(token: token, sort: sort) else {
            throw Problem.invalid(
                "cursor",
                Reason("not a cursor of this list (cursors belong to the sort they were made with)", ja: "この一覧のカーソルではありません（カーソルは作ったときの並び順のものです）"))
        }
        return cursor
    }

    /// The issues a request's filters select, as CSV or a workbook, with the caller's visibility:
    /// the API's export and the pages' download alike.
    static func export(
        _ request: Request, search: IssueSearch, savedQueries: SavedQueryStore, for principal: Principal
    ) async throws
        -> Response
    {
        let parameters = try await Self.parameters(request, extra: ExportResponse.parameters, savedQueries: savedQueries, principal: principal)
        let issues = try await search.all(try filter(parameters), sort: try sort(parameters), for: principal)
        return try ExportResponse.make(IssueSheet.table(issues), parameters, filename: "issues")
    }

    /// A date (the start of that day in Japan) or a full ISO 8601 time.
    static func instant(_ text: String) -> Date? {
        if let date = CalendarDate(rawValue: text) {
            return ISO8601DateFormatter().date(from: date.rawValue + "T00:00:00+09:00")
        }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions.insert(.withFractionalSeconds)
        return formatter.date(from: text)
    }

    /// The request's own parameters merged over a saved query's (`saved_query=ID`), the
    /// request's winning where both name the same parameter.
    static func parameters(
        _ request: Request, extra: Set<String>, savedQueries: SavedQueryStore,
        principal: Principal
    ) async throws -> QueryParameters {
        let own = try QueryParameters(request, allowed: filterNames.union(extra).union(["saved_query"]))
        guard let id = try own.id("saved_query") else { return own }
        let saved = try await savedQueries.query(id, for: principal)
        var merged = saved.filters
        for (name, values) in own.all where name != "saved_query" { merged[name] = values }
        return try QueryParameters(values: merged, allowed: filterNames.union(extra))
    }

    /// Checks a filter set to be saved: the same parser, errors named `filters.<parameter>`.
    static func validateSaved(_ filters: [String: [String]]) throws {
        do {
            let parameters = try QueryParameters(values: filters, allowed: filterNames)
            _ = try filter(parameters)
            _ = try sort(parameters)
        } catch let problem as Problem {
            let field = problem.errors.first?.field.map { "filters.\($0)" } ?? "filters"
            let item = problem.errors.first
            throw Problem.invalid(
                field,
                Reason(item?.detail ?? problem.detail, ja: item?.detail(japanese: true) ?? problem.detail(japanese: true)))
        }
    }
}
