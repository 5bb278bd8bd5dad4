import Foundation
import Hummingbird
import ReaderModels

/// The endpoints of the sync API. `all` is the list the OpenAPI document is checked
/// against (a test sends a request to each and finds the router answers it).
public enum SyncRoutes {
    /// One endpoint: its method and path.
    public struct Endpoint: Hashable, Sendable {
        /// The HTTP method, upper-case.
        public var method: String
        /// The path, without a query.
        public var path: String
    }

    /// Every endpoint the router serves.
    public static let all: [Endpoint] = [
        Endpoint(method: "GET", path: "/health"),
        Endpoint(method: "GET", path: "/ready"),
        Endpoint(method: "GET", path: "/metrics"),
        Endpoint(method: "GET", path: "/v1/me"),
        Endpoint(method: "GET", path: "/v1/changes"),
        Endpoint(method: "POST", path: "/v1/mutations"),
    ]

    /// The methods `path` is served with, comma-separated for an `Allow` header; nil for a
    /// path that is not the API's. A request with another method on one of these paths is
    /// answered 405 `method_not_allowed` with this `Allow`.
    static func allow(for path: String) -> String? {
        let methods = all.filter { $0.path == path }.map(\.method)
        return methods.isEmpty ? nil : methods.joined(separator: ", ")
    }
}

/// The handlers behind the routes.
struct SyncHandlers: Sendable {
    let repository: any SyncRepository
    let limits: ServerLimits
    let responder: JSONResponder
    /// Bounds how many pages are built (read, encoded, gzipped) at once.
    let pages: PageGate

    init(repository: any SyncRepository, limits: ServerLimits, responder: JSONResponder) {
        self.repository = repository
        self.limits = limits
        self.responder = responder
        pages = PageGate(permits: limits.maxConcurrentPages)
    }

    func health(_ request: Request, _ context: SyncRequestContext) throws -> Response {
        responder.respond(Array(#"{"status":"ok"}"#.utf8), to: request)
    }

    func me(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let user = try Self.user(context)
        let whoami = WhoAmI(
            user: user.name, serverVersion: ServerVersion.current, maxBatch: limits.maxBatch,
            maxPage: limits.maxPage, serverHLC: await repository.serverStamp()
        )
        return try responder.respond(encoding: whoami, to: request)
    }

    func changes(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let user = try Self.user(context)
        let query = request.uri.queryParameters
        var cursor: Int64 = 0
        if let text = query["since"].map(String.init) {
            guard Self.isDigits(text) else {
                throw ServerError(.badRequest, "since must be a cursor this server returned, or 0")
            }
            // More digits than any seq has is a cursor this server never issued: 410 below.
            cursor = Int64(text) ?? .max
        }
        var limit = limits.defaultPage
        if let text = query["limit"].map(String.init) {
            guard Self.isDigits(text), text.contains(where: { $0 != "0" }) else {
                throw ServerError(.badRequest, "limit must be a whole number from 1 to \(limits.maxPage)")
            }
            limit = min(Int(text) ?? .max, limits.maxPage)
        }
        let newestFirst = try Self.isNewestFirst(query)
        if newestFirst, query["since"] != nil {
            throw ServerError(.badRequest, "since is for order=oldest_first; a newest-first page takes before")
        }
        var before: Int64?
        if let text = query["before"].map(String.init) {
            guard newestFirst else { throw ServerError(.badRequest, "before is for order=newest_first") }
            guard Self.isDigits(text) else { throw ServerError(.badRequest, "before must be a cursor this server returned") }
            // More digits than any seq has is a cursor this server never issued: 410 below.
            before = Int64(text) ?? .max
        }
        let (repository, limits, responder, since, below, count) = (repository, limits, responder, cursor, before, limit)
        return try await pages.run {
            let page = newestFirst
                ? try await repository.changes(for: user, before: below, limit: count, maxBytes: limits.maxPageBytes)
                : try await repository.changes(for: user, since: since, limit: count, maxBytes: limits.maxPageBytes)
            SyncMetrics.recordPull(changes: page.changes.count)
            return responder.respond(ChangePageJSON.encode(page, budget: limits.maxPageBytes), to: request)
        }
    }

    /// `order=oldest_first` (the default) or `order=newest_first`; anything else is a 400.
    private static func isNewestFirst(_ query: Parameters) throws -> Bool {
        switch query["order"].map(String.init) {
        case nil, "oldest_first": false
        case "newest_first": true
        default: throw ServerError(.badRequest, "order must be oldest_first or newest_first")
        }
    }

    private static func isDigits(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    func mutations(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let user = try Self.user(context)
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limits.maxBodyBytes {
            throw Self.bodyTooLarge(limits)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limits.maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw Self.bodyTooLarge(limits)
        }
        let push: PushRequest
        do {
            push = try JSONDecoder().decode(PushRequest.self, from: Data(body.readableBytesView))
        } catch {
            throw ServerError(.badRequest, "the body is not a push request: \(Self.describe(error))")
        }
        if let problem = push.envelopeProblem { throw ServerError(.badRequest, problem) }
        guard push.mutations.count <= limits.maxBatch else {
            throw ServerError(.tooLarge, "a push carries at most \(limits.maxBatch) mutations, not \(push.mutations.count)")
        }
        let outcome = try await repository.push(push, for: user)
        return responder.respond(Self.encode(outcome), to: request)
    }

    /// `{"results":[…],"server_hlc":"…"}` around the stored result bytes, so a replayed
    /// mutation's result is exactly what was sent the first time.
    static func encode(_ outcome: PushOutcome) -> [UInt8] {
        var writer = JSONWriter(capacity: outcome.results.reduce(64) { $0 + $1.count + 1 })
        writer.beginObject()
        writer.key("results")
        writer.beginArray()
        for result in outcome.results { writer.raw(result) }
        writer.endArray()
        writer.key("server_hlc")
        writer.string(outcome.serverHLC.description)
        writer.endObject()
        return writer.bytes
    }

    private static func user(_ context: SyncRequestContext) throws -> UserAccount {
        guard let user = context.user else { throw ServerError.unauthorized }
        return user
    }

    private static func bodyTooLarge(_ limits: ServerLimits) -> ServerError {
        ServerError(.tooLarge, "the request body is over the server's limit of \(limits.maxBodyBytes) bytes")
    }

    /// Where decoding failed, for the person fixing the client, without echoing the body.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "malformed JSON" }
        let (context, what): (DecodingError.Context, String) = switch error {
        case .typeMismatch(_, let context): (context, "wrong type")
        case .valueNotFound(_, let context): (context, "missing value")
        case .keyNotFound(let key, let context): (context, "missing key \(key.stringValue)")
        case .dataCorrupted(let context): (context, "invalid value")
        @unknown default: (DecodingError.Context(codingPath: [], debugDescription: ""), "invalid")
        }
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        return path.isEmpty ? what : "\(what) at \(path)"
    }
}
