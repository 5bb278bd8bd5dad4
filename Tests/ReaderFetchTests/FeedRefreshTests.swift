import Foundation
import LoopbackHTTP
@testable import reader
import ReaderFetch
import ReaderStore
import Testing

/// Refreshing subscriptions into a store (the CLI's glue, run in process): failures stay
/// with their feed, moves follow the feed, a hanging feed holds up nobody, backoff.
@Suite struct FeedRefreshTests {
    /// A store on a temporary file, subscribed to `paths` of `server`.
    static func store(subscribedTo paths: [String], on server: RoutedServer) throws -> ReaderStore {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reader-fetch-\(UUID().uuidString)")
        let store = try ReaderStore(path: folder.appendingPathComponent("reader.sqlite").path)
        for path in paths { try store.subscribeFeed(url: server.url(path).absoluteString) }
        return store
    }

    static func count(_ store: ReaderStore) throws -> Int { try store.status().articles }

    @Test func aFeedThatTurnsMalformedIsMarkedInErrorAndKeepsItsArticles() async throws {
        let server = try RoutedServer([
            "/a": .body(Fixture.rss(title: "Alder", count: 3), contentType: "application/rss+xml"),
            "/b": .body(Fixture.rss(title: "Birch", count: 2), contentType: "application/rss+xml"),
        ])
        let store = try Self.store(subscribedTo: ["/a", "/b"], on: server)
        let fetcher = try Fixture.fetcher()
        let first = try await FeedRefresh.refresh(store: store, fetcher: fetcher)
        #expect([first.fetched, first.failed, first.new] as [Int] == [2, 0, 5])

        server.set("/a", .body(Array("<rss version=\"2.0\"><channel><title>Alder</title><item><title>cut".utf8), contentType: "text/xml"))
        server.set("/b", .body(Fixture.rss(title: "Birch", count: 3), contentType: "application/rss+xml"))
        let second = try await FeedRefresh.refresh(store: store, fetcher: fetcher)
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

    @Test func fiftyFeedsWithOneHangingEndWithinItsTimeCap() async throws {
        let server = try RoutedServer()
        var paths: [String] = []
        for number in 0..<50 {
            let path = "/feeds/\(number)"
            paths.append(path)
            server.set(path, number == 7 ? .hang : .body(Fixture.rss(title: "Feed\(number)", count: 2), contentType: "text/xml"))
        }
        let store = try Self.store(subscribedTo: paths, on: server)
        let started = ContinuousClock.now
        let summary = try await FeedRefresh.refresh(store: store, fetcher: try Fixture.fetcher(timeLimit: .seconds(2)))
        let elapsed = ContinuousClock.now - started
        #expect(summary.fetched == 49)
        #expect(summary.failed == 1)
        #expect(summary.new == 98)
        // The hanging feed holds one slot until its 2 s cap (measured by the server, whose
        // threads other suites cannot hold up) while the others go through the rest; the
        // whole refresh, on the test's clock, is far from the 20 s the hang would last.
        let held = try #require(await server.hangs().first)
        #expect(held > .milliseconds(1900) && held < .milliseconds(2900), "\(held)")
        #expect(elapsed < .seconds(15), "\(elapsed)")
        let hung = try #require(try store.feedSubscriptions().first { $0.url == server.url("/feeds/7").absoluteString })
        #expect(hung.state.lastError?.contains("did not answer within 2 s") == true)
    }

    @Test func aPermanentRedirectMovesTheSubscriptionAndKeepsItsSource() async throws {
        let server = try RoutedServer([
            "/old": .redirect(301, to: "/new"),
            "/new": .body(Fixture.rss(title: "Ferry", count: 2), contentType: "application/rss+xml", etag: "\"f1\""),
        ])
        let store = try Self.store(subscribedTo: ["/old"], on: server)
        let fetcher = try Fixture.fetcher()
        let first = try await FeedRefresh.refresh(store: store, fetcher: fetcher)
        #expect(first.moved == 1)
        let feeds = try store.feedSubscriptions()
        #expect(feeds.map(\.url) == [server.url("/new").absoluteString])
        #expect(feeds[0].state.sourceKey == server.url("/old").absoluteString)
        #expect(try store.pendingMutations().contains { $0.entityID == server.url("/new").absoluteString })

        let requests = server.requests
        let second = try await FeedRefresh.refresh(store: store, fetcher: fetcher)
        #expect([second.notModified, second.moved] as [Int] == [1, 0])
        #expect(server.requests == requests + 1, "the new URL is asked directly")
        #expect(try Self.count(store) == 2)
    }

    @Test func aFailingFeedBacksOffThenRecovers() async throws {
        let server = try RoutedServer(["/flaky": .status(503)])
        let store = try Self.store(subscribedTo: ["/flaky"], on: server)
        let fetcher = try Fixture.fetcher()
        let start = Date(timeIntervalSince1970: 1_772_000_000)
        let failed = try await FeedRefresh.refresh(store: store, fetcher: fetcher, now: { start })
        #expect(failed.failed == 1)
        let waiting = try await FeedRefresh.refresh(store: store, fetcher: fetcher, now: { start + 60 })
        #expect([waiting.skipped, waiting.failed] as [Int] == [1, 0])
        #expect(server.requests == 1, "a feed backing off is not asked")

        _ = try await FeedRefresh.refresh(store: store, fetcher: fetcher, now: { start + 901 })
        var state = try #require(try store.feedSubscriptions().first?.state)
        #expect(state.consecutiveFailures == 2)
        #expect(state.lastStatus == 503)
        #expect(state.nextFetchAt == start + 901 + 1800)

        server.set("/flaky", .body(Fixture.rss(title: "Flaky", count: 1), contentType: "text/xml"))
        let forced = try await FeedRefresh.refresh(store: store, fetcher: fetcher, force: true, now: { start + 1000 })
        #expect([forced.fetched, forced.new] as [Int] == [1, 1])
        state = try #require(try store.feedSubscriptions().first?.state)
        #expect(state.consecutiveFailures == 0)
        #expect(state.lastError == nil)
        #expect(state.nextFetchAt == nil)
    }

    @Test func anUnchangedFeedCostsOneConditionalRequestAndChangesNoArticle() async throws {
        let server = try RoutedServer(["/quay": .body(Fixture.rss(title: "Quay", count: 4), contentType: "text/xml", etag: "\"q1\"")])
        let store = try Self.store(subscribedTo: ["/quay"], on: server)
        let fetcher = try Fixture.fetcher()
        _ = try await FeedRefresh.refresh(store: store, fetcher: fetcher)
        let before = try store.exportUserState()
        let again = try await FeedRefresh.refresh(store: store, fetcher: fetcher)
        #expect([again.notModified, again.fetched, again.new, again.updated] as [Int] == [1, 0, 0, 0])
        #expect(try store.exportUserState() == before)
        #expect(try store.feedSubscriptions().first?.state.etag == "\"q1\"")
    }
}
