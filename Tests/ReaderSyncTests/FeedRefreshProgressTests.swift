import LoopbackHTTP
import ReaderFetch
import ReaderSync
import Testing

/// A refresh tells how many of the feeds due are done, for `reader refresh`'s bar.
@Suite struct FeedRefreshProgressTests {
    @Test func aRefreshCountsFeedsDoneOutOfFeedsDue() async throws {
        let server = try RoutedServer([
            "/a": .body(FeedRefresherTests.rss(title: "Alder", count: 2), contentType: "application/rss+xml"),
            "/b": .body(FeedRefresherTests.rss(title: "Birch", count: 1), contentType: "application/rss+xml"),
            "/c": .status(500),
        ])
        let store = try FeedRefresherTests.store(subscribedTo: ["/a", "/b", "/c"], on: server)
        let refresher = FeedRefresher(store: store, fetcher: try FeedRefresherTests.fetcher())
        var seen: [FeedRefreshProgress] = []
        let first = try await refresher.refresh { seen.append($0) }
        #expect(first.failed == 1)
        #expect(seen == (0...3).map { FeedRefreshProgress(done: $0, due: 3) })

        // The failed feed backs off: it is not due, so the next refresh counts two.
        seen = []
        let second = try await refresher.refresh { seen.append($0) }
        #expect(second.skipped == 1)
        #expect(seen == (0...2).map { FeedRefreshProgress(done: $0, due: 2) })
    }
}
