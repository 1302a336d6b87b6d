/// Every page at a glance: method, path, who may open it, and the handler. The API's table is
/// `RouteTable.council`; pages call the same stores, so the same `Policy` decides what they show.
extension PageEndpoint {
    static func council(_ pages: Pages) -> [PageEndpoint] {
        [
            // Sign-in, passwords, language
            PageEndpoint(.get, "/sign-in", .anyone, pages.signIn.form),
            PageEndpoint(.post, "/sign-in", .anyone, pages.signIn.submit),
            PageEndpoint(.post, "/sign-out", .signedIn, pages.signIn.signOut),
            PageEndpoint(.get, "/password/{secret}", .anyone, pages.signIn.linkForm),
            PageEndpoint(.post, "/password/{secret}", .anyone, pages.signIn.redeem),
            PageEndpoint(.post, "/language", .anyone, pages.shell.chooseLanguage),
            PageEndpoint(.get, "/account", .signedIn, pages.account.show),
            PageEndpoint(.post, "/account/password", .signedIn, pages.account.changePassword),
            PageEndpoint(.post, "/account/profile", .signedIn, pages.account.changeProfile),
            PageEndpoint(.post, "/account/notifications", .signedIn, pages.account.changeNotifications),
            PageEndpoint(.post, "/account/sessions/others/end", .signedIn, pages.account.endOtherSessions),
            PageEndpoint(.post, "/account/sessions/{id}/end", .signedIn, pages.account.endSession),
            PageEndpoint(.post, "/account/tokens", .signedIn, pages.account.createToken),
            PageEndpoint(.post, "/account/tokens/{id}/revoke", .signedIn, pages.account.revokeToken),
            PageEndpoint(.get, "/unsubscribe/{token}", .anyone, pages.account.unsubscribeForm),
            PageEndpoint(.post, "/unsubscribe/{token}", .secretInPath, pages.account.unsubscribe),

            // The council's work
            PageEndpoint(.get, "/", .signedIn, pages.dashboard.show),
            PageEndpoint(.get, "/issues", .signedIn, pages.issues.list),
            PageEndpoint(.get, "/issues/export", .signedIn, pages.issues.export),
            PageEndpoint(.post, "/issues/saved-queries", .signedIn, pages.issues.saveQuery),
            PageEndpoint(.get, "/issues/new", .signedIn, pages.issueForms.newForm),
            PageEndpoint(.post, "/issues/new", .signedIn, pages.issueForms.create),
            PageEndpoint(.get, "/issues/{number}", .signedIn, pages.issues.show),
            PageEndpoint(.get, "/issues/{number}/edit", .signedIn, pages.issueForms.editForm),
            PageEndpoint(.post, "/issues/{number}/edit", .signedIn, pages.issueForms.update),
            PageEndpoint(.post, "/issues/{number}/comments", .signedIn, pages.issues.addComment),
            PageEndpoint(.post, "/issues/{number}/transitions", .signedIn, pages.issues.transition),
            PageEndpoint(.post, "/issues/{number}/watch", .signedIn, pages.issues.watch),
            PageEndpoint(.get, "/municipalities/{code}", .signedIn, pages.municipality.show),
            PageEndpoint(.get, "/vendors/{id}", .signedIn, pages.vendor.show),

            // 届出: development status by form, spreadsheets with a preview (vendors their own, the secretariat any)
            PageEndpoint(.get, "/filings", .signedIn, pages.filings.list),
            PageEndpoint(.get, "/filings/status", .signedIn, pages.filings.statusForm),
            PageEndpoint(.post, "/filings/status", .signedIn, pages.filings.file),
            PageEndpoint(.get, "/filings/upload", .signedIn, pages.uploads.form),
            PageEndpoint(.post, "/filings/upload", .signedIn, takesFiles: true, pages.uploads.preview),
            PageEndpoint(.get, "/filings/upload/{id}", .signedIn, pages.uploads.show),
            PageEndpoint(.post, "/filings/upload/{id}/confirm", .signedIn, pages.uploads.confirm),
            PageEndpoint(.get, "/filings/adoptions/export", .signedIn, pages.uploads.adoptionsExport),
            PageEndpoint(.get, "/filings/adoptions/template", .signedIn, pages.uploads.adoptionsTemplate),
            PageEndpoint(.get, "/filings/status/export", .signedIn, pages.uploads.statusExport),
            PageEndpoint(.get, "/filings/status/template", .signedIn, pages.uploads.statusTemplate),

            // 協議会: meetings, their agendas (the secretariat's forms; Policy decides) and handouts
            PageEndpoint(.get, "/meetings", .signedIn, pages.meetings.list),
            PageEndpoint(.post, "/meetings", .signedIn, pages.meetings.create),
            PageEndpoint(.get, "/meetings/{id}", .signedIn, pages.meetings.show),
            PageEndpoint(.get, "/meetings/{id}/edit", .signedIn, pages.meetings.editForm),
            PageEndpoint(.post, "/meetings/{id}/edit", .signedIn, pages.meetings.update),
            PageEndpoint(.get, "/meetings/{id}/handout", .signedIn, pages.meetings.handout),
            PageEndpoint(.get, "/meetings/{id}/export", .signedIn, pages.meetings.export),
            PageEndpoint(.post, "/meetings/{id}/agenda", .signedIn, pages.agenda.add),
            PageEndpoint(.post, "/meetings/{id}/agenda/propose", .signedIn, pages.agenda.propose),
            PageEndpoint(.post, "/meetings/{id}/agenda/{item}/confirm", .signedIn, pages.agenda.confirm),
            PageEndpoint(.post, "/meetings/{id}/agenda/{item}/move", .signedIn, pages.agenda.move),
            PageEndpoint(.post, "/meetings/{id}/agenda/{item}/minutes", .signedIn, pages.agenda.writeMinutes),
            PageEndpoint(.post, "/meetings/{id}/agenda/{item}/decision", .signedIn, pages.agenda.decide),
            PageEndpoint(.post, "/meetings/{id}/agenda/{item}/delete", .signedIn, pages.agenda.remove),

            // 管理: accounts, organizations, the audit log (secretariat administrators for all, an
            // organization's administrators for their own; Policy decides)
            PageEndpoint(.get, "/admin", .signedIn, pages.adminAccounts.home),
            PageEndpoint(.get, "/admin/accounts", .signedIn, pages.adminAccounts.list),
            PageEndpoint(.post, "/admin/accounts", .signedIn, pages.adminAccounts.invite),
            PageEndpoint(.get, "/admin/accounts/{id}", .signedIn, pages.adminAccounts.show),
            PageEndpoint(.post, "/admin/accounts/{id}/edit", .signedIn, pages.adminAccounts.update),
            PageEndpoint(.post, "/admin/accounts/{id}/password-link", .signedIn, pages.adminAccounts.passwordLink),
            PageEndpoint(.post, "/admin/accounts/{id}/tokens", .signedIn, pages.adminAccounts.createToken),
            PageEndpoint(.post, "/admin/accounts/{id}/tokens/{token}/revoke", .signedIn, pages.adminAccounts.revokeToken),
            PageEndpoint(.get, "/admin/organizations", .signedIn, pages.adminOrganizations.list),
            PageEndpoint(.post, "/admin/organizations", .signedIn, pages.adminOrganizations.create),
            PageEndpoint(.post, "/admin/organizations/{id}/active", .signedIn, pages.adminOrganizations.setActive),
            PageEndpoint(.get, "/admin/audit", .signedIn, pages.audit.list),

            // Administration: webhooks (an organization's administrators; Policy decides)
            PageEndpoint(.get, "/webhooks", .signedIn, pages.webhooks.list),
            PageEndpoint(.post, "/webhooks", .signedIn, pages.webhooks.create),
            PageEndpoint(.get, "/webhooks/{id}", .signedIn, pages.webhooks.show),
            PageEndpoint(.post, "/webhooks/{id}/enabled", .signedIn, pages.webhooks.setEnabled),
            PageEndpoint(.post, "/webhooks/{id}/secret", .signedIn, pages.webhooks.rotate),
            PageEndpoint(.post, "/webhooks/{id}/delete", .signedIn, pages.webhooks.delete),
            PageEndpoint(.post, "/webhooks/{id}/deliveries/{delivery}/redeliver", .signedIn, pages.webhooks.redeliver),
        ]
    }
}

/// The page handlers, grouped by subject.
struct Pages: Sendable {
    let signIn: SignInPages
    let account: AccountPages
    let shell: ShellRoutes
    let dashboard: DashboardPage
    let issues: IssuePages
    let issueForms: IssueFormPages
    let municipality: MunicipalityPage
    let vendor: VendorPage
    let filings: FilingPages
    let uploads: UploadPages
    let meetings: MeetingPages
    let agenda: AgendaPages
    let adminAccounts: AdminAccountPages
    let adminOrganizations: AdminOrganizationPages
    let audit: AuditPages
    let webhooks: WebhookPages
}
