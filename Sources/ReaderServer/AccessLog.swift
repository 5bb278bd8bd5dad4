import Foundation
import Hummingbird
import ReaderModels

/// Where access log lines go: standard error by default, a buffer in tests.
public struct AccessLogSink: Sendable {
    /// Receives one complete JSON line (without the newline).
    public var write: @Sendable (String) -> Void

    /// A sink that hands each line to `write`.
    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// One line per request on standard error.
    public static let standardError = AccessLogSink { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// No log at all.
    public static let discard = AccessLogSink { _ in }
}

/// The outermost middleware: times every request and writes one JSON line for it
/// (ts, method, path, status, duration_ms, user, bytes). The path never includes the query
/// string and nothing of the Authorization header is ever written, so no token reaches the log.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = SyncRequestContext
    let sink: AccessLogSink

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let audit = context.audit
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // ErrorMiddleware turns every failure into a response; this covers a failure
            // of its own, which must still be logged.
            log(request, status: 500, bytes: 0, user: audit.userName, since: start)
            throw error
        }
        let bytes = response.headers[.contentLength].flatMap { Int($0) } ?? 0
        log(request, status: response.status.code, bytes: bytes, user: audit.userName, since: start)
        return response
    }

    private func log(_ request: Request, status: Int, bytes: Int, user: String?, since start: ContinuousClock.Instant) {
        let elapsed = (ContinuousClock.now - start).components
        let millis = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("ts", Timestamp.format(millis: ServerClock.systemMillis()))
        writer.member("method", request.method.rawValue)
        writer.member("path", request.uri.path)
        writer.key("status")
        writer.int(status)
        writer.key("duration_ms")
        writer.double((millis * 100).rounded() / 100)
        writer.key("user")
        if let user { writer.string(user) } else { writer.null() }
        writer.key("bytes")
        writer.int(bytes)
        writer.endObject()
        sink.write(writer.text)
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
                guard let allow = SyncRoutes.allow(for: request.uri.path) else {
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
