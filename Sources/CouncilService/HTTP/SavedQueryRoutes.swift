import Hummingbird

/// Saved issue queries: a name and the query parameters of `GET /v1/issues`.
struct SavedQueryRoutes: Sendable {
    let store: SavedQueryStore

    struct NewQuery: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case name, filters, shared }
        let name: String
        let filters: [String: Filter]
        let shared: Bool?
    }

    struct Patch: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case name, filters, shared }
        let name: FieldUpdate<String>
        let filters: FieldUpdate<[String: Filter]>
        let shared: FieldUpdate<Bool>
    }

    /// A filter value: one string, or a list of them (as a repeated query parameter).
    struct Filter: Decodable, Sendable {
        let values: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let one = try? container.decode(String.self) { values = [one] } else { values = try container.decode([String].self) }
        }
    }

    static func filters(_ given: [String: Filter]) throws -> [String: [String]] {
        // The decoder camel-cases dictionary keys too; these are query parameter names.
        let filters = Dictionary(given.map { (KeyCase.snake($0.key), $0.value.values) }, uniquingKeysWith: { $0 + $1 })
        try IssueQuery.validateSaved(filters)
        return filters
    }

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try .json(["items": try await store.queries(for: try context.caller())])
    }

    func get(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        try .json(try await store.query(try context.id("id"), for: try context.caller()))
    }

    func create(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(NewQuery.self, context: context)
        let created = try await store.create(
            name: body.name, filters: try Self.filters(body.filters), shared: body.shared ?? false,
            by: try context.caller(), try context.auditActor())
        var response = try Response.json(created, status: .created)
        response.headers[.location] = "/v1/saved-queries/\(created.id)"
        return response
    }

    func update(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(Patch.self, context: context)
        var filters: [String: [String]]?
        if case .set(let given) = body.filters { filters = try Self.filters(given) }
        let newFilters = filters
        return try .json(
            try await store.update(try context.id("id"), by: try context.caller(), try context.auditActor()) { current in
                (body.name.apply(to: current.name), newFilters ?? current.filters, body.shared.apply(to: current.shared))
            })
    }

    func delete(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        try await store.delete(try context.id("id"), by: try context.caller(), try context.auditActor())
        return Response(status: .noContent)
    }
}
