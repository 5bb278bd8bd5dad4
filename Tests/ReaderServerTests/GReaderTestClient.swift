import Foundation
import Hummingbird
import HummingbirdTesting


/// A small Google Reader API client written from the API's description (what FreshRSS,
/// Miniflux and the apps document), not from the server's code: it logs in, keeps `Auth`
/// and `T`, sends forms, and parses the answers with its own types.
struct GReaderTestClient {
    let client: any TestClientProtocol
    var auth: String?
    var writeToken: String?

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    static let readingList = "user/-/state/com.google/reading-list"
    static let starred = "user/-/state/com.google/starred"
    static let read = "user/-/state/com.google/read"
    static func label(_ name: String) -> String { "user/-/label/\(name)" }

    /// An `application/x-www-form-urlencoded` body of `pairs`, repeated names and all.
    static func form(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { name, value in
            name.addingPercentEncoding(withAllowedCharacters: allowed)! + "=" + value.addingPercentEncoding(withAllowedCharacters: allowed)!
        }.joined(separator: "&")
    }

    func request(_ method: HTTPRequest.Method, _ path: String, form: [(String, String)]? = nil, authorized: Bool = true) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if authorized, let auth { headers[.authorization] = "GoogleLogin auth=\(auth)" }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: Self.form(form))
        }
        return try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
    }

    /// ClientLogin; on success keeps `Auth` and answers the parsed lines.
    @discardableResult
    mutating func login(_ email: String, _ password: String) async throws -> TestResponse {
        let response = try await request(.post, "/accounts/ClientLogin", form: [("Email", email), ("Passwd", password)], authorized: false)
        if response.status == .ok {
            let lines = Dictionary(response.text.split(separator: "\n").compactMap { line -> (String, String)? in
                let parts = line.split(separator: "=", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            }, uniquingKeysWith: { first, _ in first })
            auth = lines["Auth"]
        }
        return response
    }

    /// Fetches a fresh `T`.
    mutating func fetchToken() async throws {
        let response = try await request(.get, "/reader/api/0/token")
        guard response.status == .ok else { throw TestFailure("token answered \(response.status.code)") }
        writeToken = response.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A write with `T` added; on a 401 with `Google-Bad-Token` fetches `T` again and retries
    /// once, as NetNewsWire does.
    mutating func write(_ path: String, _ form: [(String, String)]) async throws -> TestResponse {
        if writeToken == nil { try await fetchToken() }
        let first = try await request(.post, "/reader/api/0/" + path, form: form + [("T", writeToken ?? "")])
        guard first.status == .unauthorized, first.headers[HTTPFields.Element.Name("Google-Bad-Token")!] == "true" else { return first }
        try await fetchToken()
        return try await request(.post, "/reader/api/0/" + path, form: form + [("T", writeToken ?? "")])
    }

    func json<T: Decodable>(_ type: T.Type, _ path: String, form: [(String, String)]? = nil) async throws -> T {
        let response = try await request(form == nil ? .get : .post, "/reader/api/0/" + path, form: form)
        guard response.status == .ok else { throw TestFailure("\(path) answered \(response.status.code): \(response.text)") }
        return try JSONDecoder().decode(T.self, from: response.data)
    }

    // MARK: Calls

    func subscriptions() async throws -> [Subscription] {
        try await json(SubscriptionList.self, "subscription/list?output=json").subscriptions
    }

    func tags() async throws -> [Tag] {
        try await json(TagList.self, "tag/list?output=json").tags
    }

    func unreadCounts() async throws -> UnreadCounts {
        try await json(UnreadCounts.self, "unread-count?output=json")
    }

    /// One page of ids; `query` is the rest of the query string.
    func idPage(_ stream: String, _ query: String = "") async throws -> ItemRefs {
        try await json(ItemRefs.self, "stream/items/ids?output=json&s=\(Self.escape(stream))\(query)")
    }

    /// Every id of a stream, following continuations until none comes or a page is empty.
    func allIDs(_ stream: String, _ query: String = "", pageSize: Int) async throws -> [String] {
        var ids: [String] = []
        var continuation: String?
        repeat {
            let page = try await idPage(stream, "&n=\(pageSize)\(query)" + (continuation.map { "&c=\($0)" } ?? ""))
            ids += page.itemRefs.map(\.id)
            continuation = page.itemRefs.isEmpty ? nil : page.continuation
        } while continuation != nil
        return ids
    }

    func contents(_ ids: [String]) async throws -> [Item] {
        try await json(Stream.self, "stream/items/contents?output=json", form: ids.map { ("i", $0) }).items
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!
    }

    /// The long form of a decimal id, as the API describes the conversion.
    static func longID(_ decimal: String) -> String {
        let value = UInt64(bitPattern: Int64(decimal)!)
        let hex = String(value, radix: 16)
        return "tag:google.com,2005:reader/item/" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    // MARK: Answers

    struct Category: Decodable { var id: String; var label: String }
    struct Subscription: Decodable {
        var id: String; var title: String; var categories: [Category]; var url: String?; var htmlUrl: String?
    }
    struct SubscriptionList: Decodable { var subscriptions: [Subscription] }
    struct Tag: Decodable { var id: String; var type: String?; var unread_count: Int? }
    struct TagList: Decodable { var tags: [Tag] }
    struct UnreadCount: Decodable { var id: String; var count: Int; var newestItemTimestampUsec: String }
    struct UnreadCounts: Decodable { var max: Int; var unreadcounts: [UnreadCount] }
    struct ItemRef: Decodable { var id: String }
    struct ItemRefs: Decodable { var itemRefs: [ItemRef]; var continuation: String? }
    struct Link: Decodable { var href: String }
    struct Content: Decodable { var content: String }
    struct Origin: Decodable { var streamId: String; var title: String? }
    struct Item: Decodable {
        var id: String; var crawlTimeMsec: String; var timestampUsec: String; var published: Int64; var title: String
        var canonical: [Link]?; var alternate: [Link]?; var categories: [String]; var origin: Origin
        var summary: Content?; var content: Content?
        var body: String { summary?.content ?? content?.content ?? "" }
        var isRead: Bool { categories.contains { $0.hasSuffix("/state/com.google/read") } }
        var isStarred: Bool { categories.contains { $0.hasSuffix("/state/com.google/starred") } }
        var labels: [String] { categories.compactMap { category in category.range(of: "/label/").map { String(category[$0.upperBound...]) } } }
    }
    struct QuickAdd: Decodable { var numResults: Int; var streamId: String?; var error: String? }
    struct Stream: Decodable { var items: [Item]; var continuation: String? }
}
