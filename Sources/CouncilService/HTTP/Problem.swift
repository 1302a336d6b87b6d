import Hummingbird

/// An RFC 9457 problem: every error the API returns is one, as `application/problem+json`.
package struct Problem: Error, Sendable, CustomStringConvertible {
    package let status: HTTPResponse.Status
    /// Published as `urn:council:problem:<slug>`; nil for plain HTTP errors ("about:blank").
    package let type: ProblemType?
    package let title: String
    package let detail: String
    package let errors: [ProblemItem]
    package var headers: HTTPFields = [:]

    /// A problem of the catalogue: its status and title come from its type.
    package init(_ type: ProblemType, detail: String, errors: [ProblemItem] = []) {
        self.status = type.status
        self.type = type
        self.title = type.title
        self.detail = detail
        self.errors = errors
    }

    /// A plain HTTP error of the router (405, or what Hummingbird itself refused).
    init(httpStatus status: HTTPResponse.Status, detail: String) {
        self.status = status
        self.type = nil
        self.title = status.reasonPhrase
        self.detail = detail
        self.errors = []
    }

    package var description: String { "\(status.code) \(title): \(detail)" }

    /// One invalid field, parameter or file line.
    package struct ProblemItem: Codable, Sendable, Equatable {
        package var field: String?
        package var line: Int?
        package var column: String?
        package var detail: String

        package init(field: String? = nil, line: Int? = nil, column: String? = nil, detail: String) {
            self.field = field
            self.line = line
            self.column = column
            self.detail = detail
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
            type: type?.uri ?? "about:blank", title: japanese ? (type?.japaneseTitle ?? title) : title, status: status.code,
            detail: detail, instance: instance, requestID: requestID, errors: errors.isEmpty ? nil : errors)
        var response = try Response.json(body, status: status)
        response.headers[.contentType] = "application/problem+json; charset=utf-8"
        for field in headers { response.headers.append(field) }
        return response
    }
}

extension Problem {
    /// A bad query parameter, path parameter or body field: 400 naming it.
    static func invalid(_ field: String, _ detail: String) -> Problem {
        Problem(
            .invalidParameter, detail: "\(field): \(detail)",
            errors: [ProblemItem(field: field, detail: detail)])
    }

    /// Well-formed input that breaks a rule of the domain: 422 naming the field.
    static func unprocessable(_ field: String, _ detail: String) -> Problem {
        Problem(
            .ruleViolated, detail: "\(field): \(detail)",
            errors: [ProblemItem(field: field, detail: detail)])
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, detail: detail)
    }

    /// A refused file: every listed line with its reason — in Japanese for a reader who prefers it,
    /// where the rule says it so.
    static func rejectedFile(_ rejected: ImportRejected, japanese: Bool = false) -> Problem {
        let count = rejected.total, shown = rejected.problems.count
        let detail =
            japanese
            ? "\(count)件の問題があります\(count > shown ? "（先頭の\(shown)件を表示）" : "")。何も変更していません"
            : "\(count) problem\(count == 1 ? "" : "s") found\(count > shown ? "; the first \(shown) are listed" : ""); nothing was changed"
        return Problem(
            .invalidFile, detail: detail,
            errors: rejected.problems.map {
                ProblemItem(line: $0.line, column: $0.column, detail: japanese ? $0.japaneseReason ?? $0.reason : $0.reason)
            })
    }

    static let unavailable = Problem(.databaseUnavailable, detail: "the database is not reachable right now; retry shortly")
}
