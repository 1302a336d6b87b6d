import Hummingbird
import NIOCore

/// Renders pages from the Mustache templates under `web/templates/` (compiled into the binary,
/// parsed once at start by `TemplateParser`, rendered by `TemplateLibrary`).
/// `{{name}}` escapes for HTML; `{{{name}}}` appears only where the value is HTML we built
/// ourselves with every user text escaped (the tile map, `SelectOptions`).
package struct PageRenderer: Sendable {
    let library: TemplateLibrary
    let assets: WebAssets

    package static let shared = PageRenderer(files: EmbeddedResources.webFiles, assets: .shared)

    init(files: [(path: String, text: String)], assets: WebAssets) {
        var templates: [String: [TemplateNode]] = [:]
        for (path, text) in files where path.hasPrefix("templates/") && path.hasSuffix(".mustache") {
            let name = String(path.dropFirst("templates/".count).dropLast(".mustache".count))
            // The templates are ours and compiled in; one that does not parse is a build-time bug.
            do { templates[name] = try TemplateParser.parse(text) } catch { preconditionFailure("template \(name): \(error)") }
        }
        do { self.library = try TemplateLibrary(templates: templates) } catch { preconditionFailure("templates: \(error)") }
        self.assets = assets
    }

    /// The words of each language, as the templates read them (`{{t.word}}`).
    private static let words = PageText.byLanguage.mapValues { words in
        TemplateValue.object(words.mapValues(TemplateValue.string), description: nil)
    }

    /// A whole page: the shell (header, navigation, language switch) around `template`.
    func render(_ template: String, _ model: some Encodable, shell: PageShell, status: HTTPResponse.Status = .ok) -> Response {
        let root = TemplateValue.object(
            ["page": TemplateEncoder.value(of: model), "shell": TemplateEncoder.value(of: shell), "t": Self.words[shell.language]!],
            description: nil)
        guard let html = library.render(template, root) else { preconditionFailure("no template \(template)") }
        return Response(status: status, headers: PageHeaders.html, body: .init(byteBuffer: ByteBuffer(bytes: html)))
    }
}

/// What every page carries besides its own content.
struct PageShell: Sendable, Encodable {
    let language: PageLanguage
    let lang: String
    let user: String?
    let csrf: String
    let stylesheet: String
    let script: String
    /// The path of this page, for the language switch to come back to.
    let here: String
    let otherLanguage: String
    let nav: [NavItem]

    struct NavItem: Sendable, Encodable {
        let href: String
        let label: String
        let current: Bool
    }

    init(language: PageLanguage, user: String?, principal: Principal? = nil, csrf: String, here: String, assets: WebAssets) {
        self.language = language
        self.lang = language.rawValue
        self.user = user
        self.csrf = csrf
        self.stylesheet = assets.url("council.css")
        self.script = assets.url("council.js")
        self.here = here
        self.otherLanguage = language == .ja ? PageLanguage.en.rawValue : PageLanguage.ja.rawValue
        let path = here.split(separator: "?").first.map(String.init) ?? here
        self.nav =
            user == nil
            ? []
            : [
                ("/", "nav_dashboard"), ("/issues", "nav_issues"), ("/issues/new", "nav_new_issue"), ("/filings", "nav_filings"),
                ("/meetings", "nav_meetings"),
                ("/admin", "nav_admin"), ("/account", "nav_account"),
            ].filter { href, _ in
                // Only what the person may use: 届出 for those who file, 管理 for administrators.
                switch href {
                case "/filings": principal.map { (try? Policy.authorize(.filer, $0)) != nil } ?? false
                case "/admin": principal.map(Policy.canAdminister) ?? false
                default: true
                }
            }.map { href, key in
                NavItem(
                    href: href, label: PageText.word(key, language),
                    current: href == "/" || href == "/issues/new"
                        ? path == href : path == href || (path.hasPrefix(href + "/") && path != "/issues/new"))
            }
    }
}

/// The headers of every page: no inline script or style may run, nothing from elsewhere loads,
/// no other site may frame it, and pages with personal data are not kept by shared caches.
enum PageHeaders {
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static let html: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .init("Content-Security-Policy")!: contentSecurityPolicy,
        .init("X-Content-Type-Options")!: "nosniff",
        .init("X-Frame-Options")!: "DENY",
        .init("Referrer-Policy")!: "same-origin",
        .cacheControl: "no-store",
    ]
}
