import Hummingbird

/// My account: who I am, my password, mail, where I am signed in and my API tokens (the last two
/// in `AccountPages+Access`).
struct AccountPages: Sendable {
    let accounts: AccountStore
    let organizations: OrganizationStore
    let links: PasswordLinkStore
    let mail: MailPreferenceStore
    let sessions: SessionStore
    let tokens: TokenStore
    let dispatcher: PageDispatcher

    struct Model: Sendable, Encodable {
        let displayName: String
        let email: String
        let organization: String
        let role: String
        let mailChoices: [PageChoice]
        /// Its organization's administrators (and the secretariat's) find the webhooks here.
        let managesWebhooks: Bool
        /// Administrators of accounts (the secretariat's, an organization's) find 管理 here.
        let administers: Bool
        let sessions: [SessionRow]
        let tokens: [TokenRow]
        var tokenName = ""
        var tokenExpiry = ""
        var tokenErrors: [String] = []
        var profileErrors: [String] = []
        /// A token just made: its secret, shown on this answer only.
        var newToken: String?
        var errors: [String] = []
        var notice: String?
    }

    func show(_ page: PageRequest) async throws -> Response {
        var model = try await model(page)
        if page.request.uri.queryParameters["changed"] != nil { model.notice = page.word("password_changed") }
        if page.request.uri.queryParameters["notifications"] != nil { model.notice = page.word("notifications_saved") }
        if let done = page.request.uri.queryParameters["done"].map(String.init), PageText.entries["account_done_" + done] != nil {
            model.notice = page.word("account_done_" + done)
        }
        return page.render("account", model)
    }

    /// The name others see on issues, comments and meetings; the e-mail address is the
    /// administrators' to change (it is how the person signs in).
    func changeProfile(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let name = page.form["display_name"] ?? ""
        do {
            _ = try await accounts.update(principal.accountID, by: try page.auditActor()) { current in
                var draft = AccountDraft(current)
                draft.displayName = JapaneseText.typedTrimmed(name)
                return draft
            }
            return PageDispatcher.redirect(to: "/account?done=profile_saved")
        } catch {
            let problem = try Problem.refusal(error)
            var model = try await model(page)
            model.profileErrors = page.reasons(problem)
            return page.render("account", model, status: .unprocessableContent)
        }
    }

    func changeNotifications(_ page: PageRequest) async throws -> Response {
        guard let mode = page.form["mail"].flatMap(MailQueue.Mode.init(rawValue:)) else {
            var model = try await model(page)
            model.errors = [
                page.word("mail_notifications") + ": " + page.word("mail_each") + " / " + page.word("mail_digest") + " / " + page.word("mail_none")
            ]
            return page.render("account", model, status: .unprocessableContent)
        }
        _ = try await mail.set(mode, for: try page.caller().accountID, by: try page.auditActor())
        return PageDispatcher.redirect(to: "/account?notifications=1")
    }

    struct Unsubscribe: Sendable, Encodable {
        let action: String
        let done: Bool
    }

    func unsubscribeForm(_ page: PageRequest) async throws -> Response {
        page.render("unsubscribe", Unsubscribe(action: page.request.uri.path, done: false))
    }

    /// The mail's one-click link (or the form above): the token turns its account's mail off.
    func unsubscribe(_ page: PageRequest) async throws -> Response {
        guard try await mail.unsubscribe(token: page.context.parameters.get("token") ?? "") != nil else {
            return page.render("error", ErrorPage(title: page.word("unsubscribe_title"), lead: page.word("unsubscribe_invalid")), status: .notFound)
        }
        return page.render("unsubscribe", Unsubscribe(action: page.request.uri.path, done: true))
    }

    func changePassword(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        var model = try await model(page)
        guard let account = try await accounts.account(principal.accountID) else { throw Problem.unauthenticated }
        let chosen = page.form["password"] ?? "", again = page.form["password_again"] ?? ""
        switch NewPassword.check(chosen, email: account.email) {
        case .failure(let refusal):
            model.errors = [page.word(refusal.rawValue)]
        case .success(let password):
            if chosen != again {
                model.errors = [page.word(PasswordRefusal.mismatch.rawValue)]
            } else if let secret = try await links.change(
                account: account.id, current: page.form["current_password"] ?? "", to: password, address: page.address,
                userAgent: page.userAgent, requestID: page.context.ownRequestID)
            {
                var response = PageDispatcher.redirect(to: "/account?changed=1")
                response.setCookie(dispatcher.sessionCookie(secret))
                return response
            } else {
                model.errors = [page.word("current_password_wrong")]
            }
        }
        return page.render("account", model, status: .unprocessableContent)
    }

    func model(_ page: PageRequest) async throws -> Model {
        let principal = try page.caller()
        guard let account = try await accounts.account(principal.accountID),
            let organization = try await organizations.organization(account.organizationID)
        else { throw Problem.unauthenticated }
        let chosen = try await mail.preference(of: account.id).mail
        return Model(
            displayName: account.displayName, email: account.email.rawValue, organization: organization.name,
            role: page.language.word(.role, account.role.rawValue),
            mailChoices: MailQueue.Mode.allCases.map {
                PageChoice(value: $0.rawValue, label: page.word("mail_" + $0.rawValue), checked: $0 == chosen)
            },
            managesWebhooks: Policy.canManageWebhooks(of: principal.organizationID, principal),
            administers: principal.isSecretariatAdmin || principal.orgAdmin,
            sessions: try await sessions.sessions(of: account.id).map { SessionRow($0, current: principal.credential == .session($0.id), page) },
            tokens: try await tokens.tokens(of: account.id).map { TokenRow($0, page) })
    }
}

/// The language switch: a form in the header, so it works without JavaScript.
struct ShellRoutes: Sendable {
    let dispatcher: PageDispatcher

    func chooseLanguage(_ page: PageRequest) async throws -> Response {
        guard let chosen = page.form["lang"].flatMap(PageLanguage.init(rawValue:)) else {
            throw Problem.invalid("lang", Reason("give ja or en", ja: "ja か en を指定してください"))
        }
        var response = PageDispatcher.redirect(to: PageDispatcher.safeNext(page.form["next"]))
        response.setCookie(dispatcher.cookie(PageLanguage.cookie, chosen.rawValue, maxAge: 365 * 86400))
        return response
    }
}
