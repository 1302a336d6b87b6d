import Foundation
import Hummingbird

/// My account's ways in: the browsers I am signed in on (sign one out, or all the others), and my
/// API tokens (make one — its secret shown once — or revoke one, which stops it at once).
extension AccountPages {
    struct SessionRow: Sendable, Encodable {
        let id: Int
        let current: Bool
        let since: String
        let lastSeen: String
        let address: String
        let browser: String

        init(_ session: SessionStore.Listed, current: Bool, _ page: PageRequest) {
            id = session.id
            self.current = current
            since = PageFormat.dateTime(session.createdAt, page.language)
            lastSeen = PageFormat.dateTime(session.lastSeenAt, page.language)
            address = session.address ?? ""
            browser = session.userAgent.map(Self.browser) ?? ""
        }

        /// A person recognises "Chrome on Windows", not a whole User-Agent string.
        static func browser(_ agent: String) -> String {
            let names = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl")]
            let systems = [
                ("Windows", "Windows"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Mac OS", "macOS"), ("Linux", "Linux"),
            ]
            let name = names.first { agent.contains($0.0) }?.1
            let system = systems.first { agent.contains($0.0) }?.1
            return [name, system].compactMap { $0 }.joined(separator: " / ").isEmpty
                ? String(agent.prefix(60)) : [name, system].compactMap { $0 }.joined(separator: " / ")
        }
    }

    struct TokenRow: Sendable, Encodable {
        let id: Int
        let name: String
        let hint: String
        let created: String
        let expires: String?
        let lastUsed: String?
        let revoked: String?

        init(_ token: APIToken, _ page: PageRequest) {
            id = token.id
            name = token.name
            hint = token.hint
            created = PageFormat.dateTime(token.createdAt, page.language)
            expires = token.expiresAt.map { PageFormat.dateTime($0, page.language) }
            lastUsed = token.lastUsedAt.map { PageFormat.dateTime($0, page.language) }
            revoked = token.revokedAt.map { PageFormat.dateTime($0, page.language) }
        }
    }

    func endSession(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let id = try page.context.id("id")
        try await sessions.end(of: principal.accountID, only: id, by: try page.auditActor())
        if principal.credential == .session(id) { return PageDispatcher.redirect(to: "/sign-in?ended=1") }
        return PageDispatcher.redirect(to: "/account?done=session_ended#sessions")
    }

    func endOtherSessions(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        guard case .session(let current) = principal.credential else { throw Problem.unauthenticated }
        try await sessions.end(of: principal.accountID, keeping: current, by: try page.auditActor())
        return PageDispatcher.redirect(to: "/account?done=sessions_ended#sessions")
    }

    func createToken(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        guard let account = try await accounts.account(principal.accountID) else { throw Problem.unauthenticated }
        let form = TokenForm(page.form)
        do {
            let issued = try await form.issue(to: account, tokens, page)
            var model = try await model(page)
            model.newToken = issued.secret
            model.notice = page.word("account_done_token_created")
            return page.render("account", model, status: .created)
        } catch {
            let problem = try Problem.refusal(error)
            var model = try await model(page)
            (model.tokenName, model.tokenExpiry, model.tokenErrors) = (form.name, form.expiry, page.reasons(problem))
            return page.render("account", model, status: .unprocessableContent)
        }
    }

    func revokeToken(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let id = try page.context.id("id")
        // Only my own tokens here: an administrator revokes others' on the account's admin page.
        guard let (_, account) = try await tokens.token(id), account.id == principal.accountID else {
            throw Problem.notFound(Reason.noToken(id))
        }
        try Policy.requireManageTokens(of: account, principal)
        _ = try await tokens.revoke(id, by: try page.auditActor())
        return PageDispatcher.redirect(to: "/account?done=token_revoked#tokens")
    }

}

/// The token form of my account page and of an account's admin page: a name, and optionally the
/// day it works through (Japan time); `Policy` decides whose tokens the caller makes.
struct TokenForm: Sendable, Encodable {
    let name: String
    let expiry: String

    init(_ form: FormBody) {
        name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        expiry = (form["expires_on"] ?? "").trimmingCharacters(in: .whitespaces)
    }

    func issue(to account: Account, _ tokens: TokenStore, _ page: PageRequest) async throws -> IssuedToken {
        try Policy.requireManageTokens(of: account, try page.caller())
        guard account.active else {
            throw Problem.invalid("active", Reason.accountInactive)
        }
        try Problem.requireLine("name", name, max: 100)
        var expiresAt: Date?
        if !expiry.isEmpty {
            guard let date = CalendarDate(typed: expiry) else { throw Problem.invalid("expires_on", CalendarDate.whyInvalidTyped(expiry)) }
            let end = PageFormat.endOfDayInJapan(date)
            if end <= Date() { throw Problem.invalid("expires_on", Reason.mustBeInTheFuture) }
            expiresAt = end
        }
        return try await tokens.issue(to: account.id, name: name, expiresAt: expiresAt, by: try page.auditActor())
    }
}
