import Hummingbird
import Logging
import NIOCore
import Prometheus

/// What the application needs from outside: the database pool, the metrics registry and the
/// drain state. The daemon and the tests build the same application from it.
public struct AppDependencies: Sendable {
    public let pool: DatabasePool
    public let metrics: PrometheusCollectorRegistry
    public let state: ServerState

    public init(pool: DatabasePool, metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), state: ServerState = ServerState()) {
        self.pool = pool
        self.metrics = metrics
        self.state = state
    }
}

/// Listening address of the HTTP server.
public struct ServerAddress: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

public func buildRouteTable(_ dependencies: AppDependencies) -> RouteTable {
    let api = API(
        health: HealthRoutes(pool: dependencies.pool, state: dependencies.state,
                             latestMigration: Migration.embedded.last?.version ?? 0),
        metrics: MetricsRoutes(registry: dependencies.metrics, pool: dependencies.pool),
        contract: ContractRoutes(),
        masterData: MasterDataRoutes(store: MasterDataStore(pool: dependencies.pool)),
        municipalities: MunicipalityRoutes(store: MunicipalityStore(pool: dependencies.pool)))
    return .council(api)
}

public func buildRouter(_ dependencies: AppDependencies) -> Router<CouncilRequestContext> {
    let table = buildRouteTable(dependencies)
    let router = Router(context: CouncilRequestContext.self, options: .autoGenerateHeadEndpoints)
    // Middleware applies to routes added after it, and to the not-found responder.
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ProblemMiddleware(routes: table))
    for endpoint in table.endpoints {
        router.on(RouterPath(endpoint.routerPath), method: endpoint.method, use: endpoint.handler)
    }
    return router
}

/// The HTTP application; `onServerRunning` reports the bound port (useful with port 0).
public func buildApplication(
    _ dependencies: AppDependencies, address: ServerAddress, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(dependencies),
        configuration: .init(address: .hostname(address.host, port: address.port), serverName: "council"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? address.port) },
        logger: logger)
}
