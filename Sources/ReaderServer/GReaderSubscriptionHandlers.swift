import Foundation
import Hummingbird
import ReaderModels

/// `subscription/edit`, `subscription/quickadd`, `rename-tag` and `disable-tag`. A subscription made here is the one a
/// device pushes: the server's refresh fetches it, and its articles come to the user's
/// library (and native change feed) as they are fetched.
extension GReaderHandlers {
    /// The longest title `t` of a subscription, as the native contract bounds it.
    static let maxTitleBytes = WireLimits.maxSubscriptionTitleBytes

    func subscriptionEdit(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let form = try await GReaderForm.read(request)
        let user = try Self.user(context)
        try Self.requireWriteToken(form, request)
        let action: GReaderSubscriptionEdit = switch form["ac"] {
        case "subscribe": .subscribe
        case "unsubscribe": .unsubscribe
        case "edit", nil: .edit
        default: throw GReaderError(.badRequest, "ac must be subscribe, unsubscribe or edit")
        }
        let streams = form.all("s")
        guard !streams.isEmpty, streams.count <= 100 else { throw GReaderError(.badRequest, "s names 1 to 100 feeds") }
        let title = try form["t"].map(Self.title)
        let add = try Self.labels(form.all("a"))
        let remove = try Self.labels(form.all("r"))
        // Every URL is checked before any is applied, and all are applied in one write, so
        // a request with one bad `s` changes nothing rather than some of the feeds.
        let urls = try streams.map { stream throws(GReaderError) in try Self.feedURL(stream) }
        try await repository.greaderEditSubscriptions(for: user, urls: urls, action: action, title: title, add: add, remove: remove)
        return Self.text("OK")
    }

    /// Answers 200 whatever happens, with `numResults: 0` and an `error` when the URL cannot
    /// be subscribed to, as apps expect of quickadd.
    func quickAdd(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let form = try await GReaderForm.read(request)
        let user = try Self.user(context)
        try Self.requireWriteToken(form, request)
        let query = form["quickadd"] ?? ""
        do {
            let url = try Self.feedURL(query.hasPrefix(GReaderStream.feedPrefix) ? query : GReaderStream.feedPrefix + query)
            try await repository.greaderEditSubscriptions(for: user, urls: [url], action: .subscribe, title: nil, add: [], remove: [])
            let title = try await repository.greaderFeedTitle(for: user, url: url)
            return try Self.json(GReaderJSON.QuickAdd(
                numResults: 1, query: query, streamId: GReaderStream.feed(url).id, streamName: title, error: nil
            ))
        } catch let error as GReaderError {
            return try Self.json(GReaderJSON.QuickAdd(numResults: 0, query: query, streamId: nil, streamName: nil, error: error.message))
        }
    }

    /// `rename-tag` (`s` the label, `dest` its new name) and `disable-tag` (`s`): on every
    /// subscription (folder) and article (tag) of the user. Apps use them to rename and
    /// delete folders.
    func renameTag(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        try await relabel(request, context, renaming: true)
    }

    func disableTag(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        try await relabel(request, context, renaming: false)
    }

    private func relabel(_ request: Request, _ context: SyncRequestContext, renaming: Bool) async throws -> Response {
        let form = try await GReaderForm.read(request)
        let user = try Self.user(context)
        try Self.requireWriteToken(form, request)
        guard let old = try Self.labels([form["s"] ?? form["t"].map { GReaderStream.labelPrefix + $0 } ?? ""]).first else {
            throw GReaderError(.badRequest, "s must name a label")
        }
        var new: String?
        if renaming {
            guard let dest = form["dest"], let name = try Self.labels([dest]).first else {
                throw GReaderError(.badRequest, "dest must name a label")
            }
            guard name != old else { return Self.text("OK") }
            new = name
        }
        try await repository.greaderRelabel(for: user, from: old, to: new)
        return Self.text("OK")
    }

    /// The URL of a `feed/<url>` stream: an http or https address of at most
    /// `WireLimits.maxURLBytes`.
    static func feedURL(_ stream: String) throws(GReaderError) -> String {
        guard case .feed(let url) = GReaderStream(stream) else { throw GReaderError(.badRequest, "s must be feed/<url>") }
        guard url.utf8.count <= WireLimits.maxURLBytes, let parsed = URL(string: url),
              let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https", parsed.host?.isEmpty == false
        else { throw GReaderError(.badRequest, "a feed is an http or https URL of at most \(WireLimits.maxURLBytes) bytes") }
        return url
    }

    static func title(_ text: String) throws(GReaderError) -> String {
        guard !text.isEmpty, text.utf8.count <= maxTitleBytes else {
            throw GReaderError(.badRequest, "a title (t) is 1 to \(maxTitleBytes) bytes")
        }
        return text
    }

    /// The names of `user/-/label/<name>` parameters; anything else is a 400.
    static func labels(_ texts: [String]) throws(GReaderError) -> [String] {
        guard texts.count <= WireLimits.maxTags else { throw GReaderError(.badRequest, "at most \(WireLimits.maxTags) labels") }
        return try texts.map { text throws(GReaderError) in
            guard case .label(let name) = GReaderStream(text) else {
                throw GReaderError(.badRequest, "a label is user/-/label/<name>, the name 1 to 64 bytes")
            }
            return name
        }
    }
}
