import Foundation
import Hummingbird
import HummingbirdTesting
import ReaderModels
import ReaderServer
@testable import ReaderServerPostgres
import Synchronization
import Testing

/// The engines the Google Reader API runs on; the GReader tests of this target run on both.
enum GReaderEngine: String, CaseIterable, Sendable {
    case sqlite
    case postgres
}

/// A wall clock that stands still until a test moves it, shared by a repository and its test.
final class GReaderWall: Sendable {
    /// 2026-12-01T00:00:00Z.
    static let start: Int64 = 1_796_083_200_000
    private let value = Mutex(GReaderWall.start)

    var millis: Int64 { value.withLock { $0 } }

    func advance(days: Int) {
        advance(millis: Int64(days) * 86_400_000)
    }

    func advance(millis: Int64) {
        value.withLock { $0 += millis }
    }
}

/// A server's storage on one engine, with users ada and bob (API passwords `ada-pass` and
/// `bob-pass`) and articles imported for ada, for driving the Google Reader API through
/// the router as apps do.
final class GReaderEngineServer: Sendable {
    static let feed = "https://test.example/feed.xml"
    /// The cheapest scrypt cost the server reads, so the many logins stay cheap.
    static let testCost = GReaderPassword.Cost(log2N: 10, blockSize: 8, parallelism: 1)

    let engine: GReaderEngine
    let repository: any SyncRepository & GReaderStorage
    let wall: GReaderWall
    let folder: URL
    /// The PostgreSQL database, on that engine.
    let url: PostgresURL?
    private let postgres: PostgresSyncRepository?

    private init(engine: GReaderEngine, repository: any SyncRepository & GReaderStorage, wall: GReaderWall, folder: URL,
                 url: PostgresURL?, postgres: PostgresSyncRepository?) {
        self.engine = engine
        self.repository = repository
        self.wall = wall
        self.folder = folder
        self.url = url
        self.postgres = postgres
    }

    static func make(_ engine: GReaderEngine, articles: Int = 5) async throws -> GReaderEngineServer {
        let wall = GReaderWall()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pg-greader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let server: GReaderEngineServer
        switch engine {
        case .sqlite:
            let repository = try SQLiteSyncRepository(path: folder.appendingPathComponent("server.sqlite").path, wallMillis: { wall.millis })
            server = GReaderEngineServer(engine: engine, repository: repository, wall: wall, folder: folder, url: nil, postgres: nil)
        case .postgres:
            let url = try await PostgresTestCluster.freshDatabase()
            let repository = try await PostgresSyncRepository(url: url, wallMillis: { wall.millis })
            server = GReaderEngineServer(engine: engine, repository: repository, wall: wall, folder: folder, url: url, postgres: repository)
        }
        for name in ["ada", "bob"] {
            _ = try await server.repository.addUser(named: name)
            try await server.repository.setAPIPassword("\(name)-pass", forUser: name, cost: testCost)
        }
        if articles > 0 { try await server.importArticles(articles, for: ["ada"]) }
        return server
    }

    /// Another instance on the same PostgreSQL database, with the same wall clock.
    func secondInstance() async throws -> PostgresSyncRepository {
        let wall = self.wall
        return try await PostgresSyncRepository(url: try #require(url), wallMillis: { wall.millis })
    }

    func close() async {
        await postgres?.close()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Articles `start..<start + count` of the test feed, imported for `users`.
    @discardableResult
    func importArticles(_ count: Int, start: Int = 0, for users: [String], into repository: (any SyncRepository)? = nil) async throws -> ImportReport {
        let path = folder.appendingPathComponent("feed-\(UUID().uuidString).xml").path
        try Self.rss(count: count, start: start).write(toFile: path, atomically: true, encoding: .utf8)
        return try await (repository ?? self.repository).importFile(at: path, for: users)
    }

    func app() -> some ApplicationProtocol {
        buildApplication(repository: repository, accessLog: AccessLogSink(write: { _ in }), metrics: nil)
    }

    static func rss(count: Int, start: Int) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel><title>Test Feed</title><link>https://test.example/</link>
            <atom:link rel="self" href="\(feed)"/>

            """
        for index in start..<(start + count) {
            text += """
                <item><title>Article \(index) &amp; more</title><link>https://test.example/\(index)</link>
                <guid isPermaLink="false">g\(index)</guid><pubDate>Tue, 24 Nov 2026 10:00:\(String(format: "%02d", index % 60)) GMT</pubDate>
                <description>Summary \(index)</description>
                <content:encoded><![CDATA[<p>Body of article \(index): "quoted" text, &lt;b&gt; and é.</p>]]></content:encoded>
                </item>

                """
        }
        return text + "</channel></rss>\n"
    }
}

/// A Google Reader API client as apps are: logs in, keeps Auth and `T`, sends forms.
struct GReaderEngineClient {
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

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    func send(_ method: HTTPRequest.Method, _ path: String, form: [(String, String)]? = nil, authorized: Bool = true) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if authorized, let auth { headers[.authorization] = "GoogleLogin auth=\(auth)" }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: form.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&"))
        }
        return try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
    }

    @discardableResult
    mutating func login(_ email: String, _ password: String) async throws -> TestResponse {
        let response = try await send(.post, "/accounts/ClientLogin", form: [("Email", email), ("Passwd", password)], authorized: false)
        if response.status == .ok {
            auth = String(buffer: response.body).split(separator: "\n").first { $0.hasPrefix("Auth=") }.map { String($0.dropFirst(5)) }
        }
        return response
    }

    mutating func fetchToken() async throws {
        let response = try await send(.get, "/reader/api/0/token")
        try #require(response.status == .ok)
        writeToken = String(buffer: response.body).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func get(_ path: String) async throws -> TestResponse {
        try await send(.get, "/reader/api/0/" + path)
    }

    /// A write, with `T` unless `token` is false.
    func post(_ path: String, _ form: [(String, String)], token: Bool = true) async throws -> TestResponse {
        try await send(.post, "/reader/api/0/" + path, form: form + (token ? [("T", writeToken ?? "")] : []))
    }

    struct ItemRefs: Decodable {
        struct Ref: Decodable { var id: String }
        var itemRefs: [Ref]
        var continuation: String?
    }

    func idPage(_ stream: String, _ extra: String = "", n: Int? = nil, c: String? = nil) async throws -> ItemRefs {
        var path = "stream/items/ids?output=json&s=\(Self.encode(stream))\(extra)"
        if let n { path += "&n=\(n)" }
        if let c { path += "&c=\(c)" }
        let response = try await get(path)
        try #require(response.status == .ok, "\(path): \(response.status)")
        return try JSONDecoder().decode(ItemRefs.self, from: Data(response.body.readableBytesView))
    }

    /// Every id of a stream, page by page, until no continuation or an empty page.
    func allIDs(_ stream: String, _ extra: String = "", pageSize: Int) async throws -> [String] {
        var ids: [String] = []
        var continuation: String?
        for _ in 0..<1000 {
            let page = try await idPage(stream, extra, n: pageSize, c: continuation)
            ids += page.itemRefs.map(\.id)
            guard let next = page.continuation, !page.itemRefs.isEmpty else { return ids }
            continuation = next
        }
        throw GReaderTestFailure("no end to the pages of \(stream)")
    }

    func unreadCounts() async throws -> [String: Int] {
        struct Counts: Decodable {
            struct Count: Decodable { var id: String; var count: Int }
            var unreadcounts: [Count]
        }
        let response = try await get("unread-count?output=json")
        try #require(response.status == .ok)
        let counts = try JSONDecoder().decode(Counts.self, from: Data(response.body.readableBytesView))
        return Dictionary(counts.unreadcounts.map { ($0.id, $0.count) }, uniquingKeysWith: { first, _ in first })
    }

    struct Item: Decodable {
        struct Origin: Decodable { var streamId: String }
        var id: String
        var categories: [String]
        var crawlTimeMsec: String
        var origin: Origin
    }

    func contents(_ ids: [String]) async throws -> [Item] {
        struct Stream: Decodable { var items: [Item] }
        let response = try await send(.post, "/reader/api/0/stream/items/contents?output=json", form: ids.map { ("i", $0) })
        try #require(response.status == .ok)
        return try JSONDecoder().decode(Stream.self, from: Data(response.body.readableBytesView)).items
    }

    static func longID(_ decimal: String) -> String {
        let value = UInt64(bitPattern: Int64(decimal) ?? 0)
        let hex = String(value, radix: 16)
        return "tag:google.com,2005:reader/item/" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

struct GReaderTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
