import Foundation
import LoopbackHTTP
import Synchronization

/// A Google Reader API service on loopback that answers in the shapes FreshRSS or
/// Miniflux give (GREADER-NOTES): decimal ids from `stream/items/ids`, the long form from
/// `stream/items/contents`, `ot` in seconds compared with the crawl time, a continuation on
/// every full page (so the last full page is followed by an empty one), text/html content
/// types where FreshRSS sends them, and quickadd failures as 200. Unlike FreshRSS it wants
/// the `T` token on every write, as the stricter services do.
final class GReaderFakeService: Sendable {
    let core: GReaderFakeCore
    let server: LoopbackServer

    init(_ flavor: GReaderFakeCore.Flavor) throws {
        let core = GReaderFakeCore(flavor)
        self.core = core
        server = try LoopbackServer { request, connection in core.answer(request, connection) }
    }

    deinit { server.stop() }

    /// The base URL a client is given: FreshRSS's `/api/greader.php`, Miniflux's root.
    var baseURL: URL { server.url(core.flavor == .freshRSS ? "/api/greader.php" : "/") }
}

/// What the fake service holds and how it answers.
final class GReaderFakeCore: Sendable {
    enum Flavor: Sendable { case freshRSS, miniflux }

    struct Item: Sendable {
        var id: UInt64
        var feed: Int
        var crawlSeconds: Int64
        var title: String
        var body: String
        var read = false
        var starred = false
        var labels: Set<String> = []
    }

    struct Feed: Sendable {
        var id: Int
        var url: String
        var title: String
        var folder: String?
    }

    struct State: Sendable {
        var items: [Item] = []
        var feeds: [Feed] = []
        var token = "T1"
        /// False: every write is refused as with a stale token, whatever token it carries.
        var acceptWrites = true
        var tokenFetches = 0
        /// Every request, as `METHOD path?query` plus the form body.
        var requests: [(line: String, form: [(String, String)])] = []
        /// An answer to give instead of the real one, once, for a path.
        var override: [String: (status: Int, body: String)] = [:]
        /// The `AppId` header of every request ("" when it had none), as Inoreader reads it.
        var appIDs: Set<String> = []
        /// Paths whose requests are held unanswered until taken out of the set, or for 50 s:
        /// under the client's 60 s limit, and long enough that a test whose task waits behind
        /// others on a busy machine still finds the request held (with 20 s, a CI run at load
        /// 13 found the sync finished instead of killed).
        var hold: Set<String> = []
        /// How many requests have been held so far.
        var held = 0
        /// A hostile reading list that never ends: see ``Endless``.
        var endless: Endless?
        /// How many `stream/items/ids` requests have been answered.
        var idPages = 0
        /// Items `stream/items/contents` leaves out, as a service does with an id it does
        /// not find (or not yet).
        var hiddenFromContents: Set<UInt64> = []
    }

    /// Reading lists that page on for ever, as a broken or hostile service's would.
    enum Endless: Sendable {
        /// The same ids with continuations "A", "B", "A"…
        case cycle
        /// The same ids with a fresh continuation each time.
        case freshTokens
        /// New ids with a fresh continuation each time.
        case newIDs
    }

    let flavor: Flavor
    let state = Mutex(State())
    let user = "alice"
    let password = "correct horse"
    let auth = "alice/8e6845e5a1d4b0b7a1c2"

    init(_ flavor: Flavor) {
        self.flavor = flavor
    }

    func update(_ body: (inout State) -> Void) { state.withLock { body(&$0) } }
    var requests: [(line: String, form: [(String, String)])] { state.withLock { $0.requests } }

    /// The ids in the long form, as items' `id` and as clients send them back.
    static func long(_ id: UInt64) -> String {
        let hex = String(id, radix: 16)
        return "tag:google.com,2005:reader/item/" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    private var userPrefix: String { flavor == .freshRSS ? "user/-" : "user/1" }

    func answer(_ request: LoopbackServer.Request, _ connection: Connection) {
        var path = request.path
        if flavor == .freshRSS, path.hasPrefix("/api/greader.php") { path.removeFirst("/api/greader.php".count) }
        let form = Self.form(request.method == "POST" ? String(decoding: request.body, as: UTF8.self) : "")
            + Self.form(String(request.target.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""))
        let override = state.withLock { state in
            state.appIDs.insert(request.header("AppId") ?? "")
            state.requests.append((request.method + " " + path + "?" + (request.target.split(separator: "?").dropFirst().first.map(String.init) ?? ""), form))
            return state.override.removeValue(forKey: path)
        }
        if let override { return connection.respond(override.status, [("Content-Type", "text/html")], text: override.body) }
        if state.withLock({ $0.hold.contains(path) }) {
            state.withLock { $0.held += 1 }
            for _ in 0..<5000 where state.withLock({ $0.hold.contains(path) }) { Thread.sleep(forTimeInterval: 0.01) }
        }
        func value(_ key: String) -> String? { form.first { $0.0 == key }?.1 }
        func values(_ key: String) -> [String] { form.filter { $0.0 == key }.map(\.1) }
        let html = [("Content-Type", flavor == .freshRSS ? "text/html; charset=UTF-8" : "text/plain")]
        let json = [("Content-Type", "application/json")]

        if path == "/accounts/ClientLogin" {
            guard value("Email") == user, value("Passwd") == password else {
                return connection.respond(401, [("Google-Bad-Token", "true")], text: "Unauthorized!")
            }
            return connection.respond(200, [("Content-Type", "text/plain")], text: "SID=\(auth)\nLSID=null\nAuth=\(auth)\n")
        }
        guard request.header("Authorization") == "GoogleLogin auth=\(auth)" else {
            return connection.respond(401, [("Google-Bad-Token", "true")], text: "Unauthorized!")
        }
        let writes = ["/reader/api/0/edit-tag", "/reader/api/0/subscription/edit", "/reader/api/0/subscription/quickadd"]
        if writes.contains(path), value("T") != state.withLock({ $0.token }) || !state.withLock({ $0.acceptWrites }) {
            return connection.respond(401, [("Google-Bad-Token", "true")], text: "Unauthorized!")
        }
        switch path {
        case "/reader/api/0/token":
            let token = state.withLock { state in
                state.tokenFetches += 1
                return state.token
            }
            connection.respond(200, html, text: token + "\n")
        case "/reader/api/0/tag/list":
            let state = state.withLock { $0 }
            let folders = Set(state.feeds.compactMap(\.folder)).sorted().map { #"{"id":"\#(userPrefix)/label/\#($0)","type":"folder"}"# }
            let labels = Set(state.items.flatMap(\.labels)).sorted().map { #"{"id":"\#(userPrefix)/label/\#($0)","type":"tag","unread_count":0}"# }
            connection.respond(200, json, text: #"{"tags":[{"id":"user/-/state/com.google/starred"},\#((folders + labels).joined(separator: ","))]}"#)
        case "/reader/api/0/user-info":
            connection.respond(200, json, text: #"{"userId":"1","userName":"alice","userProfileId":"1","userEmail":"alice@example.org"}"#)
        case "/reader/api/0/subscription/list":
            guard value("output") == "json" else { return connection.respond(501, text: "Not implemented") }
            let feeds = state.withLock { $0.feeds }.map { feed in
                let categories = feed.folder.map { #"[{"id":"\#(userPrefix)/label/\#($0)","label":"\#($0)","type":"folder"}]"# } ?? "[]"
                return #"{"id":"feed/\#(feed.id)","title":"\#(feed.title)","categories":\#(categories),"url":"\#(feed.url)","htmlUrl":"https://example.org/\#(feed.id)","iconUrl":""}"#
            }
            connection.respond(200, json, text: #"{"subscriptions":[\#(feeds.joined(separator: ","))]}"#)
        case "/reader/api/0/stream/items/ids":
            connection.respond(200, flavor == .freshRSS ? html : json, text: itemIDs(value))
        case "/reader/api/0/stream/items/contents":
            connection.respond(200, json, text: contents(values("i")))
        case "/reader/api/0/edit-tag":
            editTag(ids: values("i"), add: values("a"), remove: values("r"))
            connection.respond(200, html, text: "OK")
        case "/reader/api/0/subscription/quickadd":
            guard let url = value("quickadd"), url.hasPrefix("http"), !url.contains("broken") else {
                return connection.respond(200, json, text: #"{"numResults":0,"error":"Feed not found"}"#)
            }
            let id = state.withLock { state in
                let id = (state.feeds.map(\.id).max() ?? 0) + 1
                state.feeds.append(Feed(id: id, url: url, title: url, folder: nil))
                return id
            }
            connection.respond(200, html, text: #"{"numResults":1,"query":"\#(url)","streamId":"feed/\#(id)","streamName":"\#(url)"}"#)
        case "/reader/api/0/subscription/edit":
            guard let stream = value("s"), stream.hasPrefix("feed/"), let id = Int(stream.dropFirst(5)),
                  state.withLock({ $0.feeds.contains { $0.id == id } }) else { return connection.respond(400, text: "Bad Request") }
            state.withLock { state in
                if value("ac") == "unsubscribe" { state.feeds.removeAll { $0.id == id } }
                if let label = values("a").first, let index = state.feeds.firstIndex(where: { $0.id == id }) {
                    state.feeds[index].folder = label.components(separatedBy: "/label/").last
                }
            }
            connection.respond(200, html, text: "OK")
        default:
            connection.respond(404, text: "Not found")
        }
    }

    private func itemIDs(_ value: (String) -> String?) -> String {
        let stream = value("s") ?? ""
        let (endless, answered) = state.withLock { state in
            state.idPages += 1
            return (state.endless, state.idPages)
        }
        if let endless, stream.hasSuffix("/reading-list"), value("xt") == nil {
            let ids: [UInt64] = endless == .newIDs ? [UInt64(answered) * 10 + 1, UInt64(answered) * 10 + 2] : [1, 2]
            let continuation = switch endless {
            case .cycle: answered % 2 == 0 ? "A" : "B"
            case .freshTokens, .newIDs: "t\(answered)"
            }
            let refs = ids.map { #"{"id":"\#($0)","directStreamIds":[],"timestampUsec":"0"}"# }
            return #"{"itemRefs":[\#(refs.joined(separator: ","))],"continuation":"\#(continuation)"}"#
        }
        let count = Int(value("n") ?? "") ?? 20
        let ot = Int64(value("ot") ?? "") ?? 0
        let start = Int(value("c") ?? "") ?? 0
        let selected = state.withLock { $0.items }
            .filter { item in
                if stream.hasSuffix("/state/com.google/starred") { return item.starred }
                if stream.hasPrefix("feed/") { return "feed/\(item.feed)" == stream }
                if let label = stream.components(separatedBy: "/label/").last, stream.contains("/label/") { return item.labels.contains(label) }
                return true
            }
            .filter { value("xt")?.hasSuffix("/state/com.google/read") != true || !$0.read }
            .filter { $0.crawlSeconds >= ot }
            .sorted { $0.crawlSeconds != $1.crawlSeconds ? $0.crawlSeconds > $1.crawlSeconds : $0.id > $1.id }
        let page = selected.dropFirst(start).prefix(count)
        let refs = page.map { #"{"id":"\#($0.id)","directStreamIds":[],"timestampUsec":"\#($0.crawlSeconds * 1_000_000)"}"# }
        // A full page always has a continuation, even when nothing is left after it.
        let continuation = page.count == count ? #","continuation":"\#(start + count)""# : ""
        return #"{"itemRefs":[\#(refs.joined(separator: ","))]\#(continuation)}"#
    }

    private func contents(_ ids: [String]) -> String {
        let wanted = Set(ids.compactMap(Self.parse))
        let state = state.withLock { $0 }
        let items = state.items.filter { wanted.contains($0.id) && !state.hiddenFromContents.contains($0.id) }.map { item in
            let feed = state.feeds.first { $0.id == item.feed }
            var categories = ["\(userPrefix)/state/com.google/reading-list"]
            if item.read { categories.append("\(userPrefix)/state/com.google/read") }
            if item.starred { categories.append("\(userPrefix)/state/com.google/starred") }
            if let folder = feed?.folder { categories.append("\(userPrefix)/label/\(folder)") }
            categories += item.labels.sorted().map { "\(userPrefix)/label/\($0)" }
            let body = flavor == .freshRSS ? #""summary":{"content":"\#(item.body)"}"# : #""content":{"direction":"ltr","content":"\#(item.body)"}"#
            let published = flavor == .freshRSS ? String(item.crawlSeconds - 60) : "\"\(item.crawlSeconds - 60)\""
            return #"{"id":"\#(Self.long(item.id))","crawlTimeMsec":"\#(item.crawlSeconds * 1000)","timestampUsec":"\#(item.crawlSeconds * 1_000_000)","published":\#(published),"title":"\#(item.title)","author":"Ann","canonical":[{"href":"https://example.org/a/\#(item.id)"}],"alternate":[{"href":"https://example.org/a/\#(item.id)","type":"text/html"}],"categories":\#(Self.jsonArray(categories)),"origin":{"streamId":"feed/\#(item.feed)","htmlUrl":"https://example.org/\#(item.feed)","title":"\#(feed?.title ?? "")"},\#(body)}"#
        }
        return #"{"id":"user/-/state/com.google/reading-list","updated":1764547200,"items":[\#(items.joined(separator: ","))]}"#
    }

    private func editTag(ids: [String], add: [String], remove: [String]) {
        let targets = Set(ids.compactMap(Self.parse))
        state.withLock { state in
            for index in state.items.indices where targets.contains(state.items[index].id) {
                for (tags, on) in [(add, true), (remove, false)] {
                    for tag in tags {
                        if tag.hasSuffix("/state/com.google/read") { state.items[index].read = on }
                        else if tag.hasSuffix("/state/com.google/starred") { state.items[index].starred = on }
                        else if let label = tag.components(separatedBy: "/label/").last, tag.contains("/label/") {
                            if on { state.items[index].labels.insert(label) } else { state.items[index].labels.remove(label) }
                        }
                    }
                }
            }
        }
    }

    /// Any of the three forms, as FreshRSS reads them.
    static func parse(_ text: String) -> UInt64? {
        if text.hasPrefix("tag:google.com,2005:reader/item/") { return UInt64(text.dropFirst(32), radix: 16) }
        if text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return UInt64(text) }
        return text.count == 16 ? UInt64(text, radix: 16) : nil
    }

    static func form(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
        }
    }

    private static func jsonArray(_ values: [String]) -> String {
        "[" + values.map { "\"\($0)\"" }.joined(separator: ",") + "]"
    }
}
