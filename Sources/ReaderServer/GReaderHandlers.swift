import Foundation
import Hummingbird
import ReaderModels

/// The handlers behind `GReaderRoutes`.
struct GReaderHandlers: Sendable {
    let repository: any GReaderStorage
    let logins: GReaderLoginGuard

    /// The largest `n` of `stream/items/ids` (ids are small; apps ask for thousands at once).
    static let maxIDs = 10_000
    /// The largest `n` of a stream's contents, JSON or Atom, and the most ids of one
    /// `stream/items/contents`: the answer carries each item's text (up to 1 MiB of HTML).
    static let maxContents = 1_000
    /// `n` when the request names none, as on Google Reader.
    static let defaultCount = 20

    /// The longest `Email` that is looked up or counted, in bytes: no user name is longer
    /// (`apiPassword(ofUser:)`), and the guard should not spend work on what no one has.
    static let maxEmailBytes = 256

    init(repository: any GReaderStorage) {
        self.repository = repository
        logins = GReaderLoginGuard(nowMillis: { repository.greaderNowMillis() }, shared: repository)
    }

    /// The user `email` and `password` log in as; else throws the answer to send.
    ///
    /// What is refused without a password check is refused the same way for every name,
    /// before any lookup, so the time taken tells nothing about which names have an API
    /// password: an Email no user can have (too long, or with a control character, which
    /// no user name holds and PostgreSQL's text refuses), and a password no user can have set.
    func login(email: String, password: String) async throws -> UserAccount {
        guard email.utf8.count <= Self.maxEmailBytes, !email.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw GReaderError.badToken
        }
        if let seconds = logins.wait(for: email) { throw Self.throttled(seconds) }
        guard GReaderPassword.isAcceptable(password) else {
            logins.failed(email)
            throw GReaderError.badToken
        }
        let account = try await repository.apiPassword(ofUser: email)
        let outcome = await logins.attempt(email) {
            guard let (_, stored) = account else {
                // As long as a real check, so a failure does not tell whether the name exists.
                GReaderPassword.burn(password)
                return false
            }
            return GReaderPassword.verify(password, against: stored)
        }
        switch outcome {
        case .success:
            guard let (user, _) = account else { throw GReaderError.badToken }
            return user
        case .failure: throw GReaderError.badToken
        case .locked(let seconds): throw Self.throttled(seconds)
        case .busy: throw GReaderError(.throttled(seconds: 1), "too many logins at once; try again in a second")
        }
    }

    private static func throttled(_ seconds: Int) -> GReaderError {
        GReaderError(.throttled(seconds: seconds), "too many failed logins; try again in \(seconds) seconds")
    }

    // MARK: Login and tokens

    func clientLogin(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let form = try await GReaderForm.read(request)
        guard let email = form["Email"], let password = form["Passwd"] else {
            throw GReaderError(.badRequest, "Email and Passwd are required")
        }
        let user = try await login(email: email, password: password)
        context.audit.record(user)
        let auth = try await repository.startGReaderSession(for: user)
        return Self.text("SID=\(auth)\nLSID=null\nAuth=\(auth)\n")
    }

    func token(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        Self.text(GReaderSession.writeToken(forAuth: try Self.auth(request)) + "\n")
    }

    func userInfo(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let user = try Self.user(context)
        return try Self.json(GReaderJSON.UserInfo(
            userId: String(user.id), userName: user.name, userProfileId: String(user.id), userEmail: user.name
        ))
    }

    // MARK: Lists

    func subscriptionList(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let subscriptions = try await repository.greaderSubscriptions(for: try Self.user(context))
        return try Self.json(GReaderJSON.SubscriptionList(subscriptions: subscriptions.map { subscription in
            GReaderJSON.Subscription(
                id: GReaderStream.feed(subscription.url).id, title: subscription.title,
                categories: subscription.labels.map { GReaderJSON.Category(id: GReaderStream.label($0).id, label: $0) },
                url: subscription.url, htmlUrl: subscription.siteURL ?? "", iconUrl: ""
            )
        }))
    }

    func tagList(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let user = try Self.user(context)
        let (folders, tags) = try await repository.greaderLabels(for: user)
        let unread = try await repository.greaderUnreadCounts(for: user)
        // By name, not a search per label: up to `greaderMaxLabels` of each.
        var byLabel: [String: Int] = [:]
        for entry in unread {
            if case .label(let name) = entry.stream { byLabel[name] = entry.count }
        }
        func count(_ name: String) -> Int { byLabel[name] ?? 0 }
        var list = [GReaderJSON.Tag(id: GReaderStream.starred.id)]
        list += folders.map { GReaderJSON.Tag(id: GReaderStream.label($0).id, type: "folder", unreadCount: count($0)) }
        list += tags.map { GReaderJSON.Tag(id: GReaderStream.label($0).id, type: "tag", unreadCount: count($0)) }
        return try Self.json(GReaderJSON.TagList(tags: list))
    }

    func unreadCount(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let counts = try await repository.greaderUnreadCounts(for: try Self.user(context))
        let total = counts.first { $0.stream == .readingList }?.count ?? 0
        return try Self.json(GReaderJSON.UnreadCounts(max: total, unreadcounts: counts.map {
            GReaderJSON.UnreadCount(id: $0.stream.id, count: $0.count, newestItemTimestampUsec: String($0.newestMillis * 1000))
        }))
    }

    // MARK: Items

    func itemIDs(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let form = try await GReaderForm.read(request)
        let query = try Self.query(form, stream: try GReaderRoutes.stream(in: request, after: nil, form: form), maximum: Self.maxIDs)
        let page = try await repository.greaderItemIDs(for: try Self.user(context), query)
        return try Self.json(GReaderJSON.ItemRefs(
            itemRefs: page.ids.map { GReaderJSON.ItemRef(id: String($0)) }, continuation: page.continuation.map(String.init)
        ))
    }

    func itemContents(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let form = try await GReaderForm.read(request)
        let texts = form.all("i")
        guard texts.count <= Self.maxContents else {
            throw GReaderError(.badRequest, "at most \(Self.maxContents) items (i) in one request for contents")
        }
        let ids = texts.compactMap(GReaderItemID.parse)
        let items = try await repository.greaderItems(for: try Self.user(context), ids: ids)
        return try Self.json(GReaderJSON.Stream(
            id: GReaderStream.readingList.id, title: "", updated: repository.greaderNowMillis() / 1000,
            items: items.map(GReaderJSON.item), continuation: nil
        ))
    }

    func streamContents(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let form = try await GReaderForm.read(request)
        let stream = try GReaderRoutes.stream(in: request, after: "/stream/contents/", form: form)
        let user = try Self.user(context)
        let page = try await repository.greaderItemIDs(for: user, try Self.query(form, stream: stream, maximum: Self.maxContents))
        let items = try await repository.greaderItems(for: user, ids: page.ids)
        return try Self.json(GReaderJSON.Stream(
            id: stream.id, title: "", updated: repository.greaderNowMillis() / 1000, items: items.map(GReaderJSON.item),
            continuation: page.continuation.map(String.init)
        ))
    }

    func atom(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let form = try await GReaderForm.read(request)
        let stream = try GReaderRoutes.stream(in: request, after: "/reader/atom/", form: form)
        let user = try Self.user(context)
        let page = try await repository.greaderItemIDs(for: user, try Self.query(form, stream: stream, maximum: Self.maxContents))
        let items = try await repository.greaderItems(for: user, ids: page.ids)
        let xml = GReaderAtom.feed(stream: stream, items: items, continuation: page.continuation, updatedMillis: repository.greaderNowMillis())
        return Response(
            status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: xml))
        )
    }

    // MARK: Writes

    func editTag(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let form = try await GReaderForm.read(request)
        let user = try Self.user(context)
        try Self.requireWriteToken(form, request)
        let add = try Self.tags(form.all("a"))
        let remove = try Self.tags(form.all("r"))
        let ids = form.all("i").compactMap(GReaderItemID.parse)
        try await repository.greaderEditTags(for: user, ids: ids, add: add, remove: remove)
        return Self.text("OK")
    }

    func markAllAsRead(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let form = try await GReaderForm.read(request)
        let user = try Self.user(context)
        try Self.requireWriteToken(form, request)
        let stream = try GReaderRoutes.stream(in: request, after: nil, form: form)
        try await repository.greaderMarkAllRead(for: user, stream: stream, beforeMillis: try Self.markTime(form["ts"]))
        return Self.text("OK")
    }

    // MARK: Helpers

    static func user(_ context: SyncRequestContext) throws(GReaderError) -> UserAccount {
        guard let user = context.user else { throw GReaderError.badToken }
        return user
    }

    static func auth(_ request: Request) throws(GReaderError) -> String {
        guard let auth = GReaderSession.auth(fromAuthorization: request.headers[.authorization]) else { throw .badToken }
        return auth
    }

    /// A write needs the session's `T`, in the form or the query; without it, 401 with
    /// `Google-Bad-Token`, after which apps fetch a new `T` and try again.
    static func requireWriteToken(_ form: GReaderForm, _ request: Request) throws(GReaderError) {
        // Trimmed: newsboat sends back the token endpoint's answer as it came, newline and all.
        let token = form["T"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard GReaderSession.isWriteToken(token, forAuth: try auth(request)) else { throw .badToken }
    }

    static func query(_ form: GReaderForm, stream: GReaderStream, maximum: Int) throws(GReaderError) -> GReaderStreamQuery {
        func state(_ name: String) throws(GReaderError) -> GReaderStream? {
            guard let text = form[name], !text.isEmpty else { return nil }
            guard let stream = GReaderStream(text) else { throw GReaderError(.badRequest, "unknown stream in \(name)") }
            return stream
        }
        var continuation: Int64?
        if let text = form["c"], !text.isEmpty {
            guard text.utf8.count <= 19, let value = Int64(text), value > 0 else {
                throw GReaderError(.badRequest, "c must be a continuation this server gave")
            }
            continuation = value
        }
        return GReaderStreamQuery(
            stream: stream, exclude: try state("xt"), include: try state("it"), oldestMillis: try form.seconds("ot"),
            newestMillis: try form.seconds("nt"), oldestFirst: form["r"] == "o",
            count: try form.count("n", fallback: defaultCount, maximum: maximum), continuation: continuation
        )
    }

    /// Each `a`/`r` of edit-tag: read, starred or a label. A state this server does not keep
    /// (kept-unread, like, broadcast) is ignored; a malformed label is a 400.
    static func tags(_ texts: [String]) throws(GReaderError) -> [GReaderTag] {
        var tags: [GReaderTag] = []
        for text in texts {
            if let tag = GReaderTag(text) {
                tags.append(tag)
            } else if text.contains("/label/") {
                throw GReaderError(.badRequest, "a label is 1 to 64 bytes without control characters")
            }
        }
        return tags
    }

    /// `ts` of mark-all-as-read, in milliseconds. Apps send microseconds, some seconds or
    /// milliseconds: the unit is told by the size, as Miniflux does (a time in seconds has
    /// at most 11 digits until the year 5138).
    static func markTime(_ text: String?) throws(GReaderError) -> Int64? {
        guard let text, !text.isEmpty else { return nil }
        guard text.utf8.count <= 19, let value = Int64(text), value >= 0 else {
            throw GReaderError(.badRequest, "ts must be a time in microseconds since 1970")
        }
        switch value {
        case ..<100_000_000_000: return value * 1000
        case ..<100_000_000_000_000: return value
        default: return value / 1000
        }
    }

    static func text(_ body: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }

    static func json(_ value: some Encodable) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try GReaderJSON.encode(value)))
        )
    }
}
