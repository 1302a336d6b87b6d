import CouncilDatabase
import Foundation
import Hummingbird
import Logging

/// Puts the pages on the router. Around every page handler, in this order: the session cookie
/// is resolved (the same `Principal` a token gives), a page that needs a person sends anyone
/// else to sign in, a POST must carry its form's CSRF token (403, nothing changes), and every
/// error becomes a page in the reader's language rather than problem+json.
struct PageDispatcher: Sendable {
    let sessions: SessionStore
    let settings: WebSettings

    static let sessionCookie = "council_session"
    /// Before sign-in there is no session: the browser's own random token guards the forms.
    static let csrfCookie = "council_csrf"
    static let csrfField = "_csrf"

    func register(_ table: [PageEndpoint], on router: Router<CouncilRequestContext>) {
        for endpoint in table {
            router.on(RouterPath(endpoint.path), method: endpoint.method) { request, context in
                try await dispatch(endpoint, request, context)
            }
        }
    }

    private func dispatch(_ endpoint: PageEndpoint, _ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let language = PageLanguage.of(request)
        var session: WebSession?
        if let secret = request.cookies[Self.sessionCookie]?.value {
            session = try await sessions.session(for: secret)
        }
        let browserToken = request.cookies[Self.csrfCookie]?.value.nonEmpty
        let csrf = session?.csrfToken ?? browserToken ?? TokenSecret.generate(prefix: "")
        var context = context
        if let session {
            context.principal = session.principal
            context.logger[metadataKey: "council.account"] = .stringConvertible(session.principal.accountID)
        }
        let shellOnly = PageRequest(
            request: request, context: context, session: session, language: language, form: FormBody(), settings: settings, csrf: csrf)
        var response: Response
        do {
            if endpoint.access == .signedIn, session == nil {
                response = Self.redirectToSignIn(from: request, ended: request.cookies[Self.sessionCookie] != nil)
            } else {
                var form = FormBody()
                if endpoint.method == .post {
                    form = try await FormBody.read(request, takingFiles: endpoint.takesFiles)
                    let tokenValid = form[Self.csrfField].map { Self.constantTimeEqual($0, csrf) } ?? false
                    guard endpoint.access == .secretInPath || tokenValid else {
                        context.logger.notice("page form without a valid CSRF token refused")
                        return shellOnly.render(
                            "error", ErrorPage(title: shellOnly.word("forbidden"), lead: shellOnly.word("csrf_refused")), status: .forbidden)
                    }
                }
                response = try await endpoint.handler(
                    PageRequest(
                        request: request, context: context, session: session, language: language, form: form, settings: settings, csrf: csrf))
            }
        } catch {
            response = errorPage(error, shellOnly)
        }
        // A browser that had no token of its own gets the one its forms were given.
        if session == nil, browserToken == nil {
            response.setCookie(cookie(Self.csrfCookie, csrf, maxAge: nil))
        }
        // A cookie that named no live session is cleared, so the browser stops sending it.
        if session == nil, request.cookies[Self.sessionCookie] != nil,
            response.headers[values: .setCookie].allSatisfy({ !$0.hasPrefix(Self.sessionCookie + "=") })
        {
            response.setCookie(cookie(Self.sessionCookie, "", maxAge: 0))
        }
        return response
    }

    /// The session cookie (or the CSRF one): never readable by scripts, not sent on cross-site
    /// POSTs, `Secure` when people reach the daemon over https.
    func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: settings.secureCookies, httpOnly: true, sameSite: .lax)
    }

    func sessionCookie(_ secret: String) -> Cookie {
        cookie(Self.sessionCookie, secret, maxAge: Int(SessionStore.absoluteTimeout))
    }

    static func redirectToSignIn(from request: Request, ended: Bool) -> Response {
        var target =
            "/sign-in?next=" + (request.method == .get ? request.uri.description : "/").addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        if ended { target += "&ended=1" }
        return redirect(to: target)
    }

    /// Post/redirect/get: a form's answer is a 303 to the page that shows the result.
    static func redirect(to path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path, .cacheControl: "no-store"])
    }

    /// Where to go after signing in: only a path of this site (`/issues?state=new`), never
    /// another host (`//evil.example`, `/\evil.example`).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"), !next.contains("\r"), !next.contains("\n")
        else { return "/" }
        return next
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func errorPage(_ error: any Error, _ page: PageRequest) -> Response {
        switch Problem.describing(error) ?? error {
        case let problem as Problem where problem.status == .notFound:
            return page.render("error", ErrorPage(title: page.word("not_found"), lead: page.word("not_found_lead")), status: .notFound)
        case let problem as Problem where problem.status == .unauthorized:
            return Self.redirectToSignIn(from: page.request, ended: true)
        case let problem as Problem where problem.status == .forbidden:
            return page.render(
                "error", ErrorPage(title: page.word("forbidden"), lead: problem.detail(japanese: page.language == .ja)), status: .forbidden)
        case let problem as Problem where (400..<500).contains(problem.status.code):
            let detail = page.reasons(problem).joined(separator: " / ")
            return page.render("error", ErrorPage(title: page.word("bad_request"), lead: detail), status: problem.status)
        case let error as HTTPError where (400..<500).contains(error.status.code):
            return page.render(
                "error", ErrorPage(title: page.word("bad_request"), lead: error.body ?? error.status.reasonPhrase), status: error.status)
        case let error as DatabaseError where error.isUnavailable:
            page.context.logger.error("database unavailable: \(error)")
            return page.render(
                "error", ErrorPage(title: page.word("server_error"), lead: page.word("server_error_lead"), requestID: page.context.requestID),
                status: .serviceUnavailable)
        default:
            page.context.logger.error(
                "unhandled error on page \(page.request.method) \(RequestLogMiddleware.redacted(page.request.uri.path)): \(String(reflecting: error))"
            )
            return page.render(
                "error", ErrorPage(title: page.word("server_error"), lead: page.word("server_error_lead"), requestID: page.context.requestID),
                status: .internalServerError)
        }
    }
}

/// The model of the error page.
struct ErrorPage: Sendable, Encodable {
    let title: String
    let lead: String
    var requestID: String?
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
