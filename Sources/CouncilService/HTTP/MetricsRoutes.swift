import CouncilDatabase
import Hummingbird
import Prometheus

/// Prometheus text exposition of the registry the daemon's metrics go to.
struct MetricsRoutes: Sendable {
    let registry: PrometheusCollectorRegistry
    let pool: DatabasePool
    let openConnections: Gauge

    init(registry: PrometheusCollectorRegistry, pool: DatabasePool) {
        self.registry = registry
        self.pool = pool
        self.openConnections = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "council", subsystem: "db_pool", metricName: "open", unitName: "connections",
                helpText: "Database connections open (idle or leased)."))
    }

    func metrics(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        openConnections.set(Int64(pool.openConnections))
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }
}
