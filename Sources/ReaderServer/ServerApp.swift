import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ReaderModels
import ServiceLifecycle

/// The router of the sync API over `repository`: what the tests drive with `app.test(.router)`.
///
/// Every response, errors included, is JSON; every `/v1` route requires a bearer token.
public func buildRouter(
    _ repository: any SyncRepository, limits: ServerLimits = ServerLimits(), accessLog: AccessLogSink = .standardError
) -> Router<SyncRequestContext> {
    let router = Router(context: SyncRequestContext.self)
    // Middleware applies to routes added after it, the not-found answer included.
    router.add(middleware: AccessLogMiddleware(sink: accessLog))
    router.add(middleware: ErrorMiddleware())
    let handlers = SyncHandlers(
        repository: repository, limits: limits, responder: JSONResponder(gzipMinimumBytes: limits.gzipMinimumBytes)
    )
    router.get("/health", use: handlers.health)
    let v1 = router.group("/v1").add(middleware: AuthMiddleware(repository: repository))
    v1.get("/me", use: handlers.me)
    v1.get("/changes", use: handlers.changes)
    v1.post("/mutations", use: handlers.mutations)
    // The Google Reader API needs queries the protocol does not name; it is served by the
    // SQLite repository, the one the server runs on.
    if let repository = repository as? SQLiteSyncRepository {
        GReaderRoutes.add(to: router, repository: repository)
    }
    return router
}

/// The whole server for `configuration`: the SQLite repository, the router, and the HTTP
/// server bound to the configured host and port.
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
    var services: [any Service] = []
    if configuration.retention.isOn {
        services.append(RetentionService(repository: repository, log: accessLog))
    }
    if configuration.refreshIntervalSeconds > 0 {
        services.append(FeedRefreshService(
            aggregator: try FeedAggregator(repository: repository, allowPrivateNetworks: configuration.allowPrivateNetworks),
            interval: .seconds(configuration.refreshIntervalSeconds), log: accessLog
        ))
    }
    return buildApplication(
        repository: repository, host: configuration.host, port: configuration.port, limits: configuration.limits,
        connections: configuration.connections, accessLog: accessLog, services: services, onServerRunning: onServerRunning
    )
}

/// The server over an already opened repository.
///
/// - Parameters:
///   - connections: the timeouts and the cap on open connections.
///   - services: run beside the HTTP server and stopped with it (the feed refresh, retention).
public func buildApplication(
    repository: any SyncRepository, host: String = "127.0.0.1", port: Int = 0, limits: ServerLimits = ServerLimits(),
    connections: ConnectionLimits = ConnectionLimits(), accessLog: AccessLogSink = .standardError, services: [any Service] = [],
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    var logger = Logger(label: "reader-server")
    // Hummingbird's own lines are for operators; the access log covers requests.
    logger.logLevel = .warning
    var app = Application(
        router: buildRouter(repository, limits: limits, accessLog: accessLog),
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
