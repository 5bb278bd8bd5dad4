import Foundation
import Hummingbird
import Logging
import Synchronization

/// `GET /ready`: whether the database answers a trivial read within `timeout`. 200
/// `{"status":"ok"}`, else 503 `{"status":"unavailable"}`; why goes to the log, not to an
/// unauthenticated caller. `/health` (in ``SyncHandlers``) says only that the process is up.
struct ReadinessHandler: Sendable {
    let repository: any SyncRepository
    let timeout: Duration

    func ready(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let repository = repository
        do {
            try await Self.within(timeout) { try await repository.checkReadiness() }
            return Self.answer(.ok, #"{"status":"ok"}"#)
        } catch {
            let reason = error is ReadinessTimeout
                ? "the database did not answer within \(timeout)"
                : (error as? RepositoryError)?.message ?? SQLiteSyncRepository.describe(error)
            context.logger.warning("not ready", metadata: ["event": "ready", "reason": .string(reason)])
            return Self.answer(.serviceUnavailable, #"{"status":"unavailable"}"#)
        }
    }

    private static func answer(_ status: HTTPResponse.Status, _ json: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        // A load balancer must see the database as it is now, not as a cache saw it.
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }

    /// `operation`'s result, or `ReadinessTimeout` once `limit` passes. The operation runs
    /// in a task of its own, cancelled then but not awaited: a read stuck in SQLite (no
    /// cancellation reaches it) must not hold the answer.
    static func within(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> Void) async throws {
        let pending = Mutex<CheckedContinuation<Void, any Error>?>(nil)
        let take = { @Sendable in pending.withLock { slot in defer { slot = nil }; return slot } }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            pending.withLock { $0 = continuation }
            let work = Task {
                let result: Result<Void, any Error>
                do {
                    try await operation()
                    result = .success(())
                } catch {
                    result = .failure(error)
                }
                take()?.resume(with: result)
            }
            Task {
                try? await Task.sleep(for: limit)
                if let continuation = take() {
                    work.cancel()
                    continuation.resume(throwing: ReadinessTimeout())
                }
            }
        }
    }
}

/// The database did not answer `/ready`'s read in time.
struct ReadinessTimeout: Error {}

/// `GET /metrics`: the Prometheus text exposition of ``ServerMetrics``, unauthenticated
/// (scrapers carry no user's token); `--metrics off` or a listener of its own keeps it off a
/// public address.
struct MetricsHandler: Sendable {
    let metrics: ServerMetrics
    let repository: any SyncRepository

    func scrape(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        if let repository = repository as? SQLiteSyncRepository { repository.recordStorageMetrics() }
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
