import Foundation
import Hummingbird
import Logging
import ReaderModels

/// Where the server's log lines go (standard error by default, a buffer in tests), and the
/// least severe level written: every request line, refresh and retention pass, and
/// Hummingbird's own lines, one JSON object each (``JSONLogHandler``).
public struct AccessLogSink: Sendable {
    /// Receives one complete JSON line (without the newline).
    public var write: @Sendable (String) -> Void
    /// Lines below this level are not written; requests are logged at `info`.
    public var level: Logger.Level

    /// A sink that hands each line at `level` or above to `write`.
    public init(level: Logger.Level = .info, write: @escaping @Sendable (String) -> Void) {
        self.level = level
        self.write = write
    }

    /// One line per request on standard error.
    public static let standardError = AccessLogSink { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// No log at all.
    public static let discard = AccessLogSink { _ in }

    /// This sink, writing only lines at `level` or above.
    public func at(_ level: Logger.Level) -> AccessLogSink {
        var sink = self
        sink.level = level
        return sink
    }
}

/// The outermost middleware: times every request and logs one `info` line for it through
/// swift-log: method, path, route, status, duration_ms, user_id and user (null before
/// authentication), bytes. The path never includes the query string and nothing of the
/// Authorization header is ever logged, so no token reaches the log.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = SyncRequestContext
    let logger: Logger

    init(sink: AccessLogSink) {
        logger = ServerLog.logger(label: "reader-server.access", sink: sink)
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // ErrorMiddleware turns every failure into a response; this covers a failure
            // of its own, which must still be logged.
            log(request, context, status: 500, bytes: 0, since: start)
            throw error
        }
        let bytes = response.headers[.contentLength].flatMap { Int($0) } ?? 0
        log(request, context, status: response.status.code, bytes: bytes, since: start)
        return response
    }

    private func log(_ request: Request, _ context: Context, status: Int, bytes: Int, since start: ContinuousClock.Instant) {
        guard logger.logLevel <= .info else { return }
        let elapsed = (ContinuousClock.now - start).components
        let millis = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
        let audit = context.audit
        logger.info("request", metadata: [
            "event": "request",
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            // The route's template (`/v1/changes`, `/reader/api/0/stream/contents/**`), as
            // the metrics label requests; absent for a path no route serves.
            "route": context.endpointPath.map { .string($0) } ?? ServerLog.null,
            "status": .stringConvertible(status),
            "duration_ms": .stringConvertible((millis * 100).rounded() / 100),
            "user_id": audit.userID.map { .stringConvertible($0) } ?? ServerLog.null,
            "user": audit.userName.map { .string($0) } ?? ServerLog.null,
            "bytes": .stringConvertible(bytes),
        ])
    }
}

/// Turns every failure into the JSON error body: `ServerError` as it is, Hummingbird's
/// 404/405/413 into their codes, anything else into a 500 that says nothing of its cause.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = SyncRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServerError {
            return JSONResponder.error(error)
        } catch let error as any HTTPResponseError {
            switch error.status {
            case .notFound, .methodNotAllowed:
                // The router has no route for the method, whatever it is (QUERY included):
                // on a path of the API that is a 405 naming the methods it has.
                // A documented route this server does not serve (`/metrics` turned off) is
                // a 404 too.
                guard let allow = SyncRoutes.allow(for: request.uri.path),
                      !allow.components(separatedBy: ", ").contains(request.method.rawValue)
                else {
                    return JSONResponder.error(ServerError(.notFound, "no endpoint \(request.method.rawValue) \(request.uri.path)"))
                }
                var response = JSONResponder.error(
                    ServerError(.methodNotAllowed, "\(request.uri.path) does not take \(request.method.rawValue); it takes \(allow)")
                )
                response.headers[.allow] = allow
                return response
            case .contentTooLarge:
                return JSONResponder.error(ServerError(.tooLarge, "the request body is over the server's limit"))
            case let status where status.code >= 400 && status.code < 500:
                return JSONResponder.error(ServerError(.badRequest, "the request is malformed"))
            default:
                context.logger.error("request failed: \(String(describing: type(of: error)))")
                return JSONResponder.error(.internalFailure)
            }
        } catch {
            // The type only: a database error's description can hold SQL.
            context.logger.error("request failed: \(String(describing: type(of: error)))")
            return JSONResponder.error(.internalFailure)
        }
    }
}
