import CouncilDatabase
import Foundation
import Hummingbird

/// Accounts: visible to the secretariat and to their own organization; managed by secretariat
/// admins, or by an organization's `org_admin` for that organization.
struct AccountRoutes: Sendable {
    let store: AccountStore
    let links: PasswordLinkStore
    let web: WebSettings

    /// A one-time link that sets the password: what an administrator sends the person.
    struct PasswordLink: Encodable {
        let accountID: Int
        let purpose: PasswordLinkPurpose
        let url: String
        let expiresAt: Date
    }

    struct NewAccount: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case organizationID, displayName, email, role, orgAdmin, active, prefectures }
        let organizationID: Int
        let displayName: String
        let email: EmailAddress
        let role: Role?
        let orgAdmin: Bool?
        let active: Bool?
        let prefectures: [PrefectureCode]?
    }

    struct Patch: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case displayName, email, role, orgAdmin, active, prefectures }
        let displayName: FieldUpdate<String>
        let email: FieldUpdate<EmailAddress>
        let role: FieldUpdate<Role>
        let orgAdmin: FieldUpdate<Bool>
        let active: FieldUpdate<Bool>
        let prefectures: FieldUpdate<[PrefectureCode]>
    }

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let parameters = try QueryParameters(request, allowed: ["organization_id", "role", "active", "email", "limit", "offset"])
        var organization: Int?
        if let text = try parameters.string("organization_id") {
            guard let id = Int(text), id > 0 else { throw Problem.invalid("organization_id", RequestReason.notAnID(text)) }
            organization = id
        }
        let page = try parameters.page()
        let role = try parameters.value("role", as: Role.self)
        let active = try parameters.bool("active")
        var email: EmailAddress?
        if let text = try parameters.string("email") {
            guard let address = EmailAddress(rawValue: text) else { throw Problem.invalid("email", EmailAddress.whyInvalid(text)) }
            email = address
        }
        if let visible = Policy.visibleAccountOrganizations(principal) {
            // Outside the secretariat only one's own organization's accounts exist.
            if let organization, organization != visible {
                return try .json(Paged<Account>(items: [], total: 0, limit: page.limit, offset: page.offset))
            }
            organization = visible
        }
        return try .json(try await store.accounts(organization: organization, role: role, active: active, email: email, page: page))
    }

    func get(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        try .json(try await visibleAccount(context))
    }

    func create(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let body = try await request.decodeJSON(NewAccount.self, context: context)
        let draft = AccountDraft(
            organizationID: body.organizationID, displayName: body.displayName, email: body.email,
            role: body.role ?? .member, orgAdmin: body.orgAdmin ?? false, active: body.active ?? true,
            prefectures: body.prefectures ?? [])
        let account = try await Self.sayingNothingOfOtherAccounts(principal) {
            try await store.create(draft, by: try context.auditActor()) { organization in
                guard Policy.canManageAccounts(of: organization.id, kind: organization.kind, principal) else {
                    throw Problem.forbidden(Reason.cannotCreateAccounts(in: organization.name))
                }
                try Policy.requireAssignable(role: draft.role, orgAdmin: draft.orgAdmin, in: organization.kind, principal)
            }
        }
        return try .json(account, status: .created)
    }

    func update(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let target = try await visibleAccount(context)
        try Policy.requireManage(account: target, principal)
        let patch = try await request.decodeJSON(Patch.self, context: context)
        let actor = try context.auditActor()
        let updated = try await Self.sayingNothingOfOtherAccounts(principal) {
            try await store.update(target.id, by: actor) { current in
                var draft = AccountDraft(current)
                draft.displayName = patch.displayName.apply(to: draft.displayName).trimmingCharacters(in: .whitespacesAndNewlines)
                draft.email = patch.email.apply(to: draft.email)
                draft.role = patch.role.apply(to: draft.role)
                draft.orgAdmin = patch.orgAdmin.apply(to: draft.orgAdmin)
                draft.active = patch.active.apply(to: draft.active)
                draft.prefectures = Array(Set(patch.prefectures.apply(to: draft.prefectures))).sorted()
                if draft.role != current.role || draft.orgAdmin != current.orgAdmin {
                    try Policy.requireAssignable(role: draft.role, orgAdmin: draft.orgAdmin, in: current.organizationKind, principal)
                }
                return draft
            }
        }
        guard let updated else { throw Problem.notFound(Reason.noAccount(target.id)) }
        return try .json(updated)
    }

    /// An invitation (no password yet) or a reset link, for accounts the caller manages. Any older
    /// unused link of the account stops working.
    func passwordLink(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let account = try await visibleAccount(context)
        try Policy.requireManage(account: account, try context.caller())
        guard account.active else {
            throw Problem.invalid("id", Reason.accountInactive)
        }
        let link = try await links.create(for: account, by: try context.auditActor())
        return try .json(
            PasswordLink(accountID: account.id, purpose: link.purpose, url: web.link(link.path), expiresAt: link.expiresAt), status: .created)
    }

    /// E-mail addresses are unique across the council, but only the secretariat may learn that
    /// an address belongs to an account of another organization: everyone else is told only
    /// that this address cannot be used.
    static func sayingNothingOfOtherAccounts<T>(_ principal: Principal, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError where error.isUniqueViolation && error.constraint == "accounts_email_key_key" && !principal.isSecretariat {
            throw Problem(
                .conflict,
                Reason(
                    "this e-mail address cannot be used for an account; ask the secretariat if it should be",
                    ja: "このメールアドレスはアカウントに使えません。使うべきものなら事務局に相談してください"),
                errors: [.init(field: "email", Reason("cannot be used", ja: "使えません"))])
        }
    }

    /// The account named in the path, or 404 when it does not exist or the caller may not see it.
    func visibleAccount(_ context: CouncilRequestContext) async throws -> Account {
        let id = try context.id("id")
        guard let account = try await store.account(id), Policy.canSee(account: account, try context.caller()) else {
            throw Problem.notFound(Reason.noAccount(id))
        }
        return account
    }
}
