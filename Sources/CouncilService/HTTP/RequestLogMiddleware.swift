import Hummingbird
import Logging

/// Logs each request's method and path, as Hummingbird's `LogRequestsMiddleware` does, except
/// that a one-time password link's secret (in its path) never reaches a log.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = CouncilRequestContext
    let level: Logger.Level

    init(_ level: Logger.Level) {
        self.level = level
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        context.logger.log(
            level: level, "Request",
            metadata: ["hb.request.method": .string(request.method.rawValue), "hb.request.path": .string(Self.redacted(request.uri.description))])
        return try await next(request, context)
    }

    static func redacted(_ uri: String) -> String {
        uri.hasPrefix("/password/") ? "/password/[redacted]" : uri
    }
}
