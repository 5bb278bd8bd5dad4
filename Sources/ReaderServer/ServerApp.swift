import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ReaderModels
import ServiceLifecycle

/// The router of the sync API over `repository`: what the tests drive with `app.test(.router)`.
///
/// Every response, errors included, is JSON (but `/metrics`'s); every `/v1` route requires a
/// bearer token.
///
/// - Parameter metrics: where requests are counted and `/metrics` reads from; nil serves no
///   `/metrics` (turned off, or on a listener of its own).
public func buildRouter(
    _ repository: any SyncRepository, limits: ServerLimits = ServerLimits(), accessLog: AccessLogSink = .standardError,
    metrics: ServerMetrics? = .shared, readinessTimeout: Duration = .seconds(2)
) -> Router<SyncRequestContext> {
    let router = Router(context: SyncRequestContext.self)
    // Middleware applies to routes added after it, the not-found answer included.
    router.add(middleware: AccessLogMiddleware(sink: accessLog))
    // Outside ErrorMiddleware, so it counts the status the client gets; by route template.
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ErrorMiddleware())
    let handlers = SyncHandlers(
        repository: repository, limits: limits, responder: JSONResponder(gzipMinimumBytes: limits.gzipMinimumBytes)
    )
    router.get("/health", use: handlers.health)
    router.get("/ready", use: ReadinessHandler(repository: repository, timeout: readinessTimeout).ready)
    if let metrics { MetricsHandler(metrics: metrics, repository: repository).add(to: router) }
    let v1 = router.group("/v1").add(middleware: AuthMiddleware(repository: repository))
    v1.get("/me", use: handlers.me)
    v1.get("/changes", use: handlers.changes)
    v1.post("/mutations", use: handlers.mutations)
    // The Google Reader API needs queries `SyncRepository` does not name: it is served for
    // every engine whose repository also conforms to `GReaderStorage`.
    if let repository = repository as? any GReaderStorage {
        GReaderRoutes.add(to: router, repository: repository)
    }
    return router
}

/// The whole server for `configuration` on SQLite: the repository at
/// `configuration.databasePath`, the router, and the HTTP server bound to the configured
/// host and port.
///
/// - Parameter onServerRunning: called with the bound port once the server listens
///   (the CLI prints its base URL from it).
public func buildApplication(
    _ configuration: ServerConfiguration, accessLog: AccessLogSink = .standardError,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let repository = try SQLiteSyncRepository(
        path: configuration.databasePath, tombstoneDays: configuration.tombstoneDays, retention: configuration.retention
    )
    return try buildApplication(configuration, repository: repository, accessLog: accessLog, onServerRunning: onServerRunning)
}

/// The whole server for `configuration` over an engine already opened (the executable opens
/// PostgreSQL, which ReaderServer does not link): the router, the feed refresh, retention,
/// `/metrics`, and the HTTP server bound to the configured host and port.
/// `configuration.databasePath` is not read; the repository was opened with the
/// configuration's tombstone days and retention.
///
/// - Parameter onServerRunning: called with the bound port once the server listens.
public func buildApplication(
    _ configuration: ServerConfiguration, repository: any FeedRepository, accessLog: AccessLogSink = .standardError,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let accessLog = accessLog.at(configuration.logLevel)
    var services: [any Service] = []
    let metrics = configuration.metrics == .off ? nil : ServerMetrics.shared
    if let metrics, case .separate(let host, let port) = configuration.metrics {
        services.append(metricsApplication(metrics, repository: repository, host: host, port: port, accessLog: accessLog))
    }
    if configuration.retention.isOn {
        services.append(RetentionService(repository: repository, log: accessLog))
    }
    if configuration.refreshIntervalSeconds > 0 {
        services.append(FeedRefreshService(
            aggregator: try FeedAggregator(repository: repository, allowPrivateNetworks: configuration.allowPrivateNetworks),
            interval: .seconds(configuration.refreshIntervalSeconds), log: accessLog
        ))
    }
    services.append(ShutdownLogService(logger: ServerLog.logger(sink: accessLog)))
    return buildApplication(
        repository: repository, host: configuration.host, port: configuration.port, limits: configuration.limits,
        connections: configuration.connections, accessLog: accessLog,
        metrics: configuration.metrics == .main ? metrics : nil, services: services, onServerRunning: onServerRunning
    )
}

/// The server over an already opened repository.
///
/// - Parameters:
///   - connections: the timeouts and the cap on open connections.
///   - accessLog: where every log line goes, Hummingbird's and ServiceLifecycle's too.
///   - metrics: what `/metrics` shows; nil serves none.
///   - services: run beside the HTTP server and stopped with it (the feed refresh, retention).
///
/// Run with `runService()`, SIGTERM and SIGINT shut it down gracefully: the server stops
/// accepting connections, requests under way finish, then the services stop.
public func buildApplication(
    repository: any SyncRepository, host: String = "127.0.0.1", port: Int = 0, limits: ServerLimits = ServerLimits(),
    connections: ConnectionLimits = ConnectionLimits(), accessLog: AccessLogSink = .standardError,
    metrics: ServerMetrics? = .shared, services: [any Service] = [],
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let logger = ServerLog.logger(sink: accessLog)
    var app = Application(
        router: buildRouter(repository, limits: limits, accessLog: accessLog, metrics: metrics),
        server: .http1(configuration: http1Configuration(connections)),
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
        logger: logger
    )
    app.beforeServerStarts {
        _ = try await repository.purgeTombstones()
    }
    return app
}

/// HTTP/1.1 with the connection limits: Hummingbird's idle timeout, and handlers of ours for
/// the header and body timeouts and the cap (Hummingbird has neither).
func http1Configuration(_ connections: ConnectionLimits) -> HTTP1Channel.Configuration {
    let count = ConnectionCount(maximum: connections.maxConnections)
    return HTTP1Channel.Configuration(
        additionalChannelHandlers: [ConnectionCapHandler(count: count), RequestDeadlineHandler(limits: connections)],
        idleTimeout: TimeAmount(connections.idleTimeout)
    )
}
