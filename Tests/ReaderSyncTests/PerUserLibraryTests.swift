import Foundation
import GRDB
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import ReaderModels
import ReaderStore
import Testing

/// Each user's own library on a real `reader-server` (issue 12.1): a user's devices get the
/// feeds that user follows, and nothing of anyone else's, through every endpoint; content
/// many users follow is fetched and stored once; unsubscribing sends tombstones but keeps
/// what the user starred, tagged or annotated; resubscribing brings the feed back, pages
/// resumable after a kill.
@Suite struct PerUserLibraryTests {
    /// An RSS document of `count` items whose guids, titles and text carry `name`.
    static func rss(_ name: String, count: Int, words: String = "") -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>"#
        xml += "<title>\(name) feed</title><link>https://\(name).example/</link>"
        for index in 0..<count {
            xml += """
                <item><guid isPermaLink="false">\(name)-\(index)</guid><title>\(name) item \(index)</title>
                <link>https://\(name).example/\(index)</link><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate>
                <description>Entry \(index) of the \(name) feed. \(words)</description></item>
                """
        }
        return Array((xml + "</channel></rss>").utf8)
    }

    static let binary = TestServer.binary("reader-server")

    /// Fetches every subscribed feed now, as the server's own refresh would.
    static func refresh(_ server: TestServer) async throws {
        try await TestServer.run(binary, ["feeds", "refresh", "--force"] + server.databaseArguments + ["--allow-private-networks"])
    }

    /// The bodies of every page of `GET /v1/changes` from the start, for `token`.
    static func rawPages(_ server: TestServer, token: String) async throws -> [String] {
        let client = try CurlHTTPClient()
        var cursor = "0"
        var pages: [String] = []
        while true {
            let response = try await client.send(HTTPRequest(
                url: URL(string: "\(server.url.absoluteString)/v1/changes?since=\(cursor)&limit=3")!,
                headers: ["Authorization": "Bearer \(token)"]
            ))
            #expect(response.status == 200)
            let text = String(decoding: response.body, as: UTF8.self)
            pages.append(text)
            let page = try JSONDecoder().decode(ChangePage.self, from: Data(response.body))
            if !page.hasMore { return pages }
            cursor = page.nextCursor
        }
    }

    @Test func usersSeeOnlyTheirFeedsAndAPrivateFeedReachesNoOneElse() async throws {
        let feeds = try RoutedServer([
            "/shared.xml": .body(Self.rss("harbour", count: 3), contentType: "application/rss+xml"),
            "/private.xml": .body(Self.rss("vault", count: 2, words: "combination 7-2-9"), contentType: "application/rss+xml"),
            "/bob.xml": .body(Self.rss("orchard", count: 2), contentType: "application/rss+xml"),
        ])
        let shared = feeds.url("/shared.xml").absoluteString
        let secret = feeds.url("/private.xml").absoluteString + "?key=s3cret-token"
        let server = try await TestServer(imports: [], extraArguments: ["--refresh-interval", "0"])
        let ada = try await server.addUser("ada")
        let bob = try await server.addUser("bob")
        let adaPhone = try Device("ada-phone", server: server, token: ada)
        let bobPhone = try Device("bob-phone", server: server, token: bob)
        try adaPhone.store.subscribeFeed(url: shared)
        try adaPhone.store.subscribeFeed(url: secret)
        try bobPhone.store.subscribeFeed(url: shared)
        try bobPhone.store.subscribeFeed(url: feeds.url("/bob.xml").absoluteString)
        try await adaPhone.sync()
        try await bobPhone.sync()
        try await Self.refresh(server)
        try await adaPhone.sync()
        try await bobPhone.sync()

        func ids(_ name: String, _ count: Int) -> Set<String> {
            Set((0..<count).map { Fingerprint.articleID(sourceKey: name, guid: "\(Self.guidName(name))-\($0)") })
        }
        let harbour = ids(shared, 3), vault = ids(secret, 2), orchard = ids(feeds.url("/bob.xml").absoluteString, 2)
        #expect(try adaPhone.articleIDs() == harbour.union(vault))
        #expect(try bobPhone.articleIDs() == harbour.union(orchard))
        #expect(try bobPhone.store.search("combination").isEmpty)
        #expect(try bobPhone.store.sources().map(\.title).sorted() == ["harbour feed", "orchard feed"])

        // Every endpoint, raw: bob's change feed names nothing of the private feed.
        for page in try await Self.rawPages(server, token: bob) {
            for needle in vault.map({ $0 }) + ["s3cret", "vault", "combination", Fingerprint.sourceID(key: secret)] {
                #expect(!page.contains(needle), "bob's change feed shows \(needle)")
            }
        }
        let me = try await CurlHTTPClient().send(HTTPRequest(
            url: server.url.appending(path: "v1/me"), headers: ["Authorization": "Bearer \(bob)"]
        ))
        #expect(!String(decoding: me.body, as: UTF8.self).contains("s3cret"))
        // A state or a note pushed on the private article is refused as unknown, as any id
        // bob never held would be, so he cannot probe for it either.
        let target = try #require(vault.first)
        let stamp = HLC(wallMillis: Timestamp.millis(Date()), counter: 0, node: "probe")
        let probe = PushRequest(clientID: "probe", mutations: [
            WireMutation(id: "m1", entity: .articleState, entityID: target, op: .set, baseRevision: nil,
                         fields: ["starred": .bool(true)], hlc: stamp),
            WireMutation(id: "m2", entity: .note, entityID: "probe-note", op: .create, baseRevision: nil,
                         fields: ["article_id": .string(target), "body": .string("mine now")], hlc: stamp),
        ])
        let answer = try await CurlHTTPClient().send(HTTPRequest(
            url: server.url.appending(path: "v1/mutations"), method: .post,
            headers: ["Authorization": "Bearer \(bob)", "Content-Type": "application/json"],
            body: .bytes(Array(try JSONEncoder().encode(probe)))
        ))
        let results = try JSONDecoder().decode(PushResponse.self, from: Data(answer.body)).results
        #expect(results.map(\.error?.code) == [.unknownArticle, .unknownArticle], "\(results)")
        try await bobPhone.sync()
        #expect(try bobPhone.articleIDs() == harbour.union(orchard))

        // The feed both follow was fetched once and is stored once.
        let stored = try await server.stored("SELECT count(*) FROM articles WHERE source_id = '\(Fingerprint.sourceID(key: shared))'")
        #expect(stored == ["3"])
        #expect(feeds.events.filter { $0 == .answered("/shared.xml") }.count == 1, "\(feeds.events)")
        #expect(feeds.requests == 3, "three feeds, each fetched once by the refresh")

        // A user subscribed by the operator gets the feed's stored articles at once, though
        // the fetch that subscribes them finds nothing new.
        let cyd = try await server.addUser("cyd")
        try await TestServer.run(Self.binary, ["feeds", "add", "cyd", shared] + server.databaseArguments + ["--allow-private-networks"])
        let cydPhone = try Device("cyd-phone", server: server, token: cyd)
        try await cydPhone.sync()
        #expect(try cydPhone.articleIDs() == harbour)

        // A fresh device of each user ends with the same library as the old one.
        let adaLaptop = try Device("ada-laptop", server: server, token: ada)
        try await adaLaptop.sync()
        #expect(try adaLaptop.articleIDs() == adaPhone.articleIDs())
        #expect(try adaLaptop.export() == adaPhone.export())
    }

    /// The guid prefix `rss(_:count:)` wrote for the feed at `url`.
    static func guidName(_ url: String) -> String {
        if url.contains("shared") { return "harbour" }
        if url.contains("private") { return "vault" }
        if url.contains("bob") { return "orchard" }
        return "big"
    }

    @Test func unsubscribeKeepsWhatWasKeptAndResubscribeSurvivesAKill() async throws {
        let total = 400
        let feeds = try RoutedServer(["/big.xml": .body(Self.rss("big", count: total), contentType: "application/rss+xml")])
        let url = feeds.url("/big.xml").absoluteString
        let server = try await TestServer(imports: [], extraArguments: ["--refresh-interval", "0"])
        let ada = try await server.addUser("ada")
        let bob = try await server.addUser("bob")
        let phone = try Device("ada-phone", server: server, token: ada)
        let bobPhone = try Device("bob-phone", server: server, token: bob)
        try phone.store.subscribeFeed(url: url)
        try bobPhone.store.subscribeFeed(url: url)
        try await phone.sync()
        try await bobPhone.sync()
        try await Self.refresh(server)
        try await phone.sync()
        try await bobPhone.sync()
        let all = Set((0..<total).map { Fingerprint.articleID(sourceKey: url, guid: "big-\($0)") })
        #expect(try phone.articleIDs() == all)

        // Kept: a star, a tag, a note. Read only is not kept.
        let id = { (index: Int) in Fingerprint.articleID(sourceKey: url, guid: "big-\(index)") }
        try phone.store.markStarred([id(7)])
        _ = try phone.store.apply(.setTags(articleID: id(8), tags: ["later"]))
        _ = try phone.store.addNote(articleID: id(9), body: "check the second paragraph")
        try phone.store.markRead([id(10)])
        try await phone.sync()

        try phone.store.unsubscribeFeed(url: url)
        try await phone.sync()
        let kept: Set = [id(7), id(8), id(9)]
        #expect(try phone.articleIDs() == kept, "only the starred, tagged and annotated articles stay")
        #expect(try phone.store.status().pendingMutations == 0)
        try await bobPhone.sync()
        #expect(try bobPhone.articleIDs() == all, "another user's unsubscribe takes nothing from bob")
        let fresh = try Device("ada-tablet", server: server, token: ada)
        try await fresh.sync()
        #expect(try fresh.articleIDs() == kept)
        #expect(try fresh.export() == phone.export())

        // A second device, a `reader` process, resubscribes' pull is killed half way.
        let laptop = server.folder.appendingPathComponent("ada-laptop.sqlite").path
        let sync = ["sync", "--db", laptop, "--server", server.url.absoluteString, "--token", ada, "--page-size", "5"]
        try await TestServer.run(TestServer.binary("reader"), sync)
        try phone.store.subscribeFeed(url: url)
        try await phone.sync()
        #expect(try phone.articleIDs() == all)
        let killedAt = try await onOwnThread { try Self.killWhenPartlyPulled(sync, database: laptop, from: kept.count, to: total) }
        #expect(killedAt != nil, "the pull finished before it could be killed")
        try await TestServer.run(TestServer.binary("reader"), sync)
        let resumed = try Self.articleIDs(laptop)
        #expect(resumed == all)
        let reread = try DatabaseQueue(path: laptop).read { db in
            try Row.fetchOne(db, sql: "SELECT read, starred FROM article_states WHERE article_id = ?", arguments: [id(10)])
        }
        #expect(reread?[0] == true, "the read state came back with its article")
        #expect(reread?[1] == false)
        #expect(try phone.store.article(id: id(7)).state.starred)
        try await fresh.sync()
        #expect(try fresh.articleIDs() == all)
        #expect(try fresh.export() == phone.export())
    }

    static func articleIDs(_ path: String) throws -> Set<String> {
        Set(try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT id FROM articles") })
    }

    /// Runs `reader ARGS` and SIGKILLs it as soon as its database holds more than `from`
    /// articles and fewer than `to`; returns the count it was killed at, or nil if it
    /// finished first.
    static func killWhenPartlyPulled(_ arguments: [String], database: String, from: Int, to: Int) throws -> Int? {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: database, configuration: configuration)
        let process = try ChildProcess(TestServer.binary("reader"), arguments)
        defer { process.wait() }
        while process.isRunning {
            let count = (try? queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM articles") }) ?? 0
            if count > from, count < to {
                process.signal(SIGKILL)
                return count
            }
            usleep(1000)
        }
        return nil
    }
}
