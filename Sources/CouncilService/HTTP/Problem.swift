import Hummingbird

/// An RFC 9457 problem: every error the API returns is one, as `application/problem+json`.
package struct Problem: Error, Sendable, CustomStringConvertible {
    package let status: HTTPResponse.Status
    /// Published as `urn:council:problem:<slug>`; nil for plain HTTP errors ("about:blank").
    package let type: ProblemType?
    package let title: String
    /// The title in Japanese of a plain HTTP error (a catalogued problem's is its type's).
    private var japaneseTitle: String? = nil
    package let detail: String
    /// The detail in Japanese, where the code that refused says it so.
    package let japaneseDetail: String?
    package let errors: [ProblemItem]
    package var headers: HTTPFields = [:]

    /// A problem of the catalogue: its status and title come from its type, its detail is worded
    /// in both languages.
    package init(_ type: ProblemType, _ reason: Reason, errors: [ProblemItem] = []) {
        self.status = type.status
        self.type = type
        self.title = type.title
        self.detail = reason.en
        self.japaneseDetail = reason.ja
        self.errors = errors
    }

    /// A plain HTTP error of the router (405, or what Hummingbird itself refused): titled by its
    /// status, in Japanese too (`RequestReason.statusTitle`).
    init(httpStatus status: HTTPResponse.Status, detail: String, japaneseDetail: String? = nil) {
        self.status = status
        self.type = nil
        self.title = status.reasonPhrase
        self.japaneseTitle = RequestReason.statusTitle(status)
        self.detail = detail
        self.japaneseDetail = japaneseDetail
        self.errors = []
    }

    package var description: String { "\(status.code) \(title): \(detail)" }

    /// The detail as a reader of `japanese` (or not) reads it.
    func detail(japanese: Bool) -> String { japanese ? japaneseDetail ?? detail : detail }

    /// One invalid field, parameter or file line.
    package struct ProblemItem: Codable, Sendable, Equatable {
        package var field: String?
        package var line: Int?
        package var column: String?
        package var detail: String
        /// The detail in Japanese, where the refusing code says it so (not a field of the JSON:
        /// `detail` is Japanese itself for a reader who prefers it).
        package var japaneseDetail: String? = nil

        enum CodingKeys: String, CodingKey { case field, line, column, detail }

        package init(field: String? = nil, line: Int? = nil, column: String? = nil, detail: String) {
            self.field = field
            self.line = line
            self.column = column
            self.detail = detail
        }

        package init(field: String? = nil, line: Int? = nil, column: String? = nil, _ reason: Reason) {
            self.init(field: field, line: line, column: column, detail: reason.en)
            self.japaneseDetail = reason.ja
        }

        func detail(japanese: Bool) -> String { japanese ? japaneseDetail ?? detail : detail }

        /// As the reader reads it: the one `detail` of the JSON.
        func localized(japanese: Bool) -> ProblemItem {
            ProblemItem(field: field, line: line, column: column, detail: detail(japanese: japanese))
        }
    }

    struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let instance: String
        let requestID: String
        let errors: [ProblemItem]?
    }

    /// The problem as problem+json; its title in Japanese for a reader who prefers it.
    func response(instance: String, requestID: String, japanese: Bool = false) throws -> Response {
        let body = Body(
            type: type?.uri ?? "about:blank", title: japanese ? (type?.japaneseTitle ?? japaneseTitle ?? title) : title, status: status.code,
            detail: detail(japanese: japanese), instance: instance, requestID: requestID,
            errors: errors.isEmpty ? nil : errors.map { $0.localized(japanese: japanese) })
        var response = try Response.json(body, status: status)
        response.headers[.contentType] = "application/problem+json; charset=utf-8"
        for field in headers { response.headers.append(field) }
        return response
    }
}

extension Problem {
    /// A bad query parameter, path parameter or body field: 400 naming it.
    static func invalid(_ field: String, _ reason: Reason) -> Problem {
        Problem(.invalidParameter, Reason("\(field): \(reason.en)", ja: "\(field): \(reason.ja)"), errors: [ProblemItem(field: field, reason)])
    }

    /// Well-formed input that breaks a rule of the domain: 422 naming the field.
    static func unprocessable(_ field: String, _ reason: Reason) -> Problem {
        Problem(.ruleViolated, Reason("\(field): \(reason.en)", ja: "\(field): \(reason.ja)"), errors: [ProblemItem(field: field, reason)])
    }

    static func notFound(_ reason: Reason) -> Problem {
        Problem(.notFound, reason)
    }

    /// A refused file: every listed line with its reason, in both languages where the rule says it so.
    static func rejectedFile(_ rejected: ImportRejected) -> Problem {
        let count = rejected.total, shown = rejected.problems.count
        let detail = Reason(
            "\(count) problem\(count == 1 ? "" : "s") found\(count > shown ? "; the first \(shown) are listed" : ""); nothing was changed",
            ja: "\(count)件の問題があります\(count > shown ? "（先頭の\(shown)件を表示）" : "")。何も変更していません")
        return Problem(
            .invalidFile, detail,
            errors: rejected.problems.map {
                ProblemItem(line: $0.line, column: $0.column, Reason($0.reason, ja: $0.japaneseReason ?? $0.reason))
            })
    }

    static let unavailable = Problem(
        .databaseUnavailable, Reason("the database is not reachable right now; retry shortly", ja: "いまデータベースにつながりません。少し待ってやり直してください"))
}
