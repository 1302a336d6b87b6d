import Hummingbird

/// An RFC 9457 problem: every error the API returns is one, as `application/problem+json`.
public struct Problem: Error, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    /// A short slug, published as `urn:council:problem:<slug>` ("about:blank" for plain HTTP errors).
    public let slug: String?
    public let title: String
    public let detail: String
    public let errors: [ProblemItem]
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, slug: String?, title: String, detail: String, errors: [ProblemItem] = []) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = errors
    }

    public var description: String { "\(status.code) \(title): \(detail)" }

    /// One invalid field, parameter or file line.
    public struct ProblemItem: Codable, Sendable, Equatable {
        public var field: String?
        public var line: Int?
        public var column: String?
        public var detail: String

        public init(field: String? = nil, line: Int? = nil, column: String? = nil, detail: String) {
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
        let requestId: String
        let errors: [ProblemItem]?
    }

    func response(instance: String, requestID: String) throws -> Response {
        let body = Body(
            type: slug.map { "urn:council:problem:\($0)" } ?? "about:blank", title: title, status: status.code,
            detail: detail, instance: instance, requestId: requestID, errors: errors.isEmpty ? nil : errors)
        var response = try Response.json(body, status: status)
        response.headers[.contentType] = "application/problem+json; charset=utf-8"
        for field in headers { response.headers.append(field) }
        return response
    }
}

extension Problem {
    /// A bad query parameter, path parameter or body field: 400 naming it.
    static func invalid(_ field: String, _ detail: String) -> Problem {
        Problem(.badRequest, slug: "invalid-parameter", title: "Invalid parameter", detail: "\(field): \(detail)",
                errors: [ProblemItem(field: field, detail: detail)])
    }

    /// Well-formed input that breaks a rule of the domain: 422 naming the field.
    static func unprocessable(_ field: String, _ detail: String) -> Problem {
        Problem(.unprocessableContent, slug: "rule-violated", title: "Not allowed", detail: "\(field): \(detail)",
                errors: [ProblemItem(field: field, detail: detail)])
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, slug: "not-found", title: "Not found", detail: detail)
    }

    static func rejectedFile(_ rejected: ImportRejected) -> Problem {
        let count = rejected.problems.count
        return Problem(
            .unprocessableContent, slug: "invalid-file", title: "The file was not imported",
            detail: "\(count) problem\(count == 1 ? "" : "s") found; nothing was changed",
            errors: rejected.problems.map { ProblemItem(line: $0.line, column: $0.column, detail: $0.reason) })
    }

    static let unavailable = Problem(
        .serviceUnavailable, slug: "database-unavailable", title: "Service unavailable",
        detail: "the database is not reachable right now; retry shortly")
}
