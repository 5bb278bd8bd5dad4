import Foundation
import LoopbackHTTP
import ReaderFetch
import Testing

/// The one refresh loop (`FeedFetcher.refresh(into:)`) over a target held in memory: what it
/// asks the target, in what order, and what it counts.
@Suite struct FeedRefreshTargetTests {
    /// Feeds by URL text; a feed whose text is no URL is unusable.
    final class MemoryFeeds: FeedRefreshTarget {
        var feeds: [String]
        var backingOff: Int
        var unusable: [String] = []
        var recorded: [String: Result<FeedFetchResult, FeedFetchError>] = [:]
        var fetchesStartedBeforeUnusable = false

        init(_ feeds: [String], backingOff: Int = 0) {
            self.feeds = feeds
            self.backingOff = backingOff
        }

        func feedsDue(force: Bool) -> (due: [String], skipped: Int) {
            (force ? feeds : Array(feeds.dropLast(backingOff)), force ? 0 : backingOff)
        }

        func request(for feed: String) -> FeedFetchRequest? {
            guard feed.hasPrefix("http"), let url = URL(string: feed) else { return nil }
            return FeedFetchRequest(url: url, sourceKey: feed)
        }

        func recordUnusable(_ feed: String) {
            if !recorded.isEmpty { fetchesStartedBeforeUnusable = true }
            unusable.append(feed)
        }

        func record(_ result: Result<FeedFetchResult, FeedFetchError>, for feed: String) -> (new: Int, updated: Int) {
            recorded[feed] = result
            guard case .success(let fetched) = result else { return (0, 0) }
            return (fetched.feed?.entries.count ?? 0, 0)
        }
    }

    @Test func countsEachOutcomeAndRecordsUnusableFeedsFirst() async throws {
        let server = try RoutedServer([
            "/a": .body(Fixture.rss(title: "Weir", count: 3), contentType: "application/rss+xml"),
            "/b": .status(503),
            "/c": .redirect(301, to: "/a"),
            "/d": .body(Fixture.rss(title: "Dam", count: 1), contentType: "application/rss+xml"),
        ])
        let paths = ["/a", "/b", "/c", "/d"].map { server.url($0).absoluteString }
        let target = MemoryFeeds(["no address"] + paths, backingOff: 1)
        let fetcher = try Fixture.fetcher()

        let report = try await fetcher.refresh(into: target)
        #expect(target.unusable == ["no address"])
        #expect(!target.fetchesStartedBeforeUnusable)
        #expect(Set(target.recorded.keys) == Set(paths.dropLast()), "the feed backing off is not fetched")
        #expect([report.fetched, report.failed, report.skipped, report.moved, report.new] as [Int] == [2, 2, 1, 1, 6])

        let forced = try await fetcher.refresh(into: target, force: true)
        #expect(forced.skipped == 0)
        #expect(target.recorded[paths[3]] != nil)
    }
}
