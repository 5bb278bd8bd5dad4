import Foundation
import Hummingbird
import Logging

/// `GET /metrics`: the Prometheus text exposition of ``ServerMetrics``, unauthenticated
/// (scrapers carry no user's token); `--metrics off` or a listener of its own keeps it off a
/// public address.
struct MetricsHandler: Sendable {
    let metrics: ServerMetrics
    let repository: any SyncRepository

    func scrape(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        if let repository = repository as? SQLiteSyncRepository { repository.recordStorageMetrics() }
        if let repository = repository as? any StorageGaugeSource { repository.recordStorageGauges() }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }

    /// Adds `GET /metrics` to `router`.
    func add(to router: Router<SyncRequestContext>) {
        router.get("/metrics", use: scrape)
    }
}

/// A listener serving only `/metrics`, for `--metrics HOST:PORT`: Prometheus scrapes a
/// private address while the API listens on a public one. It runs as a service of the main
/// application, so it starts and stops with it.
func metricsApplication(
    _ metrics: ServerMetrics, repository: any SyncRepository, host: String, port: Int, accessLog: AccessLogSink
) -> some ApplicationProtocol {
    let router = Router(context: SyncRequestContext.self)
    MetricsHandler(metrics: metrics, repository: repository).add(to: router)
    var logger = ServerLog.logger(sink: accessLog)
    logger[metadataKey: "listener"] = "metrics"
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
        logger: logger
    )
}

/// A storage engine that sets gauges of its own (pool use, say) when `/metrics` is scraped.
package protocol StorageGaugeSource: Sendable {
    /// Records the engine's gauges now, through swift-metrics.
    func recordStorageGauges()
}
