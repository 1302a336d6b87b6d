import Hummingbird

/// Organizations: the council's directory, visible to every member; managed by secretariat admins.
struct OrganizationRoutes: Sendable {
    let store: OrganizationStore

    struct NewOrganization: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case kind, category, ministry, name, shortName, corporateNumber, active }
        let kind: OrganizationKind
        let category: ObserverCategory?
        let ministry: String?
        let name: String
        let shortName: String
        let corporateNumber: CorporateNumber?
        let active: Bool?
    }

    struct Patch: JSONRequestBody {
        static let nullableKeys: [CodingKeys] = [.category, .ministry, .corporateNumber]
        enum CodingKeys: String, CodingKey, CaseIterable { case category, ministry, name, shortName, corporateNumber, active }
        let category: FieldUpdate<ObserverCategory?>
        let ministry: FieldUpdate<String?>
        let name: FieldUpdate<String>
        let shortName: FieldUpdate<String>
        let corporateNumber: FieldUpdate<CorporateNumber?>
        let active: FieldUpdate<Bool>

        func apply(to organization: Organization) -> OrganizationDraft {
            OrganizationDraft(
                kind: organization.kind, category: category.apply(to: organization.category),
                ministry: ministry.apply(to: organization.ministry), name: name.apply(to: organization.name),
                shortName: shortName.apply(to: organization.shortName),
                corporateNumber: corporateNumber.apply(to: organization.corporateNumber), active: active.apply(to: organization.active))
        }
    }

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["kind", "active", "limit", "offset"])
        return try .json(
            try await store.organizations(
                kind: try parameters.value("kind", as: OrganizationKind.self), active: try parameters.bool("active"),
                page: try parameters.page()))
    }

    func get(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let id = try context.id("id")
        guard let organization = try await store.organization(id) else {
            throw Problem.notFound(Reason.noOrganization(id))
        }
        return try .json(organization)
    }

    func create(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(NewOrganization.self, context: context)
        let draft = OrganizationDraft(
            kind: body.kind, category: body.category, ministry: body.ministry, name: body.name,
            shortName: body.shortName, corporateNumber: body.corporateNumber, active: body.active ?? true)
        return try .json(try await store.create(draft, by: try context.auditActor()), status: .created)
    }

    func update(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let id = try context.id("id")
        let patch = try await request.decodeJSON(Patch.self, context: context)
        guard let updated = try await store.update(id, by: try context.auditActor(), { patch.apply(to: $0) }) else {
            throw Problem.notFound(Reason.noOrganization(id))
        }
        return try .json(updated)
    }
}
