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
        // The timer is cancelled once the operation ends, so no sleeping task outlives the answer.
        let timer = Mutex<Task<Void, Never>?>(nil)
        let stopTimer = { @Sendable in timer.withLock { $0?.cancel() } }
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
                stopTimer()
            }
            let sleeper = Task {
                guard (try? await Task.sleep(for: limit)) != nil, let continuation = take() else { return }
                work.cancel()
                continuation.resume(throwing: ReadinessTimeout())
            }
            timer.withLock { $0 = sleeper }
        }
    }
}

/// The database did not answer `/ready`'s read in time.
struct ReadinessTimeout: Error {}
