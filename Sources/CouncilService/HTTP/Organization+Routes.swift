import Hummingbird

/// Organizations: the council's directory, visible to every member; managed by secretariat admins.
struct OrganizationRoutes: Sendable {
    let store: OrganizationStore

    struct NewOrganization: JSONRequestBody {
        static let fields: Set<String> = ["kind", "category", "ministry", "name", "short_name", "corporate_number", "active"]
        let kind: OrganizationKind
        let category: ObserverCategory?
        let ministry: String?
        let name: String
        let shortName: String
        let corporateNumber: CorporateNumber?
        let active: Bool?
    }

    struct Patch: JSONRequestBody {
        static let fields: Set<String> = ["category", "ministry", "name", "short_name", "corporate_number", "active"]
        static let nullableFields: Set<String> = ["category", "ministry", "corporate_number"]
        enum CodingKeys: String, CodingKey { case category, ministry, name, shortName, corporateNumber, active }
        let category: FieldUpdate<ObserverCategory?>
        let ministry: FieldUpdate<String?>
        let name: FieldUpdate<String>
        let shortName: FieldUpdate<String>
        let corporateNumber: FieldUpdate<CorporateNumber?>
        let active: FieldUpdate<Bool>

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            category = try container.update(ObserverCategory?.self, forKey: .category)
            ministry = try container.update(String?.self, forKey: .ministry)
            name = try container.update(String.self, forKey: .name)
            shortName = try container.update(String.self, forKey: .shortName)
            corporateNumber = try container.update(CorporateNumber?.self, forKey: .corporateNumber)
            active = try container.update(Bool.self, forKey: .active)
        }

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
        guard let organization = try await store.organization(id) else { throw Problem.notFound("no organization \(id)") }
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
            throw Problem.notFound("no organization \(id)")
        }
        return try .json(updated)
    }
}
