import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

@testable import CouncilDatabase
@testable import CouncilService

/// A browser as far as the server can tell: it keeps cookies, follows nothing by itself, and
/// sends each form with the CSRF token of the last page it read (as a real form would).
final class WebBrowser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var language = "ja"
    /// The token the last page's forms carried.
    var csrf: String?

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let html: String
        var location: String? { headers[.location] }
    }

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    private var headers: HTTPFields {
        var headers: HTTPFields = [.acceptLanguage: language]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        return headers
    }

    @discardableResult
    func get(_ path: String) async throws -> Page {
        try await send(path, method: .get, headers: headers, body: nil)
    }

    /// Posts a form; `csrf: nil` sends the last page's token, `.some(nil)` none at all.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf: String?? = .none) async throws -> Page {
        var fields = fields
        switch csrf {
        case .none: if let token = self.csrf { fields.append(("_csrf", token)) }
        case .some(.some(let token)): fields.append(("_csrf", token))
        case .some(.none): break
        }
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var headers = self.headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// Posts a form with a file as a browser does (`multipart/form-data`), the page's token included.
    @discardableResult
    func postFile(_ path: String, _ fields: [(String, String)], file: (name: String, filename: String, bytes: [UInt8])) async throws -> Page {
        let boundary = "----CouncilTestBoundary\(UInt64.random(in: 0...UInt64.max))"
        var body = ByteBuffer()
        for (name, value) in fields + (csrf.map { [("_csrf", $0)] } ?? []) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        body.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(file.bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = self.headers
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await send(path, method: .post, headers: headers, body: body)
    }

    private func send(_ path: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> Page {
        let page = try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            Page(status: response.status, headers: response.headers, html: String(buffer: response.body))
        }
        for cookie in page.headers[values: .setCookie] {
            let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || cookie.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        if let token = Self.firstMatch(#"name="_csrf" value="([^"]+)""#, in: page.html) { csrf = token }
        return page
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!
    }

    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), match.numberOfRanges > 1,
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }
}

extension TestEnvironment {
    /// Gives `caller` a password through a real one-time link, as an administrator would.
    func setPassword(_ caller: TestIdentities.Caller, _ password: String = "協議会のパスワード2026") async throws {
        let account = ids.identity(caller).account
        let links = PasswordLinkStore(pool: pool, hasher: WebSettings.testing.hasher)
        let link = try await links.create(for: account, by: .system)
        let secret = String(link.path.dropFirst("/password/".count))
        _ = try await links.redeem(
            secret, password: try NewPassword.check(password, email: account.email).get(), address: nil, userAgent: nil, requestID: nil)
    }

    /// A browser signed in as `caller` through the sign-in form (setting the password first if
    /// the account has none: setting one ends the account's other sessions).
    func signedIn(
        _ caller: TestIdentities.Caller, _ client: any TestClientProtocol, password: String = "協議会のパスワード2026"
    ) async throws -> WebBrowser {
        let hasPassword: Bool = try await pool.withConnection {
            try $0.query(
                Query("test.hasPassword", "SELECT password_hash IS NOT NULL AS set FROM accounts WHERE id = \(ids.identity(caller).account.id)")
            ).single().decode("set")
        }
        if !hasPassword { try await setPassword(caller) }
        let browser = WebBrowser(client)
        try await browser.get("/sign-in")
        let answer = try await browser.post(
            "/sign-in", [("email", ids.identity(caller).account.email.rawValue), ("password", password), ("next", "/")])
        guard answer.status == .seeOther else { throw SignInFailed(caller: caller.rawValue, status: answer.status.code) }
        return browser
    }
}

struct SignInFailed: Error {
    let caller: String
    let status: Int
}
