import Foundation
import Hummingbird
import HummingbirdTesting
import ReaderModels
@testable import ReaderServer
import Testing

/// reader-server's Google Reader API, driven the way apps drive it: log in, fetch `T`, list,
/// page ids, read contents, edit: over a real SQLite file, and the tests that take an engine
/// on a real PostgreSQL database too (`EngineServer`).
@Suite struct GReaderTests {
    static let feed = "https://test.example/feed.xml"

    /// The lowest scrypt cost the server reads (1 MiB, 1/32 of the standard one), so the
    /// many logins of these tests stay cheap on a shared machine. The standard cost is what
    /// `GReaderPasswordTests` and the live login below check.
    static let testCost = GReaderPassword.Cost(log2N: 10, blockSize: 8, parallelism: 1)

    /// A server with users ada and bob (API passwords `ada-pass`, `bob-pass`) and `count`
    /// articles imported for ada.
    static func server(articles count: Int = 5, standardCost: Bool = false) async throws -> TestServer {
        let server = try TestServer()
        for name in ["ada", "bob"] {
            _ = try await server.addUser(name)
            try await server.repository.setAPIPassword("\(name)-pass", forUser: name, cost: standardCost ? .standard : testCost)
        }
        if count > 0 { try await server.importArticles(count, for: ["ada"]) }
        return server
    }

    /// ``server(articles:standardCost:)`` on either engine, for the tests that run on both.
    static func server(_ engine: FeedEngine, articles count: Int = 5, standardCost: Bool = false) async throws -> EngineServer {
        let server = try await EngineServer(engine)
        let storage = try #require(server.repository as? any GReaderStorage)
        for name in ["ada", "bob"] {
            _ = try await server.addUser(name)
            try await storage.setAPIPassword("\(name)-pass", forUser: name, cost: standardCost ? .standard : testCost)
        }
        if count > 0 { try await server.importArticles(count, for: ["ada"]) }
        return server
    }

    @Test(arguments: FeedEngine.available)
    func logsInFetchesTAndListsOverARealSocket(_ engine: FeedEngine) async throws {
        let server = try await Self.server(engine, standardCost: true)
        try await server.app.test(.live) { client in
            var reader = GReaderTestClient(client)
            let login = try await reader.login("ada", "ada-pass")
            #expect(login.status == .ok)
            let lines = login.text.split(separator: "\n").map(String.init)
            #expect(lines.count == 3 && lines[0].hasPrefix("SID=") && lines[1].hasPrefix("LSID=") && lines[2].hasPrefix("Auth="))
            try await reader.fetchToken()
            #expect(reader.writeToken?.isEmpty == false)
            let info = try await reader.json([String: String].self, "user-info?output=json")
            #expect(info["userName"] == "ada")
            let unread = try await reader.unreadCounts()
            #expect(unread.unreadcounts.first { $0.id == GReaderTestClient.readingList }?.count == 5)
            let tags = try await reader.tags()
            #expect(tags.map(\.id) == [GReaderTestClient.starred])
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func pagesIDsWithContinuationOldestFirstAndOt(_ engine: FeedEngine) async throws {
        let server = try await Self.server(engine, articles: 7)
        server.clock.advance(days: 1)
        let later = server.clock.millis / 1000
        try await server.importArticles(3, start: 7, for: ["ada"])
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            let all = try await reader.allIDs(GReaderTestClient.readingList, pageSize: 3)
            #expect(all.count == 10 && Set(all).count == 10)
            #expect(all.map { Int64($0)! } == all.map { Int64($0)! }.sorted(by: >), "newest first")
            let oldestFirst = try await reader.allIDs(GReaderTestClient.readingList, "&r=o", pageSize: 4)
            #expect(oldestFirst == all.reversed())
            let recent = try await reader.allIDs(GReaderTestClient.readingList, "&ot=\(later)", pageSize: 2)
            #expect(recent.count == 3)
            #expect(Set(recent).isSubset(of: Set(all.prefix(3))))
            let older = try await reader.allIDs(GReaderTestClient.readingList, "&nt=\(later)", pageSize: 5)
            #expect(older == Array(all.dropFirst(3)), "nt keeps what came before it")
            let first = try await reader.idPage(GReaderTestClient.readingList)
            #expect(first.itemRefs.count == 10 && first.continuation == nil, "n defaults to 20")
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func readsContentsInEveryIDFormAndSkipsUnknownIDs(_ engine: FeedEngine) async throws {
        let server = try await Self.server(engine, articles: 3)
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            let ids = try await reader.allIDs(GReaderTestClient.readingList, pageSize: 10)
            let long = GReaderTestClient.longID(ids[1])
            let bare = String(long.suffix(16))
            let items = try await reader.contents([ids[0], long, bare, "999999", "tag:google.com,2005:reader/item/zz", "x"])
            #expect(items.map(\.id) == [GReaderTestClient.longID(ids[0]), long], "the same item asked twice comes once")
            let item = try #require(items.first)
            #expect(item.title.hasPrefix("Article "))
            #expect(item.body.contains("Body of article"))
            #expect(item.origin.streamId == "feed/" + Self.feed)
            #expect(item.categories.contains(GReaderTestClient.readingList) && !item.isRead && !item.isStarred)
            #expect(Int64(item.crawlTimeMsec) == server.clock.millis)
            #expect(item.alternate?.first?.href.hasPrefix("https://test.example/") == true)
            let viaGet = try await reader.json(
                GReaderTestClient.Stream.self, "stream/items/contents?output=json&i=\(ids[2])&i=\(GReaderTestClient.escape(long))"
            )
            #expect(viaGet.items.count == 2)
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func editsTagsAndMarksAllAsRead(_ engine: FeedEngine) async throws {
        let server = try await Self.server(engine, articles: 4)
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            let ids = try await reader.allIDs(GReaderTestClient.readingList, pageSize: 10)
            let edit = try await reader.write("edit-tag", [
                ("i", ids[0]), ("i", GReaderTestClient.longID(ids[1])), ("a", GReaderTestClient.read), ("a", GReaderTestClient.starred),
                ("a", GReaderTestClient.label("Later")),
            ])
            #expect(edit.status == .ok && edit.text == "OK")
            let starred = try await reader.allIDs(GReaderTestClient.starred, pageSize: 10)
            #expect(Set(starred) == Set(ids.prefix(2)))
            let labelled = try await reader.allIDs(GReaderTestClient.label("Later"), pageSize: 10)
            #expect(Set(labelled) == Set(ids.prefix(2)))
            let unread = try await reader.allIDs(GReaderTestClient.readingList, "&xt=\(GReaderTestClient.escape(GReaderTestClient.read))", pageSize: 10)
            #expect(Set(unread) == Set(ids.dropFirst(2)))
            let starredOnly = try await reader.allIDs(GReaderTestClient.readingList, "&it=\(GReaderTestClient.escape(GReaderTestClient.starred))", pageSize: 10)
            #expect(Set(starredOnly) == Set(ids.prefix(2)))
            let items = try await reader.contents([ids[0]])
            #expect(items.first?.isRead == true && items.first?.isStarred == true && items.first?.labels == ["Later"])
            #expect(try await reader.tags().contains { $0.id == GReaderTestClient.label("Later") && $0.type == "tag" && $0.unread_count == 0 })

            _ = try await reader.write("edit-tag", [("i", ids[0]), ("r", GReaderTestClient.read), ("r", GReaderTestClient.label("Later"))])
            #expect(try await reader.contents([ids[0]]).first.map { !$0.isRead && $0.labels.isEmpty && $0.isStarred } == true)

            let mark = try await reader.write("mark-all-as-read", [
                ("s", GReaderTestClient.readingList), ("ts", String(server.clock.millis * 1000)),
            ])
            #expect(mark.status == .ok && mark.text == "OK")
            #expect(try await reader.unreadCounts().unreadcounts.isEmpty)
            let read = try await reader.allIDs(GReaderTestClient.read, pageSize: 10)
            #expect(read.count == 4)
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func markAllAsReadStopsAtTsInSecondsOrMicroseconds(_ engine: FeedEngine) async throws {
        let server = try await Self.server(engine, articles: 2)
        let cut = server.clock.millis
        server.clock.advance(days: 1)
        try await server.importArticles(2, start: 2, for: ["ada"])
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            _ = try await reader.write("mark-all-as-read", [("s", "feed/" + Self.feed), ("ts", String(cut / 1000))])
            #expect(try await reader.unreadCounts().unreadcounts.first { $0.id == GReaderTestClient.readingList }?.count == 2)
            _ = try await reader.write("mark-all-as-read", [("s", GReaderTestClient.readingList), ("ts", String(server.clock.millis * 1000))])
            #expect(try await reader.unreadCounts().max == 0)
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func subscribesRenamesLabelsAndUnsubscribes(_ engine: FeedEngine) async throws {
        let server = try await Self.server(engine, articles: 0)
        try await server.importArticles(3, for: ["bob"])
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            #expect(try await reader.allIDs(GReaderTestClient.readingList, pageSize: 10).isEmpty)

            let added = try await reader.write("subscription/quickadd", [("quickadd", Self.feed)])
            let answer = try JSONDecoder().decode(GReaderTestClient.QuickAdd.self, from: added.data)
            #expect(answer.numResults == 1 && answer.streamId == "feed/" + Self.feed)
            #expect(try await reader.allIDs(GReaderTestClient.readingList, pageSize: 10).count == 3, "the feed's articles came with it")

            let other = "https://other.example/rss"
            let subscribe = try await reader.write("subscription/edit", [
                ("ac", "subscribe"), ("s", "feed/" + other), ("t", "Other"), ("a", GReaderTestClient.label("News")),
            ])
            #expect(subscribe.text == "OK")
            let rename = try await reader.write("subscription/edit", [
                ("ac", "edit"), ("s", "feed/" + Self.feed), ("t", "Renamed"), ("a", GReaderTestClient.label("Tech")),
            ])
            #expect(rename.text == "OK")
            var subscriptions = try await reader.subscriptions()
            #expect(subscriptions.map(\.id) == ["feed/" + other, "feed/" + Self.feed])
            #expect(subscriptions.map(\.title) == ["Other", "Renamed"])
            #expect(subscriptions.map { $0.categories.map(\.label) } == [["News"], ["Tech"]])
            let folders = try await reader.tags().filter { $0.type == "folder" }.map(\.id)
            #expect(folders == [GReaderTestClient.label("News"), GReaderTestClient.label("Tech")])
            #expect(try await reader.allIDs(GReaderTestClient.label("Tech"), pageSize: 10).count == 3, "a folder's stream holds its feeds' items")

            _ = try await reader.write("subscription/edit", [("ac", "edit"), ("s", "feed/" + Self.feed), ("r", GReaderTestClient.label("Tech"))])
            _ = try await reader.write("subscription/edit", [("ac", "unsubscribe"), ("s", "feed/" + other)])
            subscriptions = try await reader.subscriptions()
            #expect(subscriptions.count == 1 && subscriptions[0].categories.isEmpty && subscriptions[0].title == "Renamed")

            let unknown = try await reader.write("subscription/edit", [("ac", "unsubscribe"), ("s", "feed/" + other)])
            #expect(unknown.status == .badRequest)
            let bad = try await reader.write("subscription/quickadd", [("quickadd", "not a url")])
            #expect(bad.status == .ok)
            let refused = try JSONDecoder().decode(GReaderTestClient.QuickAdd.self, from: bad.data)
            #expect(refused.numResults == 0 && refused.error != nil)
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func atomFormCarriesLongIDsThatEditTagTakes(_ engine: FeedEngine) async throws {
        let server = try await Self.server(engine, articles: 3)
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            let path = "/reader/atom/" + GReaderTestClient.escape("feed/" + Self.feed) + "?n=2"
            let atom = try await reader.request(.get, path)
            #expect(atom.status == .ok)
            let ids = Self.elements("id", in: atom.text).filter { $0.hasPrefix("tag:google.com,2005:reader/item/") }
            #expect(ids.count == 2)
            #expect(atom.text.contains("<gr:continuation>"))
            let edit = try await reader.write("edit-tag", ids.map { ("i", $0) } + [("a", GReaderTestClient.starred)])
            #expect(edit.text == "OK")
            let starred = try await reader.allIDs(GReaderTestClient.starred, pageSize: 10).map(GReaderTestClient.longID)
            #expect(Set(starred) == Set(ids))
            let readingList = try await reader.request(.get, "/reader/atom/user/-/state/com.google/reading-list")
            #expect(Self.elements("id", in: readingList.text).filter { $0.contains("/item/") }.count == 3)
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func streamContentsPagesAFeedAndALabel(_ engine: FeedEngine) async throws {
        let server = try await Self.server(engine, articles: 5)
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            let path = "stream/contents/" + GReaderTestClient.escape("feed/" + Self.feed) + "?output=json&n=3"
            let first = try await reader.json(GReaderTestClient.Stream.self, path)
            #expect(first.items.count == 3)
            let continuation = try #require(first.continuation)
            let second = try await reader.json(GReaderTestClient.Stream.self, path + "&c=\(continuation)")
            #expect(second.items.count == 2 && second.continuation == nil)
            #expect(Set((first.items + second.items).map(\.id)).count == 5)
            let raw = try await reader.json(GReaderTestClient.Stream.self, "stream/contents/user/-/state/com.google/reading-list?n=1")
            #expect(raw.items.count == 1)
        }
        await server.close()
    }

    /// The text of every `<name>` element, for the Atom checks.
    static func elements(_ name: String, in xml: String) -> [String] {
        xml.components(separatedBy: "<\(name)>").dropFirst().compactMap { $0.components(separatedBy: "</\(name)>").first }
    }
}

extension EngineServer {
    /// The repository as the Google Reader API's storage; every engine's conforms.
    func greader() throws -> any GReaderStorage {
        try #require(repository as? any GReaderStorage)
    }

    /// Sets `name`'s API password at `cost` on this engine.
    func setAPIPassword(_ password: String, forUser name: String, cost: GReaderPassword.Cost) async throws {
        try await greader().setAPIPassword(password, forUser: name, cost: cost)
    }
}
