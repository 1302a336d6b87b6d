import Hummingbird

/// The whole API surface at a glance. Each line: method, path, operationId (as in
/// openapi.yaml), who may call it, and the handler. A test checks this table against the
/// OpenAPI document in both directions.
extension RouteTable {
    static func council(_ api: API) -> RouteTable {
        RouteTable(endpoints: [
            // Operations
            Endpoint(.get, "/health/live", "getLiveness", .public, api.health.live),
            Endpoint(.get, "/health/ready", "getReadiness", .public, api.health.ready),
            Endpoint(.get, "/metrics", "getMetrics", .public, api.metrics.metrics),
            Endpoint(.get, "/openapi.yaml", "getOpenAPIDocument", .public, api.contract.openAPI),

            // National master data
            Endpoint(.get, "/v1/business-areas", "listBusinessAreas", .public, api.masterData.businessAreas),
            Endpoint(.get, "/v1/blocks", "listBlocks", .public, api.masterData.blocks),
            Endpoint(.get, "/v1/prefectures", "listPrefectures", .public, api.masterData.prefectures),
            Endpoint(.get, "/v1/municipalities", "listMunicipalities", .public, api.municipalities.list),
            Endpoint(.get, "/v1/municipalities/{code}", "getMunicipality", .public, api.municipalities.get),
            // Until the Identity work lands this is open like the reads; it will require a secretariat admin.
            Endpoint(.post, "/v1/municipalities/import", "importMunicipalities", .public, api.municipalities.importList),
        ])
    }
}

/// The handlers, grouped by resource.
struct API: Sendable {
    let health: HealthRoutes
    let metrics: MetricsRoutes
    let contract: ContractRoutes
    let masterData: MasterDataRoutes
    let municipalities: MunicipalityRoutes
}
