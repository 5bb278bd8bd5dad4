import ContractSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import LoopbackHTTP
import PostgresSupport
import ReaderModels
@testable import ReaderServer
import ReaderServerPostgres
import Synchronization

/// A server on a real SQLite file in a fresh temporary folder, or (``onTestEngine(limits:tombstoneDays:retention:)``
/// on the PostgreSQL pass) on a fresh PostgreSQL database, with a wall clock the test moves
/// by hand and an access log it can read.
struct TestServer {
    let folder: URL
    /// The repository the routes run over, on either engine.
    let store: any SyncRepository
    let clock: ManualClock
    let log: CapturedLog
    let limits: ServerLimits
    private let sqlite: SQLiteSyncRepository?
    private let postgres: PostgresCloser?

    /// A server on SQLite, whatever the pass: for the suites that reach into the SQLite file
    /// or test what only the SQLite engine does.
    init(limits: ServerLimits = ServerLimits(), tombstoneDays: Int = 30, retention: ServerRetention = .standard) throws {
        folder = try TestFolder.make("server")
        let clock = ManualClock()
        self.clock = clock
        let repository = try SQLiteSyncRepository(
            path: folder.appendingPathComponent("server.sqlite").path, tombstoneDays: tombstoneDays, retention: retention,
            wallMillis: { clock.millis }
        )
        (store, sqlite, postgres) = (repository, repository, nil)
        log = CapturedLog()
        self.limits = limits
    }

    private init(postgres repository: PostgresSyncRepository, folder: URL, clock: ManualClock, limits: ServerLimits) {
        self.folder = folder
        self.clock = clock
        self.limits = limits
        (store, sqlite, postgres) = (repository, nil, PostgresCloser(repository))
        log = CapturedLog()
    }

    /// A server on the engine of this pass (``ServerEngine/current``): SQLite, or a fresh
    /// database of the run's PostgreSQL cluster. For the suites that use only `SyncRepository`.
    static func onTestEngine(
        limits: ServerLimits = ServerLimits(), tombstoneDays: Int = 30, retention: ServerRetention = .standard
    ) async throws -> TestServer {
        guard ServerEngine.current == .postgres else {
            return try TestServer(limits: limits, tombstoneDays: tombstoneDays, retention: retention)
        }
        let folder = try TestFolder.make("server")
        let clock = ManualClock()
        let repository = try await PostgresSyncRepository(
            url: try await PostgresTestCluster.freshDatabase(), maxConnections: 4, tombstoneDays: tombstoneDays,
            retention: retention, wallMillis: { clock.millis }
        )
        return TestServer(postgres: repository, folder: folder, clock: clock, limits: limits)
    }

    /// The SQLite repository of a server made with ``init(limits:tombstoneDays:retention:)``.
    var repository: SQLiteSyncRepository {
        guard let sqlite else { preconditionFailure("a SQLite-only test made its server with onTestEngine") }
        return sqlite
    }

    /// The application over this server's repository, for `app.test(.router)` or `.live`.
    var app: some ApplicationProtocol {
        let log = self.log
        return Application(
            router: buildRouter(store, limits: limits, accessLog: AccessLogSink { log.append($0) }),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0))
        )
    }

    func addUser(_ name: String) async throws -> String {
        try await store.addUser(named: name)
    }

    /// Writes an RSS file of `count` articles (guids `g0`…) into the folder and imports it
    /// for `users` (nil: every user there is now).
    @discardableResult
    func importArticles(
        _ count: Int, start: Int = 0, revision: String = "", source: String = "Test Feed", for users: [String]? = nil
    ) async throws -> ImportReport {
        let path = folder.appendingPathComponent("feed-\(UUID().uuidString).xml").path
        try Self.rss(count: count, start: start, revision: revision, source: source).write(toFile: path, atomically: true, encoding: .utf8)
        let names = if let users { users } else { try await store.users().map(\.name) }
        return try await store.importFile(at: path, for: names)
    }

    /// The id the client and server give article `index` of `importArticles`: the feed's
    /// self link is its source key.
    static func articleID(_ index: Int) -> String {
        Fingerprint.articleID(sourceKey: "https://test.example/feed.xml", guid: "g\(index)")
    }

    static func rss(count: Int, start: Int, revision: String, source: String) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel><title>\(source)</title><link>https://test.example/</link>
            <atom:link rel="self" href="https://test.example/feed.xml"/>

            """
        for index in start..<(start + count) {
            text += """
                <item><title>Article \(index)\(revision)</title><link>https://test.example/\(index)</link>
                <guid isPermaLink="false">g\(index)</guid><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate>
                <description>Summary \(index)</description>
                <content:encoded><![CDATA[<p>Body of article \(index)\(revision): "quoted" text\\with a backslash.</p>]]></content:encoded>
                </item>

                """
        }
        return text + "</channel></rss>\n"
    }
}

/// Closes a PostgreSQL repository's connections when the last copy of its ``TestServer``
/// goes, so a run of many tests does not pile up connections to the cluster.
final class PostgresCloser: Sendable {
    let repository: PostgresSyncRepository

    init(_ repository: PostgresSyncRepository) { self.repository = repository }

    deinit {
        let repository = repository
        Task { await repository.close() }
    }
}

/// A wall clock that stands still until a test moves it.
final class ManualClock: Sendable {
    private let value = Mutex<Int64>(1_764_000_000_000)

    var millis: Int64 { value.withLock { $0 } }

    func advance(days: Int) {
        value.withLock { $0 += Int64(days) * 86_400_000 }
    }
}

/// The access log lines a server wrote.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var all: [String] { lines.withLock { $0 } }
}

extension TestClientProtocol {
    /// Sends a request with a bearer token and an optional JSON body.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String?, body: Data? = nil, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await executeRequest(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
    }

    /// Pulls every page after `since`, `limit` at a time, validating each page against the schema.
    func pullAll(token: String, since: String = "0", limit: Int) async throws -> (changes: [SequencedChange], cursor: String) {
        var cursor = since
        var changes: [SequencedChange] = []
        while true {
            let response = try await send(.get, "/v1/changes?since=\(cursor)&limit=\(limit)", token: token)
            guard response.status == .ok else { throw TestFailure("pull answered \(response.status.code): \(response.text)") }
            try Contract.validate(response.data, against: "change-page")
            let page = try JSONDecoder().decode(ChangePage.self, from: response.data)
            changes += page.changes
            cursor = page.nextCursor
            if !page.hasMore { return (changes, cursor) }
        }
    }

    /// Pushes mutations for `client`, validating the response (and, unless the test sends an
    /// invalid one on purpose, the request) against the schemas.
    func push(
        _ mutations: [WireMutation], token: String, client: String = "device-a", requestIsValid: Bool = true
    ) async throws -> (PushResponse, Data) {
        let body = try JSONEncoder().encode(PushRequest(clientID: client, mutations: mutations))
        if requestIsValid { try Contract.validate(body, against: "push-request") }
        let response = try await send(.post, "/v1/mutations", token: token, body: body)
        guard response.status == .ok else { throw TestFailure("push answered \(response.status.code): \(response.text)") }
        try Contract.validate(response.data, against: "push-response")
        return (try JSONDecoder().decode(PushResponse.self, from: response.data), response.data)
    }
}

extension TestResponse {
    var data: Data { Data(body.readableBytesView) }
    var text: String { String(buffer: body) }
}

/// A test's own failure with a sentence.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Mutations as a device would make them.
enum Make {
    static func stamp(_ wall: Int64, _ node: String = "device-a") -> HLC {
        HLC(wallMillis: wall, counter: 0, node: node)
    }

    static func state(_ id: String, article: String, _ fields: JSONObject, at wall: Int64, node: String = "device-a") -> WireMutation {
        WireMutation(id: id, entity: .articleState, entityID: article, op: .set, baseRevision: nil, fields: fields, hlc: stamp(wall, node))
    }

    static func createNote(_ id: String, note: String, article: String, body: String, at wall: Int64) -> WireMutation {
        WireMutation(
            id: id, entity: .note, entityID: note, op: .create, baseRevision: nil,
            fields: ["article_id": .string(article), "body": .string(body), "created_at": .string("2026-11-24T10:00:00.000Z"),
                     "anchor": .object(["exact": .string("quoted"), "prefix": .string("Body "), "suffix": .string(" text")])],
            hlc: stamp(wall)
        )
    }

    static func editNote(_ id: String, note: String, base: Int, body: String, at wall: Int64, node: String = "device-a") -> WireMutation {
        WireMutation(id: id, entity: .note, entityID: note, op: .update, baseRevision: base, fields: ["body": .string(body)], hlc: stamp(wall, node))
    }

    static func deleteNote(_ id: String, note: String, base: Int, at wall: Int64) -> WireMutation {
        WireMutation(id: id, entity: .note, entityID: note, op: .delete, baseRevision: base, fields: [:], hlc: stamp(wall))
    }

    static func subscribe(_ id: String, url: String, _ subscribed: Bool, at wall: Int64) -> WireMutation {
        WireMutation(
            id: id, entity: .subscription, entityID: url, op: .set, baseRevision: nil,
            fields: ["subscribed": .bool(subscribed), "tags": .array([.string("news")]), "title": .string("A feed")], hlc: stamp(wall)
        )
    }
}
