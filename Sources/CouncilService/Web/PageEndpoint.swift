import Hummingbird

/// Who may open a page. Finer rules (which issue, which vendor) are the same `Policy` calls the
/// API makes, inside the stores the handlers call.
enum PageAccess: Sendable {
    /// The sign-in page, password links, assets.
    case anyone
    /// Anyone holding the secret in the path (a mail's one-click unsubscribe link, RFC 8058): it
    /// alone is the authority, so a POST needs no CSRF token — mail programs post without one.
    case secretInPath
    /// Everything else: without a session, the browser is sent to sign in and brought back.
    case signedIn
}

/// One page of the web interface: what the pages table lists.
struct PageEndpoint: Sendable {
    typealias Handler = @Sendable (PageRequest) async throws -> Response

    let method: HTTPRequest.Method
    /// The path in the router's form: `/issues/{number}`.
    let path: String
    let access: PageAccess
    /// The form carries files (`multipart/form-data`, up to an API upload's size).
    let takesFiles: Bool
    let handler: Handler

    init(_ method: HTTPRequest.Method, _ path: String, _ access: PageAccess, takesFiles: Bool = false, _ handler: @escaping Handler) {
        self.method = method
        self.path = path
        self.access = access
        self.takesFiles = takesFiles
        self.handler = handler
    }
}

/// What a page handler gets: the request, the person (if signed in), their language, and the
/// posted form (already checked for its CSRF token).
struct PageRequest: Sendable {
    let request: Request
    let context: CouncilRequestContext
    let session: WebSession?
    let language: PageLanguage
    let form: FormBody
    let settings: WebSettings
    /// The CSRF token forms on this page carry: the session's, or before sign-in the browser's own.
    let csrf: String

    /// The signed-in caller (the dispatcher has already sent anyone else to sign in).
    func caller() throws -> Principal {
        guard let session else { throw Problem.unauthenticated }
        return session.principal
    }

    /// The change version read with the session (nil before sign-in): views and lists kept at
    /// it are served without a connection.
    var changeVersion: Int64? { session?.changeVersion }

    /// The versions read with the session that pages of issue rows are kept at (`KeptPages`).
    var rowsVersion: RowsVersion? { session?.rowsVersion }

    func auditActor() throws -> AuditActor {
        AuditActor(try caller(), requestID: context.ownRequestID, clientRequestID: context.clientRequestID)
    }

    var shell: PageShell {
        PageShell(
            language: language, user: session?.displayName, principal: session?.principal, csrf: csrf, here: request.uri.description,
            assets: settings.assets)
    }

    func render(_ template: String, _ model: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        settings.renderer.render(template, model, shell: shell, status: status)
    }

    func word(_ key: String) -> String { PageText.word(key, language) }

    /// What a refusal says, one line per item, each field named as the form labels it
    /// (`回答: …` rather than `answer: …`).
    func reasons(_ problem: Problem) -> [String] {
        let japanese = language == .ja
        guard !problem.errors.isEmpty else { return [problem.detail(japanese: japanese)] }
        return problem.errors.map { item in
            let field = item.field.map { name in PageText.entries["field_" + name].map { japanese ? $0.ja : $0.en } ?? name }
            return [field, item.detail(japanese: japanese)].compactMap { $0 }.joined(separator: ": ")
        }
    }

    /// The client's address, for throttling sign-ins and the session list.
    var address: String? { context.remoteAddress }

    var userAgent: String? { request.headers[.userAgent] }
}

/// Settings the pages share: the renderer, the assets, and whether cookies need `Secure`.
package struct WebSettings: Sendable {
    /// The address people reach the daemon at (`COUNCIL_PUBLIC_URL`): links in mail and in the
    /// CLI's output use it, and an https one makes every cookie `Secure`.
    package let publicURL: String
    let renderer: PageRenderer
    let assets: WebAssets
    let hasher: PasswordHasher

    package init(publicURL: String, hasher: PasswordHasher = PasswordHasher()) {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.renderer = .shared
        self.assets = .shared
        self.hasher = hasher
    }

    var secureCookies: Bool { publicURL.lowercased().hasPrefix("https://") }

    /// A path under the public address (for links people open from mail or the CLI).
    package func link(_ path: String) -> String { publicURL + path }
}

extension Problem {
    /// A refusal a form shows beside what was typed (400, 409, 422), rather than an error page.
    var isRefusal: Bool { [400, 409, 422].contains(status.code) }

    /// The refusal `error` is, for a form to show; anything else is thrown on (an error page).
    static func refusal(_ error: any Error) throws -> Problem {
        guard let problem = describing(error), problem.isRefusal else { throw error }
        return problem
    }
}
