import Foundation
import Hummingbird
import HummingbirdTesting
import LoopbackHTTP
import ReaderModels
import ReaderServer
@testable import ReaderServerPostgres
import Testing

/// The Google Reader API on both engines through the router, driven as apps drive it: the
/// same requests get the same answers, byte for byte, from SQLite and PostgreSQL.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresGReaderTests {
    typealias Client = GReaderEngineClient
    static let feedStream = "feed/" + GReaderEngineServer.feed

    /// One answer as a client sees it: status, content type and body.
    struct Answer: Equatable, CustomStringConvertible {
        var step: String
        var status: Int
        var contentType: String
        var body: String

        init(_ step: String, _ response: TestResponse) {
            self.step = step
            status = response.status.code
            contentType = response.headers[.contentType] ?? ""
            body = String(buffer: response.body)
        }

        var description: String { "\(step): \(status) \(contentType) \(body.prefix(2000))" }
    }

    /// A session of an app: lists, pages, contents, every kind of write, relabelling,
    /// subscription edits. Every answer but the login's (its Auth is random) is kept.
    static func session(_ server: GReaderEngineServer) async throws -> [Answer] {
        let before = server.wall.millis
        return try await server.app().test(.router) { client in
            var answers: [Answer] = []
            var reader = Client(client)
            let login = try await reader.login("ada", "ada-pass")
            #expect(login.status == .ok)
            try await reader.fetchToken()
            func keep(_ step: String, _ response: TestResponse) { answers.append(Answer(step, response)) }
            keep("user-info", try await reader.get("user-info?output=json"))
            keep("subscribe", try await reader.post("subscription/edit", [
                ("ac", "subscribe"), ("s", Self.feedStream), ("a", Client.label("News")), ("t", "My feed"),
            ]))
            keep("subscribe other", try await reader.post("subscription/edit", [("ac", "subscribe"), ("s", "feed/https://other.example/rss")]))
            keep("subscription/list", try await reader.get("subscription/list?output=json"))
            let all = try await reader.allIDs(Client.readingList, pageSize: 3)
            #expect(all.count == 8)
            var continuation: String?
            repeat {
                let path = "stream/items/ids?output=json&n=3&s=\(Client.encode(Client.readingList))" + (continuation.map { "&c=\($0)" } ?? "")
                let page = try await reader.get(path)
                keep(path, page)
                continuation = try JSONDecoder().decode(Client.ItemRefs.self, from: Data(page.body.readableBytesView)).continuation
            } while continuation != nil
            keep("oldest first", try await reader.get("stream/items/ids?output=json&r=o&n=5&s=\(Client.encode(Client.readingList))"))
            keep("contents", try await reader.send(.post, "/reader/api/0/stream/items/contents?output=json", form: [
                ("i", all[0]), ("i", Client.longID(all[1])), ("i", String(Client.longID(all[2]).suffix(16))), ("i", "999999"), ("i", "x"),
            ]))
            keep("stream/contents", try await reader.send(.get, "/reader/api/0/stream/contents/\(Client.encode(Self.feedStream))?n=2&output=json"))
            keep("atom", try await reader.send(.get, "/reader/atom/\(Client.encode(Client.label("News")))?n=2"))
            keep("edit-tag read", try await reader.post("edit-tag", [("i", all[0]), ("a", Client.read)]))
            keep("edit-tag star", try await reader.post("edit-tag", [("i", Client.longID(all[1])), ("a", Client.starred)]))
            keep("edit-tag label", try await reader.post("edit-tag", [("i", all[2]), ("i", all[3]), ("a", Client.label("Later"))]))
            keep("edit-tag unlabel", try await reader.post("edit-tag", [("i", all[3]), ("r", Client.label("Later"))]))
            keep("edit-tag no T", try await reader.post("edit-tag", [("i", all[4]), ("a", Client.read)], token: false))
            keep("tag/list", try await reader.get("tag/list?output=json"))
            keep("unread-count", try await reader.get("unread-count?output=json"))
            keep("xt=read", try await reader.get("stream/items/ids?output=json&n=20&s=\(Client.encode(Client.readingList))&xt=\(Client.encode(Client.read))"))
            keep("starred", try await reader.get("stream/items/ids?output=json&s=\(Client.encode(Client.starred))"))
            keep("label Later", try await reader.get("stream/items/ids?output=json&s=\(Client.encode(Client.label("Later")))"))
            keep("rename-tag", try await reader.post("rename-tag", [("s", Client.label("Later")), ("dest", Client.label("Soon"))]))
            keep("disable-tag", try await reader.post("disable-tag", [("s", Client.label("News"))]))
            keep("tag/list after", try await reader.get("tag/list?output=json"))
            keep("subscription/list after", try await reader.get("subscription/list?output=json"))
            keep("unsubscribe", try await reader.post("subscription/edit", [("ac", "unsubscribe"), ("s", "feed/https://other.example/rss")]))
            keep("unsubscribe unknown", try await reader.post("subscription/edit", [("ac", "unsubscribe"), ("s", "feed/https://none.example/")]))
            keep("quickadd", try await reader.post("subscription/quickadd", [("quickadd", "https://third.example/feed")]))
            keep("quickadd bad", try await reader.post("subscription/quickadd", [("quickadd", "ftp://x")]))
            // A day later, three more; mark-all-as-read up to the time before them (in µs).
            server.wall.advance(days: 1)
            try await server.importArticles(3, start: 8, for: ["ada"])
            keep("mark-all-as-read", try await reader.post("mark-all-as-read", [("s", Client.readingList), ("ts", String(before * 1000))]))
            keep("unread-count after", try await reader.get("unread-count?output=json"))
            keep("ot", try await reader.get("stream/items/ids?output=json&s=\(Client.encode(Client.readingList))&ot=\(before / 1000 + 1)"))
            keep("nt", try await reader.get("stream/items/ids?output=json&s=\(Client.encode(Client.readingList))&nt=\(before / 1000 + 1)"))
            return answers
        }
    }

    @Test func bothEnginesAnswerAnAppsSessionAlike() async throws {
        var sessions: [[Answer]] = []
        for engine in GReaderEngine.allCases {
            let server = try await GReaderEngineServer.make(engine, articles: 8)
            sessions.append(try await Self.session(server))
            await server.close()
        }
        let (sqlite, postgres) = (sessions[0], sessions[1])
        #expect(sqlite.count == postgres.count)
        for (left, right) in zip(sqlite, postgres) {
            #expect(left == right, "SQLite \(left)\nPostgreSQL \(right)")
        }
        // What the answers hold, so that two equally wrong engines do not pass.
        func answer(_ step: String) throws -> Answer { try #require(postgres.first { $0.step == step }) }
        #expect(try answer("edit-tag read").body == "OK")
        #expect(try answer("edit-tag no T").status == 401)
        #expect(try answer("unsubscribe unknown").status == 400)
        #expect(try answer("contents").body.components(separatedBy: "\"crawlTimeMsec\"").count == 4, "three of five ids found")
        #expect(try answer("subscription/list").body.contains("\"label\":\"News\""))
        #expect(try answer("tag/list after").body.contains("user/-/label/Soon") && !(try answer("tag/list after").body.contains("Later")))
        #expect(try answer("quickadd").body.contains("\"numResults\":1") && (try answer("quickadd bad").body.contains("\"numResults\":0")))
        #expect(try answer("unread-count after").body.contains("\"max\":3"), "only the three that came after ts are unread")
        #expect(try answer("ot").body.components(separatedBy: "\"id\"").count == 4)
        #expect(try answer("nt").body.components(separatedBy: "\"id\"").count == 9)
        #expect(try answer("atom").body.contains("<id>tag:google.com,2005:reader/item/"))
    }

    /// quickadd subscribes; the server's refresh fetches the feed; its item reaches the
    /// reading list, the feed's unread count and its title in subscription/list.
    @Test(arguments: GReaderEngine.allCases)
    func aQuickaddedFeedIsFetchedByTheRefreshAndReadThroughGReader(_ engine: GReaderEngine) async throws {
        let server = try await GReaderEngineServer.make(engine, articles: 0)
        let body = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title><link>https://harbour.example/</link>
            <item><title>Boats</title><guid>h-1</guid><link>https://harbour.example/1</link></item>
            </channel></rss>
            """
        let web = try RoutedServer(["/feed.xml": .body(Array(body.utf8), contentType: "application/rss+xml", etag: "\"h\"")])
        let feed = web.url("/feed.xml").absoluteString
        let feeds = try #require(server.repository as? any FeedRepository)
        try await server.app().test(.router) { client in
            var reader = Client(client)
            try await reader.login("ada", "ada-pass")
            try await reader.fetchToken()
            let added = try await reader.post("subscription/quickadd", [("quickadd", feed)])
            #expect(String(buffer: added.body).contains("\"numResults\":1"))
            #expect(try await reader.allIDs(Client.readingList, pageSize: 10).isEmpty, "not fetched yet")
            let report = try await FeedAggregator(repository: feeds, timeLimit: .seconds(10), allowPrivateNetworks: true).refresh()
            #expect(report.fetched == 1 && web.requests == 1, "\(report.line)")
            let ids = try await reader.allIDs(Client.readingList, pageSize: 10)
            #expect(ids.count == 1)
            #expect(try await reader.contents(ids).first?.origin.streamId == "feed/" + feed)
            #expect(try await reader.unreadCounts()["feed/" + feed] == 1)
            #expect(String(buffer: try await reader.get("subscription/list?output=json").body).contains("\"title\":\"Harbour\""))
        }
        await server.close()
    }

    @Test(arguments: GReaderEngine.allCases)
    func writesThroughGReaderReachTheNativeChangeFeedAndBack(_ engine: GReaderEngine) async throws {
        let server = try await GReaderEngineServer.make(engine, articles: 3)
        try await server.app().test(.router) { client in
            var reader = Client(client)
            try await reader.login("ada", "ada-pass")
            try await reader.fetchToken()
            let ids = try await reader.allIDs(Client.readingList, pageSize: 10)
            #expect(ids.count == 3)
            let auth = try #require(reader.auth)
            let user = try #require(try await server.repository.authenticateGReader(auth: auth))
            let start = try await server.repository.changes(for: user, since: 0, limit: 1000, maxBytes: 1 << 24)
            let cursor = Int64(start.nextCursor) ?? 0
            #expect(try await reader.post("edit-tag", [("i", ids[0]), ("a", Client.read), ("a", Client.starred), ("a", Client.label("Keep"))]).status == .ok)
            let page = try await server.repository.changes(for: user, since: cursor, limit: 100, maxBytes: 1 << 24)
            let states = page.changes.compactMap { change -> ArticleStateRecord? in
                if case .articleState(let state) = change.change { return state }
                return nil
            }
            #expect(states.count == 1 && states[0].read && states[0].starred && states[0].tags == ["Keep"])
            // A native push is seen through GReader.
            let stamp = HLC(wallMillis: server.wall.millis, counter: 5, node: "device-a")
            let article = states[0].articleID
            let push = PushRequest(clientID: "phone", mutations: [WireMutation(
                id: "m1", entity: .articleState, entityID: article, op: .set, baseRevision: nil,
                fields: ["read": .bool(false), "tags": .array([.string("Keep"), .string("Phone")])], hlc: stamp
            )])
            _ = try await server.repository.push(push, for: user)
            let item = try #require(try await reader.contents([ids[0]]).first)
            #expect(!item.categories.contains(Client.read) && item.categories.contains(Client.starred))
            #expect(item.categories.contains(Client.label("Phone")))
            #expect(try await reader.unreadCounts()[Client.label("Phone")] == 1)
        }
        await server.close()
    }

    @Test(arguments: GReaderEngine.allCases)
    func repeatedFailedLoginsCloseTheNameAndASuccessfulOneWorks(_ engine: GReaderEngine) async throws {
        let server = try await GReaderEngineServer.make(engine, articles: 0)
        try await server.app().test(.router) { client in
            var reader = Client(client)
            var statuses: [UInt16] = []
            for _ in 0..<7 { statuses.append(UInt16(try await reader.login("ada", "wrong").status.code)) }
            #expect(statuses.prefix(5).allSatisfy { $0 == 401 })
            #expect(statuses.last == 429)
            let closed = try await reader.login("ada", "ada-pass")
            #expect(closed.status == .tooManyRequests && closed.headers[.retryAfter] != nil)
            // Another name is not closed by ada's failures, and its session works.
            #expect(try await reader.login("bob", "bob-pass").status == .ok)
            #expect(try await reader.get("user-info?output=json").status == .ok)
            reader.auth = String(repeating: "0", count: 64)
            let bad = try await reader.get("user-info?output=json")
            #expect(bad.status == .unauthorized && bad.headers.first { $0.name.rawName == "Google-Bad-Token" }?.value == "true")
        }
        await server.close()
    }

    @Test(arguments: GReaderEngine.allCases)
    func aNewPasswordEndsTheOldSessions(_ engine: GReaderEngine) async throws {
        let server = try await GReaderEngineServer.make(engine, articles: 0)
        try await server.app().test(.router) { client in
            var reader = Client(client)
            try await reader.login("ada", "ada-pass")
            #expect(try await reader.get("user-info?output=json").status == .ok)
            try await server.repository.setAPIPassword("new-pass", forUser: "ada", cost: GReaderEngineServer.testCost)
            #expect(try await reader.get("user-info?output=json").status == .unauthorized)
            #expect(try await reader.login("ada", "ada-pass").status == .unauthorized)
            #expect(try await reader.login("ada", "new-pass").status == .ok)
            await #expect(throws: RepositoryError.self) {
                try await server.repository.setAPIPassword("x-pass", forUser: "nobody", cost: GReaderEngineServer.testCost)
            }
        }
        await server.close()
    }
}
