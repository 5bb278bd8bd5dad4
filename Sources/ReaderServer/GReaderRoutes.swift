import Foundation
import Hummingbird

/// The Google Reader API at the server's root, as Miniflux serves it: an app is pointed at
/// the base URL. See docs/GREADER.md for what each endpoint takes and answers.
enum GReaderRoutes {
    static let api = "/reader/api/0"

    /// Adds the API's routes to `router`.
    static func add(to router: Router<SyncRequestContext>, repository: any GReaderStorage) {
        let handlers = GReaderHandlers(repository: repository)
        let login = router.group("/accounts").add(middleware: GReaderErrorMiddleware())
        login.post("/ClientLogin", use: handlers.clientLogin)
        login.get("/ClientLogin", use: handlers.clientLogin)
        let reader = router.group("/reader")
            .add(middleware: GReaderErrorMiddleware())
            .add(middleware: GReaderAuthMiddleware(repository: repository))
        let api = reader.group("/api/0")
        api.get("/token", use: handlers.token)
        api.get("/user-info", use: handlers.userInfo)
        api.get("/subscription/list", use: handlers.subscriptionList)
        api.get("/tag/list", use: handlers.tagList)
        api.get("/unread-count", use: handlers.unreadCount)
        api.post("/subscription/edit", use: handlers.subscriptionEdit)
        api.post("/subscription/quickadd", use: handlers.quickAdd)
        for method in [HTTPRequest.Method.get, .post] {
            api.on("/stream/items/ids", method: method, use: handlers.itemIDs)
            api.on("/stream/items/contents", method: method, use: handlers.itemContents)
            api.on("/stream/contents", method: method, use: handlers.streamContents)
            api.on("/stream/contents/**", method: method, use: handlers.streamContents)
        }
        api.post("/edit-tag", use: handlers.editTag)
        api.post("/mark-all-as-read", use: handlers.markAllAsRead)
        api.post("/rename-tag", use: handlers.renameTag)
        api.post("/disable-tag", use: handlers.disableTag)
        reader.get("/atom/**", use: handlers.atom)
    }

    /// The stream named in the path after `prefix` (percent-decoded, as apps encode it),
    /// or else in `s`.
    static func stream(in request: Request, after prefix: String?, form: GReaderForm) throws(GReaderError) -> GReaderStream {
        var text = form["s"]
        let path = request.uri.path
        if let prefix, let range = path.range(of: prefix), range.upperBound < path.endIndex {
            let raw = String(path[range.upperBound...])
            text = raw.removingPercentEncoding ?? raw
        }
        guard let text else { throw GReaderError(.badRequest, "no stream (s) given") }
        guard let stream = GReaderStream(text) else { throw GReaderError(.badRequest, "unknown stream") }
        return stream
    }
}

/// Answers every GReader failure in plain text (`GReaderError.response`), not as the native
/// API's JSON.
struct GReaderErrorMiddleware: RouterMiddleware {
    typealias Context = SyncRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as GReaderError {
            return error.response
        }
    }
}

/// Requires `Authorization: GoogleLogin auth=…` with the Auth of a live session and puts its
/// user in the context; anything else is 401 with `Google-Bad-Token: true`.
struct GReaderAuthMiddleware: RouterMiddleware {
    typealias Context = SyncRequestContext
    let repository: any GReaderStorage

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let auth = GReaderSession.auth(fromAuthorization: request.headers[.authorization]),
              let user = try await repository.authenticateGReader(auth: auth)
        else { throw GReaderError.badToken }
        var context = context
        context.user = user
        context.audit.record(user)
        return try await next(request, context)
    }
}
