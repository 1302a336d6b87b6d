import Hummingbird

/// National master data: business areas, liaison blocks, prefectures.
struct MasterDataRoutes: Sendable {
    let store: MasterDataStore

    func businessAreas(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try .json(Items(items: try await store.businessAreas()))
    }

    func blocks(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try .json(Items(items: try await store.blocks()))
    }

    func prefectures(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["block"])
        let block = try parameters.value("block", as: Block.self)
        let prefectures = try await store.prefectures().filter { block == nil || $0.block == block }
        return try .json(Items(items: prefectures))
    }
}
