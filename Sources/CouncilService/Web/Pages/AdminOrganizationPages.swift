import Hummingbird

/// 管理 — organizations: vendors (with their 法人番号), observers (associations and ministries) and
/// the secretariat. Secretariat administrators add them and stop or resume them; an
/// organization's administrators read their own here.
struct AdminOrganizationPages: Sendable {
    let organizations: OrganizationStore

    struct Model: Sendable, Encodable {
        let rows: [Row]
        let creates: Bool
        let form: Form
        var errors: [String] = []
        var notice: String?
    }

    struct Row: Sendable, Encodable {
        let id: Int
        let name: String
        let shortName: String
        let kind: String
        let category: String?
        let corporateNumber: String?
        let active: Bool
        let toggleValue: String
        let toggleLabel: String
        let creates: Bool
    }

    struct Form: Sendable, Encodable {
        let name: String
        let shortName: String
        let corporateNumber: String
        let ministry: String
        let kinds: [PageChoice]
        let categories: [PageChoice]
    }

    func list(_ page: PageRequest) async throws -> Response {
        var model = try await model(page, typed: nil)
        if let done = page.request.uri.queryParameters["done"].map(String.init), PageText.entries["admin_done_" + done] != nil {
            model.notice = page.word("admin_done_" + done)
        }
        return page.render("admin-organizations", model)
    }

    func create(_ page: PageRequest) async throws -> Response {
        try Policy.authorize(.secretariatAdmin, try page.caller())
        do {
            _ = try await organizations.create(try Self.draft(page.form), by: try page.auditActor())
            return PageDispatcher.redirect(to: "/admin/organizations?done=organization_created")
        } catch {
            let problem = try Problem.refusal(error)
            var model = try await model(page, typed: page.form)
            model.errors = page.reasons(problem)
            return page.render("admin-organizations", model, status: .unprocessableContent)
        }
    }

    /// Stops or resumes an organization: a stopped one's people cannot sign in or use tokens.
    func setActive(_ page: PageRequest) async throws -> Response {
        try Policy.authorize(.secretariatAdmin, try page.caller())
        let id = try page.context.id("id")
        let active = page.form["active"] == "true"
        guard
            try await organizations.update(
                id, by: try page.auditActor(),
                { current in
                    var draft = OrganizationDraft(current)
                    draft.active = active
                    return draft
                }) != nil
        else { throw Problem.notFound(Reason.noOrganization(id)) }
        return PageDispatcher.redirect(to: "/admin/organizations?done=saved")
    }

    static func draft(_ form: FormBody) throws -> OrganizationDraft {
        guard let kind = form["kind"].flatMap(OrganizationKind.init(rawValue:)) else {
            throw Problem.invalid("kind", Reason("choose vendor, observer or secretariat", ja: "ベンダー・オブザーバー・事務局のどれかを選んでください"))
        }
        let number = (form["corporate_number"] ?? "").filter { !$0.isWhitespace && $0 != "-" }
        var corporateNumber: CorporateNumber?
        if !number.isEmpty {
            guard let parsed = CorporateNumber(rawValue: number) else {
                throw Problem.invalid("corporate_number", CorporateNumber.whyInvalid(number))
            }
            corporateNumber = parsed
        }
        let ministry = (form["ministry"] ?? "").trimmingCharacters(in: .whitespaces)
        let category = kind == .observer ? form["category"].flatMap(ObserverCategory.init(rawValue:)) : nil
        let draft = OrganizationDraft(
            kind: kind, category: category, ministry: category == .ministry && !ministry.isEmpty ? ministry : nil, name: form["name"] ?? "",
            shortName: form["short_name"] ?? "", corporateNumber: corporateNumber)
        try draft.validate()
        return draft
    }

    private func model(_ page: PageRequest, typed form: FormBody?) async throws -> Model {
        let principal = try page.caller()
        let scope = try Policy.administeredOrganization(principal)
        let creates = principal.isSecretariatAdmin
        let all = try await organizations.organizations(kind: nil, active: nil, page: Page(limit: Page.maxLimit)).items
        let form = form ?? FormBody()
        let kind = form["kind"] ?? OrganizationKind.vendor.rawValue
        return Model(
            rows: all.filter { scope == nil || $0.id == scope }.map { organization in
                Row(
                    id: organization.id, name: organization.name, shortName: organization.shortName,
                    kind: page.language.word(.organizationKind, organization.kind.rawValue),
                    category: organization.category.map {
                        page.language.word(.observerCategory, $0.rawValue) + (organization.ministry.map { "（\($0)）" } ?? "")
                    },
                    corporateNumber: organization.corporateNumber?.rawValue, active: organization.active,
                    toggleValue: organization.active ? "false" : "true",
                    toggleLabel: page.word(organization.active ? "organization_stop" : "organization_resume"), creates: creates)
            },
            creates: creates,
            form: Form(
                name: form["name"] ?? "", shortName: form["short_name"] ?? "", corporateNumber: form["corporate_number"] ?? "",
                ministry: form["ministry"] ?? "",
                kinds: OrganizationKind.allCases.map {
                    PageChoice(value: $0.rawValue, label: page.language.word(.organizationKind, $0.rawValue), checked: $0.rawValue == kind)
                },
                categories: ObserverCategory.allCases.map {
                    PageChoice(
                        value: $0.rawValue, label: page.language.word(.observerCategory, $0.rawValue), checked: $0.rawValue == form["category"])
                }))
    }
}
