import Hummingbird

/// The OpenAPI document, compiled in from `openapi.yaml`.
struct ContractRoutes: Sendable {
    static let document = EmbeddedResources.openAPIDocument

    func openAPI(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        .text(Self.document, contentType: "application/yaml; charset=utf-8")
    }
}
