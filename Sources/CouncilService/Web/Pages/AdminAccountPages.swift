import Foundation
import Hummingbird

/// 管理 — accounts: secretariat administrators manage every account, an organization's
/// administrators their own organization's (`Policy`). Invite with a one-time link shown once,
/// edit roles, deactivate (every session ends), make a password-reset link, revoke tokens.
struct AdminAccountPages: Sendable {
    let accounts: AccountStore
    let organizations: OrganizationStore
    let links: PasswordLinkStore
    let tokens: TokenStore
    let masterData: MasterDataStore

    static let pageSize = 100

    struct ListModel: Sendable, Encodable {
        let rows: [Row]
        let filter: [PageChoice]
        let filtering: Bool
        let form: AccountForm
        let nextPage: String?
        let previousPage: String?
        var link: ShownLink?
        var errors: [String] = []
    }

    struct Row: Sendable, Encodable {
        let id: Int
        let name: String
        let email: String
        let organization: String
        let role: String
        let orgAdmin: Bool
        let active: Bool
    }

    /// The fields of an account, for inviting or editing.
    struct AccountForm: Sendable, Encodable {
        let displayName: String
        let email: String
        /// Only secretariat administrators choose the organization and roles.
        let organizations: [PageChoice]
        let roles: [PageChoice]
        let orgAdmin: Bool
        let active: Bool
        let prefectures: [PageChoice]
    }

    /// A password link: the only time it is shown; the administrator sends it to the person.
    struct ShownLink: Sendable, Encodable {
        let url: String
        let email: String
        let expires: String
    }

    // MARK: The list and invitations

    /// 管理 opens on the accounts.
    func home(_ page: PageRequest) async throws -> Response {
        _ = try Policy.administeredOrganization(try page.caller())
        return PageDispatcher.redirect(to: "/admin/accounts")
    }

    func list(_ page: PageRequest) async throws -> Response {
        page.render("admin-accounts", try await listModel(page, typed: nil))
    }

    func invite(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let scope = try Policy.administeredOrganization(principal)
        let typed = TypedAccount(page.form, fixedOrganization: scope)
        do {
            let draft = try typed.draft(active: true)
            let account = try await AccountRoutes.sayingNothingOfOtherAccounts(principal) {
                try await accounts.create(draft, by: try page.auditActor()) { organization in
                    guard Policy.canManageAccounts(of: organization.id, kind: organization.kind, principal) else {
                        throw Problem.forbidden(
                            Reason.cannotCreateAccounts(in: organization.name))
                    }
                    try Policy.requireAssignable(role: draft.role, orgAdmin: draft.orgAdmin, in: organization.kind, principal)
                }
            }
            let link = try await links.create(for: account, by: try page.auditActor())
            var model = try await listModel(page, typed: nil)
            model.link = ShownLink(
                url: page.settings.link(link.path), email: account.email.rawValue, expires: PageFormat.dateTime(link.expiresAt, page.language))
            return page.render("admin-accounts", model, status: .created)
        } catch {
            let problem = try Problem.refusal(error)
            var model = try await listModel(page, typed: typed)
            model.errors = page.reasons(problem)
            return page.render("admin-accounts", model, status: problem.status == .forbidden ? .forbidden : .unprocessableContent)
        }
    }

    private func listModel(_ page: PageRequest, typed: TypedAccount?) async throws -> ListModel {
        let principal = try page.caller()
        let scope = try Policy.administeredOrganization(principal)
        let query = page.request.uri.queryParameters
        let offset = max(0, min(Page.maxOffset, query["offset"].flatMap { Int(String($0)) } ?? 0))
        let chosen = scope ?? query["organization_id"].flatMap { Int(String($0)) }
        let listed = try await accounts.accounts(
            organization: chosen, role: nil, active: nil, page: Page(limit: Self.pageSize, offset: offset))
        let all = try await organizations.organizations(kind: nil, active: nil, page: Page(limit: Page.maxLimit)).items
        let names = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.name) })
        let base = "/admin/accounts?" + (chosen.map { "organization_id=\($0)&" } ?? "")
        return ListModel(
            rows: listed.items.map { account in
                Row(
                    id: account.id, name: account.displayName, email: account.email.rawValue, organization: names[account.organizationID] ?? "",
                    role: page.language.word(.role, account.role.rawValue), orgAdmin: account.orgAdmin, active: account.active)
            },
            filter: scope == nil ? all.map { PageChoice(value: String($0.id), label: $0.name, checked: $0.id == chosen) } : [],
            filtering: scope == nil,
            form: try await form(typed ?? TypedAccount(organization: chosen), principal, organizations: all.filter(\.active), page),
            nextPage: offset + Self.pageSize < listed.total ? base + "offset=\(offset + Self.pageSize)" : nil,
            previousPage: offset > 0 ? base + "offset=\(max(0, offset - Self.pageSize))" : nil)
    }

    func form(_ typed: TypedAccount, _ principal: Principal, organizations: [Organization], _ page: PageRequest) async throws -> AccountForm {
        let admin = principal.isSecretariatAdmin
        let prefectures = admin ? try await masterData.prefectures(known: page.changeVersion) : []
        return AccountForm(
            displayName: typed.displayName, email: typed.email,
            organizations: admin
                ? organizations.map { PageChoice(value: String($0.id), label: $0.name, checked: $0.id == typed.organizationID) } : [],
            roles: admin
                ? Role.allCases.map {
                    PageChoice(value: $0.rawValue, label: page.language.word(.role, $0.rawValue), checked: $0.rawValue == typed.role)
                } : [],
            orgAdmin: typed.orgAdmin, active: typed.active,
            prefectures: prefectures.map {
                PageChoice(value: $0.code.rawValue, label: $0.name, checked: typed.prefectures.contains($0.code.rawValue))
            })
    }

    // MARK: One account

    struct AccountModel: Sendable, Encodable {
        let id: Int
        let name: String
        let email: String
        let organization: String
        let role: String
        let active: Bool
        let form: AccountForm
        let tokens: [AccountPages.TokenRow]
        var link: ShownLink?
        /// A token just made for the account: its secret, on this answer only.
        var newToken: String?
        var tokenName = ""
        var tokenExpiry = ""
        var tokenErrors: [String] = []
        var errors: [String] = []
        var notice: String?
    }

    func show(_ page: PageRequest) async throws -> Response {
        let account = try await managed(page)
        var model = try await accountModel(account, page, typed: nil)
        if let done = page.request.uri.queryParameters["done"].map(String.init), PageText.entries["admin_done_" + done] != nil {
            model.notice = page.word("admin_done_" + done)
        }
        return page.render("admin-account", model)
    }

    func update(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let target = try await managed(page)
        let typed = TypedAccount(page.form, fixedOrganization: target.organizationID)
        do {
            let changed = try typed.draft(active: page.form["active"] == "true")
            _ = try await AccountRoutes.sayingNothingOfOtherAccounts(principal) {
                try await accounts.update(target.id, by: try page.auditActor()) { current in
                    var draft = AccountDraft(current)
                    draft.displayName = changed.displayName
                    draft.email = changed.email
                    draft.active = changed.active
                    draft.prefectures = changed.prefectures
                    // Roles are the secretariat administrators' to grant; the form shows them only to them.
                    if principal.isSecretariatAdmin { draft.role = changed.role }
                    draft.orgAdmin = changed.orgAdmin
                    if draft.role != current.role || draft.orgAdmin != current.orgAdmin {
                        try Policy.requireAssignable(role: draft.role, orgAdmin: draft.orgAdmin, in: current.organizationKind, principal)
                    }
                    return draft
                }
            }
            return PageDispatcher.redirect(to: "/admin/accounts/\(target.id)?done=saved")
        } catch {
            let problem = try Problem.refusal(error)
            var model = try await accountModel(target, page, typed: typed)
            model.errors = page.reasons(problem)
            return page.render("admin-account", model, status: problem.status == .forbidden ? .forbidden : .unprocessableContent)
        }
    }

    /// A reset link (an invitation again if no password was ever set); older unused links stop working.
    func passwordLink(_ page: PageRequest) async throws -> Response {
        let account = try await managed(page)
        guard account.active else {
            throw Problem.invalid("active", Reason.accountInactive)
        }
        let link = try await links.create(for: account, by: try page.auditActor())
        var model = try await accountModel(account, page, typed: nil)
        model.link = ShownLink(
            url: page.settings.link(link.path), email: account.email.rawValue, expires: PageFormat.dateTime(link.expiresAt, page.language))
        return page.render("admin-account", model, status: .created)
    }

    /// A token for an account the caller manages (a system account that feeds the council, say).
    func createToken(_ page: PageRequest) async throws -> Response {
        let account = try await managed(page)
        let form = TokenForm(page.form)
        do {
            let issued = try await form.issue(to: account, tokens, page)
            var model = try await accountModel(account, page, typed: nil)
            model.newToken = issued.secret
            return page.render("admin-account", model, status: .created)
        } catch {
            let problem = try Problem.refusal(error)
            var model = try await accountModel(account, page, typed: nil)
            (model.tokenName, model.tokenExpiry, model.tokenErrors) = (form.name, form.expiry, page.reasons(problem))
            return page.render("admin-account", model, status: .unprocessableContent)
        }
    }

    func revokeToken(_ page: PageRequest) async throws -> Response {
        let account = try await managed(page)
        let id = try page.context.id("token")
        guard let (_, owner) = try await tokens.token(id), owner.id == account.id else {
            throw Problem.notFound(Reason.noToken(id))
        }
        try Policy.requireManageTokens(of: owner, try page.caller())
        _ = try await tokens.revoke(id, by: try page.auditActor())
        return PageDispatcher.redirect(to: "/admin/accounts/\(account.id)?done=token_revoked#tokens")
    }

    /// The account of the path: 404 when the caller may not see it, 403 when not manage it.
    private func managed(_ page: PageRequest) async throws -> Account {
        let principal = try page.caller()
        _ = try Policy.administeredOrganization(principal)
        let id = try page.context.id("id")
        guard let account = try await accounts.account(id), Policy.canSee(account: account, principal) else {
            throw Problem.notFound(Reason.noAccount(id))
        }
        try Policy.requireManage(account: account, principal)
        return account
    }

    private func accountModel(_ account: Account, _ page: PageRequest, typed: TypedAccount?) async throws -> AccountModel {
        let principal = try page.caller()
        let organization = try await organizations.organization(account.organizationID)
        return AccountModel(
            id: account.id, name: account.displayName, email: account.email.rawValue, organization: organization?.name ?? "",
            role: page.language.word(.role, account.role.rawValue), active: account.active,
            form: try await form(typed ?? TypedAccount(account), principal, organizations: [], page),
            tokens: try await tokens.tokens(of: account.id).map { AccountPages.TokenRow($0, page) })
    }
}

/// An account's fields as typed, kept to show again when refused.
struct TypedAccount: Sendable, Encodable {
    var organizationID: Int?
    var displayName = ""
    var email = ""
    var role = Role.member.rawValue
    var orgAdmin = false
    var active = true
    var prefectures: [String] = []

    init(organization: Int?) { organizationID = organization }

    init(_ form: FormBody, fixedOrganization: Int?) {
        organizationID = fixedOrganization ?? form["organization_id"].flatMap { Int($0) }
        displayName = form["display_name"] ?? ""
        email = form["email"] ?? ""
        role = form["role"] ?? Role.member.rawValue
        orgAdmin = form["org_admin"] == "true"
        prefectures = form.all("prefectures")
    }

    init(_ account: Account) {
        organizationID = account.organizationID
        displayName = account.displayName
        email = account.email.rawValue
        role = account.role.rawValue
        orgAdmin = account.orgAdmin
        active = account.active
        prefectures = account.prefectures.map(\.rawValue)
    }

    func draft(active: Bool) throws -> AccountDraft {
        guard let organizationID else { throw Problem.invalid("organization_id", Reason("choose the organization", ja: "組織を選んでください")) }
        let address = email.trimmingCharacters(in: .whitespaces)
        guard let email = EmailAddress(rawValue: address) else { throw Problem.invalid("email", EmailAddress.whyInvalid(address)) }
        guard let role = Role(rawValue: role) else {
            throw Problem.invalid("role", Reason("choose admin, member or liaison", ja: "admin・member・liaison のどれかを選んでください"))
        }
        let codes = try prefectures.map { text in
            guard let code = PrefectureCode(rawValue: text) else { throw Problem.invalid("prefectures", PrefectureCode.whyInvalid(text)) }
            return code
        }
        let draft = AccountDraft(
            organizationID: organizationID, displayName: displayName, email: email, role: role, orgAdmin: orgAdmin, active: active,
            prefectures: role == .liaison ? codes : [])
        try draft.validate()
        return draft
    }
}
