import CouncilDatabase
import Hummingbird
import Logging

/// Turns every error into a problem+json response: domain problems as they are, Hummingbird's
/// HTTP errors (404, 413, ...) with a 405 where the path exists under other methods, database
/// unavailability as 503, and anything unexpected as a logged 500 that reveals nothing.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = CouncilRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let japanese = Self.prefersJapanese(request.headers[.acceptLanguage])
            return try problem(for: error, request: request, context: context)
                .response(instance: request.uri.path, requestID: context.requestID, japanese: japanese)
        }
    }

    /// Whether an `Accept-Language` ranks Japanese above English (`ja`, `ja-JP;q=1, en;q=0.5`).
    static func prefersJapanese(_ header: String?) -> Bool {
        guard let header else { return false }
        var japanese = 0.0, english = 0.0
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingHTTPWhitespace.lowercased() }
            guard let tag = pieces.first else { continue }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if tag == "ja" || tag.hasPrefix("ja-") { japanese = max(japanese, quality) }
            if tag == "en" || tag.hasPrefix("en-") || tag == "*" { english = max(english, quality) }
        }
        return japanese > 0 && japanese >= english
    }

    func problem(for error: any Error, request: Request, context: Context) -> Problem {
        if let problem = Problem.describing(error) { return problem }
        switch error {
        case let error as HTTPError:
            if error.status == .notFound, context.endpointPath == "NotFound" {
                let allowed = routes.methods(matching: request.uri.path)
                if !allowed.isEmpty {
                    var problem = Problem(
                        httpStatus: .methodNotAllowed,
                        detail:
                            "\(request.method) is not allowed on \(request.uri.path); allowed: \(allowed.map(\.rawValue).joined(separator: ", "))",
                        japaneseDetail: "\(request.uri.path) に \(request.method) は使えません（使えるもの：\(allowed.map(\.rawValue).joined(separator: ", "))）"
                    )
                    problem.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                    return problem
                }
                return .notFound(Reason("no such resource: \(request.uri.path)", ja: "\(request.uri.path) はありません"))
            }
            let reason = RequestReason.refusedByServer(error.status, error.body)
            return Problem(httpStatus: error.status, detail: reason.en, japaneseDetail: reason.ja)
        case let error as DatabaseError where error.isUnavailable:
            context.logger.error("database unavailable: \(error)")
            return .unavailable
        default:
            context.logger.error(
                "unhandled error answering \(request.method) \(RequestLogMiddleware.redacted(request.uri.path)): \(String(reflecting: error))")
            return Problem(
                .internal,
                Reason(
                    "the server failed to answer; quote the request id when reporting it",
                    ja: "サーバーが応答できませんでした。報告するときは request_id を添えてください"))
        }
    }
}

extension Problem {
    /// The problem a domain error is to its caller — API and pages alike: a `Problem` as it is, a
    /// refused file, and the database's refusals (text it cannot take, a duplicate, a broken
    /// rule). Nil for anything else, which is unexpected.
    static func describing(_ error: any Error) -> Problem? {
        switch error {
        case let problem as Problem:
            return problem
        case let rejected as ImportRejected:
            return .rejectedFile(rejected)
        case let error as DatabaseError where error.kind == .invalidParameter:
            // PostgreSQL's own words (a NUL byte, an encoding it cannot take), after a Japanese lead.
            return Problem(.invalidText, Reason(error.message, ja: "保存できない文字があります（\(error.message)）"))
        case let error as DatabaseError where error.isUniqueViolation:
            return Problem(
                .conflict, ConstraintMessages.describe(error) ?? Reason("this conflicts with an existing record", ja: "既にある記録と重なります"))
        case let error as DatabaseError where error.isCheckViolation || error.isForeignKeyViolation:
            let constraint = error.constraint ?? "constraint"
            return Problem(
                .constraint,
                ConstraintMessages.describe(error)
                    ?? Reason("the change breaks a rule of the data (\(constraint))", ja: "データの決まりに反する変更です（\(constraint)）"))
        default:
            return nil
        }
    }
}
