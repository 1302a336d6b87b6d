import Hummingbird

/// Signing in and out, and setting a password from a one-time link.
struct SignInPages: Sendable {
    let signIn: SignIn
    let sessions: SessionStore
    let links: PasswordLinkStore
    let dispatcher: PageDispatcher

    struct Form: Sendable, Encodable {
        var email = ""
        var next = "/"
        var error: String?
        var notice: String?
    }

    func form(_ page: PageRequest) async throws -> Response {
        if page.session != nil {
            return PageDispatcher.redirect(to: PageDispatcher.safeNext(page.request.uri.queryParameters["next"].map(String.init)))
        }
        let query = page.request.uri.queryParameters
        var form = Form(next: PageDispatcher.safeNext(query["next"].map(String.init)))
        if query["ended"] != nil { form.notice = page.word("session_ended") }
        if query["signed_out"] != nil { form.notice = page.word("signed_out") }
        return page.render("sign-in", form)
    }

    func submit(_ page: PageRequest) async throws -> Response {
        let email = page.form["email"] ?? "", next = PageDispatcher.safeNext(page.form["next"])
        let outcome = try await signIn.attempt(
            email: email, password: page.form["password"] ?? "", address: page.address, userAgent: page.userAgent,
            requestID: page.context.ownRequestID)
        switch outcome {
        case .signedIn(let secret):
            var response = PageDispatcher.redirect(to: next)
            response.setCookie(dispatcher.sessionCookie(secret))
            return response
        case .refused, .lockedOut:
            let message = page.word(outcome == .lockedOut ? "sign_in_locked" : "sign_in_refused")
            return page.render(
                "sign-in", Form(email: email, next: next, error: message), status: outcome == .lockedOut ? .tooManyRequests : .unauthorized)
        }
    }

    func signOut(_ page: PageRequest) async throws -> Response {
        if let session = page.session { try await sessions.end(session.id, by: try page.auditActor()) }
        var response = PageDispatcher.redirect(to: "/sign-in?signed_out=1")
        response.setCookie(dispatcher.cookie(PageDispatcher.sessionCookie, "", maxAge: 0))
        return response
    }

    struct PasswordForm: Sendable, Encodable {
        let email: String
        let displayName: String
        let action: String
        var errors: [String] = []
    }

    func linkForm(_ page: PageRequest) async throws -> Response {
        let secret = page.context.parameters.get("secret") ?? ""
        guard let account = try await links.account(for: secret) else {
            return page.render("error", ErrorPage(title: page.word("set_password"), lead: page.word("link_invalid")), status: .notFound)
        }
        return page.render("password", PasswordForm(email: account.email.rawValue, displayName: account.displayName, action: page.request.uri.path))
    }

    func redeem(_ page: PageRequest) async throws -> Response {
        let secret = page.context.parameters.get("secret") ?? ""
        guard let account = try await links.account(for: secret) else {
            return page.render("error", ErrorPage(title: page.word("set_password"), lead: page.word("link_invalid")), status: .notFound)
        }
        let chosen = page.form["password"] ?? "", again = page.form["password_again"] ?? ""
        var form = PasswordForm(email: account.email.rawValue, displayName: account.displayName, action: page.request.uri.path)
        let password: NewPassword
        switch NewPassword.check(chosen, email: account.email) {
        case .failure(let refusal):
            form.errors = [page.word(refusal.rawValue)]
            return page.render("password", form, status: .unprocessableContent)
        case .success(let checked):
            guard chosen == again else {
                form.errors = [page.word(PasswordRefusal.mismatch.rawValue)]
                return page.render("password", form, status: .unprocessableContent)
            }
            password = checked
        }
        guard
            let redeemed = try await links.redeem(
                secret, password: password, address: page.address, userAgent: page.userAgent, requestID: page.context.ownRequestID)
        else {
            return page.render("error", ErrorPage(title: page.word("set_password"), lead: page.word("link_invalid")), status: .notFound)
        }
        var response = PageDispatcher.redirect(to: "/")
        response.setCookie(dispatcher.sessionCookie(redeemed.session))
        return response
    }
}
