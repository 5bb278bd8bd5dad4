import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import ReaderModels
import ReaderStore
import ReaderSync
import Testing

/// The GReader backend against recorded answers in the shapes FreshRSS and Miniflux give,
/// served from loopback by ``GReaderFakeService``: no network.
@Suite struct GReaderSyncTests {
    static let firstCrawl: Int64 = 1_764_500_000
    static let fast = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5), maxDelay: .milliseconds(10))

    struct Client {
        let store: ReaderStore
        let engine: SyncEngine
        let folder: URL
    }

    /// A device logged in to `service` with ClientLogin, pulling pages of `pageSize`.
    static func client(_ service: GReaderFakeService, pageSize: Int = 10) async throws -> Client {
        let folder = try TestFolder.make("greader")
        let store = try ReaderStore(path: folder.appendingPathComponent("device.sqlite").path)
        let http = try CurlHTTPClient()
        let auth = try await GReaderSyncBackend.login(serverURL: service.baseURL, user: "alice", password: "correct horse", client: http)
        let backend = GReaderSyncBackend(
            store: store, client: http, configuration: SyncConfiguration(serverURL: service.baseURL, token: auth, retry: fast)
        )
        return Client(store: store, engine: SyncEngine(store: store, backend: backend, pageSize: pageSize), folder: folder)
    }

    /// Two feeds (the first in the folder "News") and `count` items, newest last, ids as
    /// FreshRSS makes them (crawl time in microseconds).
    static func seed(_ service: GReaderFakeService, count: Int = 20, firstCrawl: Int64 = GReaderSyncTests.firstCrawl) {
        service.core.update { state in
            state.feeds = [
                .init(id: 1, url: "https://news.example/feed.xml", title: "News Daily", folder: "News"),
                .init(id: 2, url: "https://blog.example/atom", title: "A Blog", folder: nil),
            ]
            state.items = (0..<count).map { index in
                let crawl = firstCrawl + Int64(index) * 60
                return .init(id: UInt64(crawl) * 1_000_000 + UInt64(index), feed: 1 + index % 2, crawlSeconds: crawl,
                             title: "Item \(index)", body: "<p>Body of item \(index) word\(index)</p><script>x()</script>")
            }
        }
    }

    static func articleID(_ service: GReaderFakeService, _ index: Int) -> String {
        let id = service.core.state.withLock { $0.items[index].id }
        return String(Fingerprint.sha256Hex(["greader-item", GReaderFakeCore.long(id)]).prefix(16))
    }

    @Test func firstSyncBringsFreshRSSFeedsItemsAndStateIntoTheStoreAndIndex() async throws {
        let service = try GReaderFakeService(.freshRSS)
        Self.seed(service)
        service.core.update { state in
            state.items[3].read = true
            state.items[5].starred = true
            state.items[7].labels = ["later"]
        }
        let client = try await Self.client(service)
        defer { try? FileManager.default.removeItem(at: client.folder) }
        let report = try await client.engine.sync()

        #expect(try client.store.status().articles == 20)
        #expect(report.pages == 5) // subscriptions, two full pages, the empty one after, reconciliation
        let seven = try client.store.article(id: Self.articleID(service, 7))
        #expect(seven.state.tags == ["later"]) // the feed's folder is not a tag of the article
        #expect(seven.guid == GReaderFakeCore.long(service.core.state.withLock { $0.items[7].id }))
        #expect(seven.sourceID == Fingerprint.sourceID(key: "https://blog.example/atom"))
        #expect(!seven.html.contains("script"))
        #expect(try client.store.article(id: Self.articleID(service, 3)).state.read)
        #expect(try client.store.article(id: Self.articleID(service, 5)).state.starred)
        #expect(try client.store.search("word12").map(\.articleID) == [Self.articleID(service, 12)])
        let feeds = try client.store.feedSubscriptions()
        #expect(Set(feeds.map(\.url)) == ["https://news.example/feed.xml", "https://blog.example/atom"])
        #expect(feeds.first { $0.url.hasPrefix("https://news") }?.tags == ["News"])
        let ids = service.core.requests.map(\.line).filter { $0.contains("stream/items/ids") && $0.contains("reading-list") && !$0.contains("xt=") }
        #expect(ids.count == 3 && ids.allSatisfy { !$0.contains("ot=") } && ids.last?.contains("c=20") == true)
    }

    @Test func laterSyncsAskFromTheNewestCrawlTimeInSecondsAndConvergeOlderItemsOnMiniflux() async throws {
        let service = try GReaderFakeService(.miniflux)
        Self.seed(service, count: 6)
        let client = try await Self.client(service)
        defer { try? FileManager.default.removeItem(at: client.folder) }
        try await client.engine.sync()
        service.core.update { state in
            state.items[0].read = true
            state.items[1].starred = true
            state.items[2].labels = ["x"]
            for index in 6..<9 {
                let crawl = Self.firstCrawl + 3600 + Int64(index)
                state.items.append(.init(id: UInt64(crawl) * 1_000_000, feed: 2, crawlSeconds: crawl, title: "New \(index)", body: "fresh"))
            }
        }
        try await client.engine.sync()

        #expect(try client.store.status().articles == 9)
        #expect(try client.store.article(id: Self.articleID(service, 0)).state.read)
        #expect(try client.store.article(id: Self.articleID(service, 1)).state.starred)
        #expect(try client.store.article(id: Self.articleID(service, 2)).state.tags == ["x"]) // a label put on an older item
        #expect(try client.store.article(id: Self.articleID(service, 7)).text == "fresh") // Miniflux's content.content
        let newest = Self.firstCrawl + 5 * 60
        let asked = service.core.requests.map(\.line).last { $0.contains("reading-list") && !$0.contains("xt=") }
        #expect(asked?.contains("ot=\(newest - 120)") == true)
        // A sync that finds nothing new asks from the newest item it knows, less the same margin.
        try await client.engine.sync()
        let again = service.core.requests.map(\.line).last { $0.contains("reading-list") && !$0.contains("xt=") }
        #expect(again?.contains("ot=\(Self.firstCrawl + 3600 + 8 - 120)") == true)
        try await client.engine.sync()
        #expect(service.core.requests.map(\.line).last { $0.contains("reading-list") && !$0.contains("xt=") } == again)
    }

    @Test func readStarAndTagEditsGoOutAsEditTagAfterOneFreshTokenWhileNotesAndProgressStay() async throws {
        let service = try GReaderFakeService(.freshRSS)
        Self.seed(service, count: 6)
        let client = try await Self.client(service)
        defer { try? FileManager.default.removeItem(at: client.folder) }
        try await client.engine.sync()
        let ids = (0..<6).map { Self.articleID(service, $0) }
        try client.store.markRead([ids[5]])
        try await client.engine.sync() // the device now holds a T
        try client.store.markRead([ids[0]])
        try client.store.markStarred([ids[1]])
        _ = try client.store.apply(.setTags(articleID: ids[2], tags: ["keep", "later"]))
        let note = try client.store.addNote(articleID: ids[3], body: "my own thought")
        _ = try client.store.apply(.setProgress(articleID: ids[4], progress: 0.5))
        service.core.update { $0.token = "T2" } // the T the device fetched went stale
        try await client.engine.sync()

        let items = service.core.state.withLock { $0.items }
        #expect(items[0].read && items[1].starred && items[2].labels == ["keep", "later"])
        #expect(service.core.state.withLock { $0.tokenFetches } == 2)
        #expect(try client.store.pendingCount() == 0 && client.store.rejectedMutations().isEmpty)
        #expect(try client.store.note(id: note.id).body == "my own thought")
        #expect(try client.store.article(id: ids[4]).state.progress == 0.5)
        #expect(try client.store.article(id: ids[2]).state.tags == ["keep", "later"])

        _ = try client.store.apply(.removeTags(articleID: ids[2], tags: ["later"]))
        try await client.engine.sync()
        #expect(service.core.state.withLock { $0.items[2].labels } == ["keep"])
        #expect(try client.store.article(id: ids[4]).state.progress == 0.5)
        #expect(try client.store.notes().map(\.id) == [note.id])
    }

    @Test func aRefusedWriteKeepsTheEditQueuedAndAStaleTokenTwiceIsUnauthorized() async throws {
        let service = try GReaderFakeService(.freshRSS)
        Self.seed(service, count: 3)
        let client = try await Self.client(service)
        defer { try? FileManager.default.removeItem(at: client.folder) }
        try await client.engine.sync()
        let cursor = try client.store.syncSettings().cursor
        try client.store.markRead([Self.articleID(service, 0)])
        service.core.update { $0.acceptWrites = false }
        await #expect(throws: SyncError.self) { try await client.engine.sync() }
        do { try await client.engine.sync() } catch {
            guard case .unauthorized = error else { Issue.record("expected unauthorized, got \(error)"); return }
        }
        // The first T, a fresh one when it was refused, and one more in the second sync.
        #expect(service.core.state.withLock { $0.tokenFetches } == 3)
        #expect(try client.store.pendingCount() == 1 && client.store.syncSettings().cursor == cursor)

        service.core.update { $0.acceptWrites = true }
        try await client.engine.sync()
        #expect(try client.store.pendingCount() == 0 && service.core.state.withLock { $0.items[0].read })
        #expect(try client.store.article(id: Self.articleID(service, 0)).state.read)
    }

    @Test func subscriptionsGoBothWaysAndAFailedQuickaddIsRejectedWithItsReason() async throws {
        let service = try GReaderFakeService(.freshRSS)
        Self.seed(service, count: 2)
        let client = try await Self.client(service)
        defer { try? FileManager.default.removeItem(at: client.folder) }
        try await client.engine.sync()
        try client.store.subscribeFeed(url: "https://new.example/feed.xml", tags: ["Tech"])
        try client.store.subscribeFeed(url: "https://broken.example/feed.xml")
        try client.store.unsubscribeFeed(url: "https://blog.example/atom")
        try await client.engine.sync()

        let feeds = service.core.state.withLock { $0.feeds }
        #expect(feeds.map(\.url) == ["https://news.example/feed.xml", "https://new.example/feed.xml"])
        #expect(feeds.last?.folder == "Tech")
        #expect(service.core.requests.contains { $0.line.contains("subscription/edit") && $0.form.contains { $0 == ("s", "feed/2") } })
        let rejected = try client.store.rejectedMutations()
        #expect(rejected.count == 1 && rejected.first?.message.contains("Feed not found") == true)
        #expect(Set(try client.store.feedSubscriptions().map(\.url)) == ["https://news.example/feed.xml", "https://new.example/feed.xml"])
    }

    @Test func brokenOrHostileAnswersAreOneLineErrorsAndMoveNothing() async throws {
        let service = try GReaderFakeService(.freshRSS)
        Self.seed(service, count: 3)
        let client = try await Self.client(service, pageSize: 2)
        defer { try? FileManager.default.removeItem(at: client.folder) }
        let tooMany = #"{"itemRefs":[{"id":"1"},{"id":"2"},{"id":"3"}],"continuation":"x"}"#
        let cases: [(String, String, String)] = [
            ("/reader/api/0/subscription/list", #"{"subscriptions":"#, "cannot be read"),
            ("/reader/api/0/stream/items/ids", tooMany, "3 item ids where at most 2"),
            ("/reader/api/0/stream/items/ids", #"{"itemRefs":[{"id":"not an id"}]}"#, "not one"),
            ("/reader/api/0/stream/items/contents", "<html>oops</html>", "cannot be read"),
        ]
        for (path, body, expected) in cases {
            service.core.update { $0.override[path] = (200, body) }
            do {
                try await client.engine.sync()
                Issue.record("a sync over \(path) answering \(body) succeeded")
            } catch {
                guard case .protocolViolation = error else { Issue.record("\(error)"); continue }
                #expect(error.description.contains(expected) && !error.description.contains("\n"), "\(error)")
            }
            #expect(try client.store.status().articles == 0)
        }
        await #expect(throws: SyncError.unauthorized("the service refused this user name and password")) {
            _ = try await GReaderSyncBackend.login(serverURL: service.baseURL, user: "alice", password: "wrong", client: try CurlHTTPClient())
        }
        try await client.engine.sync()
        #expect(try client.store.status().articles == 3)
    }

    /// Makes a local edit when the pull reaches the reconciliation: an edit the person
    /// makes while a sync runs.
    final class EditDuringReconcile: SyncBackend {
        let inner: any SyncBackend
        let edit: @Sendable () throws -> Void
        init(_ inner: any SyncBackend, edit: @escaping @Sendable () throws -> Void) {
            self.inner = inner
            self.edit = edit
        }

        func whoAmI() async throws(SyncError) -> WhoAmI { try await inner.whoAmI() }
        func push(_ request: PushRequest) async throws(SyncError) -> PushResponse { try await inner.push(request) }
        func pull(after cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
            if cursor?.hasPrefix("gr1.r.") == true {
                do { try edit() } catch { throw .protocolViolation("the test's edit failed: \(error)") }
            }
            return try await inner.pull(after: cursor, limit: limit)
        }
    }

    @Test func aFieldEditedDuringTheSyncKeepsTheEditAndTheServiceTakesItNextTime() async throws {
        let service = try GReaderFakeService(.freshRSS)
        Self.seed(service, count: 4)
        let client = try await Self.client(service)
        defer { try? FileManager.default.removeItem(at: client.folder) }
        try await client.engine.sync()
        let (zero, one) = (Self.articleID(service, 0), Self.articleID(service, 1))
        // Read elsewhere meanwhile; here item 0 is marked unread again during the sync.
        service.core.update { state in
            state.items[0].read = true
            state.items[1].read = true
        }
        let store = client.store
        let auth = try await GReaderSyncBackend.login(serverURL: service.baseURL, user: "alice", password: "correct horse", client: try CurlHTTPClient())
        let backend = EditDuringReconcile(
            GReaderSyncBackend(store: store, client: try CurlHTTPClient(), configuration: SyncConfiguration(serverURL: service.baseURL, token: auth, retry: Self.fast))
        ) { try store.markRead([zero], false) }
        try await SyncEngine(store: store, backend: backend).sync()
        #expect(try !store.article(id: zero).state.read) // the pending edit kept its field
        #expect(try store.article(id: one).state.read) // the service's state won elsewhere
        #expect(try store.pendingCount() == 1)

        try await client.engine.sync()
        #expect(try !store.article(id: zero).state.read && !service.core.state.withLock { $0.items[0].read })
        #expect(try store.pendingCount() == 0)
    }

    @Test func aPresetsHeadersGoOnEveryRequestFromLoginOn() async throws {
        let service = try GReaderFakeService(.miniflux)
        Self.seed(service, count: 3)
        let http = try CurlHTTPClient()
        let headers = GReaderService.appHeaders(appID: "1000001234", appKey: "key")
        let auth = try await GReaderSyncBackend.login(serverURL: service.baseURL, user: "alice", password: "correct horse", extraHeaders: headers, client: http)
        let folder = try TestFolder.make("greader-headers")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try ReaderStore(path: folder.appendingPathComponent("device.sqlite").path)
        let backend = GReaderSyncBackend(
            store: store, client: http, configuration: SyncConfiguration(serverURL: service.baseURL, token: auth, retry: Self.fast), extraHeaders: headers
        )
        try await SyncEngine(store: store, backend: backend).sync()
        #expect(try store.status().articles == 3)
        #expect(service.core.state.withLock { $0.appIDs } == ["1000001234"])
    }

    @Test func anItemCrawledInTheFutureDoesNotHideLaterItems() async throws {
        let service = try GReaderFakeService(.freshRSS)
        Self.seed(service, count: 2)
        service.core.update { $0.items[1].crawlSeconds = 4_102_444_800 } // 2100
        let client = try await Self.client(service)
        defer { try? FileManager.default.removeItem(at: client.folder) }
        try await client.engine.sync()
        service.core.update { $0.items.append(.init(id: 42, feed: 1, crawlSeconds: Self.firstCrawl + 600, title: "Later", body: "later")) }
        try await client.engine.sync()
        #expect(try client.store.status().articles == 3)
    }
}
