import Hummingbird

/// Vendors' products: a vendor creates and edits its own; the secretariat any.
struct ProductRoutes: Sendable {
    let store: ProductStore

    struct NewProduct: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case vendorID, name, businessAreas, version, notes }
        let vendorID: Int?
        let name: String
        let businessAreas: [BusinessArea]
        let version: String?
        let notes: String?
    }

    struct Patch: JSONRequestBody {
        static let nullableKeys: [CodingKeys] = [.version, .notes]
        enum CodingKeys: String, CodingKey, CaseIterable { case name, businessAreas, version, notes }
        let name: FieldUpdate<String>
        let businessAreas: FieldUpdate<[BusinessArea]>
        let version: FieldUpdate<String?>
        let notes: FieldUpdate<String?>
    }

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["vendor", "business_area", "limit", "offset"])
        return try .json(
            try await store.products(
                vendor: try parameters.id("vendor"), businessArea: try parameters.value("business_area", as: BusinessArea.self),
                page: try parameters.page()))
    }

    func get(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let id = try context.id("id")
        guard let product = try await store.product(id) else { throw Problem.notFound(Reason.noProduct(id)) }
        return try .json(product)
    }

    func create(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let body = try await request.decodeJSON(NewProduct.self, context: context)
        // A vendor files under its own name; the secretariat says for which vendor.
        guard let vendor = body.vendorID ?? (principal.organizationKind == .vendor ? principal.organizationID : nil) else {
            throw Problem.invalid("vendor_id", Reason("is required when the secretariat files a product", ja: "事務局が製品を届け出るときは必須です"))
        }
        try Policy.requireWriteFilings(of: vendor, principal)
        let draft = ProductDraft(vendorID: vendor, name: body.name, businessAreas: body.businessAreas, version: body.version, notes: body.notes)
        return try .json(try await store.create(draft, by: try context.auditActor()), status: .created)
    }

    func update(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let id = try context.id("id")
        let principal = try context.caller()
        guard let product = try await store.product(id) else { throw Problem.notFound(Reason.noProduct(id)) }
        try Policy.requireWriteFilings(of: product.vendorID, principal)
        let patch = try await request.decodeJSON(Patch.self, context: context)
        guard
            let updated = try await store.update(
                id, by: try context.auditActor(),
                { current in
                    ProductDraft(
                        vendorID: current.vendorID, name: patch.name.apply(to: current.name),
                        businessAreas: patch.businessAreas.apply(to: current.businessAreas),
                        version: patch.version.apply(to: current.version), notes: patch.notes.apply(to: current.notes))
                })
        else { throw Problem.notFound(Reason.noProduct(id)) }
        return try .json(updated)
    }
}
