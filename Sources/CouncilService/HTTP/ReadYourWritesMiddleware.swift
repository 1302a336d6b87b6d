import CouncilDatabase
import HTTPTypes
import Hummingbird

/// With a standby configured: every successful write answers with how far the primary's log
/// has gone (`Council-Read-After`, and a short-lived cookie for browsers, whose next page load
/// follows a redirect); a request that sends it back reads from the standby only once that has
/// replayed so far (`ReadPool.after`), else from the primary. Clients that do not care send
/// nothing and read whatever the standby has.
struct ReadYourWritesMiddleware: RouterMiddleware {
    typealias Context = CouncilRequestContext
    static let header = HTTPField.Name("Council-Read-After")!
    static let cookie = "council_read_after"
    /// Long enough for any standby that is not broken to catch up.
    static let cookieLifetime = 60
    let reads: ReadPool
    let web: WebSettings

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var after: WALPosition?
        if let text = request.headers[Self.header] {
            guard let position = WALPosition(text) else {
                throw Problem.invalid(
                    Self.header.rawName,
                    Reason(
                        "'\(text)' is not a log position such as 0/16B3748; send back the value a write answered with",
                        ja: "「\(text)」はログの位置（0/16B3748 など）ではありません。書き込みの応答にあった値をそのまま送ってください"))
            }
            after = position
        } else if let text = request.cookies[Self.cookie]?.value {
            after = WALPosition(text)  // a mangled cookie is only a lost hint
        }
        var response = try await ReadPool.$after.withValue(after) { try await next(request, context) }
        guard request.method != .get, request.method != .head, response.status.code < 400,
            let written = try await reads.writtenPosition()
        else { return response }
        response.headers[Self.header] = written.description
        response.setCookie(
            Cookie(
                name: Self.cookie, value: written.description, maxAge: Self.cookieLifetime, path: "/", secure: web.secureCookies,
                httpOnly: true, sameSite: .lax))
        return response
    }
}
