import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderFetch
import ReaderHTTP
import ReaderStore
import ReaderSync
import Testing

/// Refreshing subscriptions into a store (`FeedRefresher`, as `reader refresh` runs it):
/// failures stay with their feed, moves follow the feed, a hanging feed holds up nobody,
/// backoff.
@Suite struct FeedRefresherTests {
    /// A store on a temporary file, subscribed to `paths` of `server`.
    static func store(subscribedTo paths: [String], on server: RoutedServer) throws -> ReaderStore {
        let folder = TestFolder.url("fetch")
        let store = try ReaderStore(path: folder.appendingPathComponent("reader.sqlite").path)
        for path in paths { try store.subscribeFeed(url: server.url(path).absoluteString) }
        return store
    }

    static func count(_ store: ReaderStore) throws -> Int { try store.status().articles }

    @Test func aFeedThatTurnsMalformedIsMarkedInErrorAndKeepsItsArticles() async throws {
        let server = try RoutedServer([
            "/a": .body(Self.rss(title: "Alder", count: 3), contentType: "application/rss+xml"),
            "/b": .body(Self.rss(title: "Birch", count: 2), contentType: "application/rss+xml"),
        ])
        let store = try Self.store(subscribedTo: ["/a", "/b"], on: server)
        let fetcher = try Self.fetcher()
        let first = try await FeedRefresher(store: store, fetcher: fetcher).refresh()
        #expect([first.fetched, first.failed, first.new] as [Int] == [2, 0, 5])

        server.set("/a", .body(Array("<rss version=\"2.0\"><channel><title>Alder</title><item><title>cut".utf8), contentType: "text/xml"))
        server.set("/b", .body(Self.rss(title: "Birch", count: 3), contentType: "application/rss+xml"))
        let second = try await FeedRefresher(store: store, fetcher: fetcher).refresh()
        #expect([second.fetched, second.failed, second.new] as [Int] == [1, 1, 1])
        #expect(try Self.count(store) == 6, "the broken feed's articles are kept")

        let feeds = try store.feedSubscriptions()
        let alder = try #require(feeds.first { $0.url == server.url("/a").absoluteString })
        let reason = try #require(alder.state.lastError)
        #expect(reason.hasPrefix(server.url("/a").absoluteString + ":1: "), "names the feed and the line: \(reason)")
        #expect(alder.state.consecutiveFailures == 1)
        #expect(alder.state.nextFetchAt != nil)
        #expect(alder.state.title == "Alder", "what the feed last said is kept")
        let birch = try #require(feeds.first { $0.url == server.url("/b").absoluteString })
        #expect(birch.state.lastError == nil)
        #expect(birch.state.consecutiveFailures == 0)
    }

    /// No timer decides this test: the hanging feed is held until every other feed has been
    /// answered, then released (its time cap is shown by the fetcher's own test).
    ///
    /// The bounds only end a failing run, and are wide because the whole suite shares this
    /// process's two cooperative threads on CI: there 49 loopback fetches, each parsed and
    /// written to the store in turn, have taken 40 s (0.6 s alone). The server holds the
    /// hanging feed, and the fetcher waits for it, longer than the test waits for the
    /// others; with one feed at a time the others stay behind it and the wait fails.
    @Test func fiftyFeedsWithOneHangingAreFetchedWhileItHangs() async throws {
        let server = try RoutedServer(holdLimit: .seconds(300))
        var paths: [String] = []
        for number in 0..<50 {
            let path = "/feeds/\(number)"
            paths.append(path)
            server.set(path, number == 7 ? .hang : .body(Self.rss(title: "Feed\(number)", count: 2), contentType: "text/xml"))
        }
        let store = try Self.store(subscribedTo: paths, on: server)
        let fetcher = try Self.fetcher(timeLimit: .seconds(240))
        let refresh = Task { try await FeedRefresher(store: store, fetcher: fetcher).refresh() }

        #expect(await eventually(timeout: .seconds(180)) { server.answered == 49 }, "the others waited behind the hanging feed")
        #expect(await server.hangs(count: 0).isEmpty, "the hanging feed is still held")

        server.set("/feeds/7", .body(Self.rss(title: "Feed7", count: 2), contentType: "text/xml"))
        let summary = try await refresh.value
        #expect([summary.fetched, summary.failed, summary.new] as [Int] == [50, 0, 100])
        #expect(await server.hangs().map(\.end) == [.released])
    }

    @Test func aPermanentRedirectMovesTheSubscriptionAndKeepsItsSource() async throws {
        let server = try RoutedServer([
            "/old": .redirect(301, to: "/new"),
            "/new": .body(Self.rss(title: "Ferry", count: 2), contentType: "application/rss+xml", etag: "\"f1\""),
        ])
        let store = try Self.store(subscribedTo: ["/old"], on: server)
        let fetcher = try Self.fetcher()
        let first = try await FeedRefresher(store: store, fetcher: fetcher).refresh()
        #expect(first.moved == 1)
        let feeds = try store.feedSubscriptions()
        #expect(feeds.map(\.url) == [server.url("/new").absoluteString])
        #expect(feeds[0].state.sourceKey == server.url("/old").absoluteString)
        #expect(try store.pendingMutations().contains { $0.entityID == server.url("/new").absoluteString })

        let requests = server.requests
        let second = try await FeedRefresher(store: store, fetcher: fetcher).refresh()
        #expect([second.notModified, second.moved] as [Int] == [1, 0])
        #expect(server.requests == requests + 1, "the new URL is asked directly")
        #expect(try Self.count(store) == 2)
    }

    @Test func aFailingFeedBacksOffThenRecovers() async throws {
        let server = try RoutedServer(["/flaky": .status(503)])
        let store = try Self.store(subscribedTo: ["/flaky"], on: server)
        let fetcher = try Self.fetcher()
        let start = Date(timeIntervalSince1970: 1_772_000_000)
        let failed = try await FeedRefresher(store: store, fetcher: fetcher, now: { start }).refresh()
        #expect(failed.failed == 1)
        let waiting = try await FeedRefresher(store: store, fetcher: fetcher, now: { start + 60 }).refresh()
        #expect([waiting.skipped, waiting.failed] as [Int] == [1, 0])
        #expect(server.requests == 1, "a feed backing off is not asked")

        _ = try await FeedRefresher(store: store, fetcher: fetcher, now: { start + 901 }).refresh()
        var state = try #require(try store.feedSubscriptions().first?.state)
        #expect(state.consecutiveFailures == 2)
        #expect(state.lastStatus == 503)
        #expect(state.nextFetchAt == start + 901 + 1800)

        server.set("/flaky", .body(Self.rss(title: "Flaky", count: 1), contentType: "text/xml"))
        let forced = try await FeedRefresher(store: store, fetcher: fetcher, now: { start + 1000 }).refresh(force: true)
        #expect([forced.fetched, forced.new] as [Int] == [1, 1])
        state = try #require(try store.feedSubscriptions().first?.state)
        #expect(state.consecutiveFailures == 0)
        #expect(state.lastError == nil)
        #expect(state.nextFetchAt == nil)
    }

    @Test func anUnchangedFeedCostsOneConditionalRequestAndChangesNoArticle() async throws {
        let server = try RoutedServer(["/quay": .body(Self.rss(title: "Quay", count: 4), contentType: "text/xml", etag: "\"q1\"")])
        let store = try Self.store(subscribedTo: ["/quay"], on: server)
        let fetcher = try Self.fetcher()
        _ = try await FeedRefresher(store: store, fetcher: fetcher).refresh()
        let before = try store.exportUserState()
        let again = try await FeedRefresher(store: store, fetcher: fetcher).refresh()
        #expect([again.notModified, again.fetched, again.new, again.updated] as [Int] == [1, 0, 0, 0])
        #expect(try store.exportUserState() == before)
        #expect(try store.feedSubscriptions().first?.state.etag == "\"q1\"")
    }

    @Test func addSubscribesToTheFeedAPageLinksToAndAddsTagsTheSecondTime() async throws {
        let page = "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/lock.xml\"></head></html>"
        let server = try RoutedServer([
            "/": .body(Array(page.utf8), contentType: "text/html"),
            "/lock.xml": .body(Self.rss(title: "Lock", count: 2), contentType: "application/rss+xml"),
        ])
        let store = try Self.store(subscribedTo: [], on: server)
        let refresher = try FeedRefresher(store: store, fetcher: Self.fetcher())
        let feed = server.url("/lock.xml").absoluteString

        let added = try await refresher.add(server.url("/"), tags: ["canals"])
        #expect(added.url.absoluteString == feed)
        #expect(added.discoveredFrom == server.url("/"))
        #expect(added.title == "Lock")
        #expect(!added.alreadySubscribed)
        #expect([added.new, added.updated] as [Int] == [2, 0])
        let subscription = try #require(try store.feedSubscriptions().first)
        #expect(subscription.tags == ["canals"])
        #expect(subscription.state.sourceKey == feed, "its articles are keyed by the feed subscribed to")
        #expect(subscription.id == added.id)

        let again = try await refresher.add(server.url("/lock.xml"), tags: ["locks", "canals"])
        #expect(again.alreadySubscribed)
        #expect(again.discoveredFrom == nil)
        #expect([again.new, again.updated] as [Int] == [0, 0])
        #expect(try store.feedSubscriptions().map(\.tags) == [["canals", "locks"]])
        #expect(try Self.count(store) == 2)
    }

    @Test func addOfAFeedThatCannotBeFetchedSubscribesNothing() async throws {
        let server = try RoutedServer(["/gone": .status(410)])
        let store = try Self.store(subscribedTo: [], on: server)
        let refresher = try FeedRefresher(store: store, fetcher: Self.fetcher())
        await #expect(throws: FeedFetchError.self) { try await refresher.add(server.url("/gone")) }
        #expect(try store.feedSubscriptions().isEmpty)
    }

    /// A fetcher over libcurl that ignores the machine's proxy settings. The time cap is
    /// generous unless a test is about it: on a 2-core machine running the other suites, a
    /// fetch may wait seconds for a thread.
    static func fetcher(timeLimit: Duration = .seconds(30)) throws -> FeedFetcher {
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(proxy: .direct, maxConnectionsPerHost: 64))
        return FeedFetcher(client: client, maxBytes: 1 << 20, timeLimit: timeLimit)
    }

    /// An RSS 2.0 feed with `count` items, numbered from 1.
    static func rss(title: String, count: Int) -> [UInt8] {
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>\(title)</title><link>https://\(title.lowercased()).example/</link>

            """
        for number in stride(from: 1, through: count, by: 1) {
            text += "<item><guid>\(title)-\(number)</guid><title>\(title) note \(number)</title>"
            text += "<description>The harbour log, entry \(number).</description></item>\n"
        }
        text += "</channel></rss>\n"
        return Array(text.utf8)
    }
}
