import Foundation
import LoopbackHTTP
import ReaderFetch
import Synchronization
import Testing

/// A target's `prepare` runs in each fetch's own task, beside `record` writing the feeds
/// before it, and no more than two feeds (`FeedFetcher.parsedAhead`) are parsed and
/// prepared ahead of the one being written, whatever the refresh's width.
@Suite struct FeedRefreshPrepareTests {
    /// How many fetches were prepared, by the port of the server they came from (each test
    /// has a server of its own, and `prepare` is static: it sees no target).
    static let prepared = Mutex<[Int: Int]>([:])

    final class CountingFeeds: FeedRefreshTarget {
        let feeds: [String]
        let port: Int
        var recorded = 0
        var waitingAtMost = 0
        var othersPreparedWhileFirstWaited = 0

        init(_ feeds: [String], port: Int) {
            self.feeds = feeds
            self.port = port
        }

        func feedsDue(force: Bool) -> (due: [String], skipped: Int) { (feeds, 0) }

        func request(for feed: String) -> FeedFetchRequest? {
            URL(string: feed).map { FeedFetchRequest(url: $0, sourceKey: feed) }
        }

        func recordUnusable(_ feed: String) {}

        static func prepare(_ fetched: FeedFetchResult) -> Int {
            let port = fetched.request.url.port ?? 0
            return FeedRefreshPrepareTests.prepared.withLock { counts in
                counts[port, default: 0] += 1
                return fetched.feed?.entries.count ?? 0
            }
        }

        func record(_ result: Result<Int, FeedFetchError>, for feed: String) async -> (new: Int, updated: Int) {
            if recorded == 0 {
                // The first write is slow: two other feeds are fetched and prepared meanwhile
                // (none, if preparing waited for it; bounded, so a failure ends), and given
                // time, no third.
                for _ in 0..<1000 where preparedCount() < 3 { try? await Task.sleep(for: .milliseconds(10)) }
                try? await Task.sleep(for: .milliseconds(300))
                othersPreparedWhileFirstWaited = preparedCount() - 1
            }
            waitingAtMost = max(waitingAtMost, preparedCount() - recorded)
            recorded += 1
            return ((try? result.get()) ?? 0, 0)
        }

        func preparedCount() -> Int {
            FeedRefreshPrepareTests.prepared.withLock { $0[port] ?? 0 }
        }
    }

    @Test func preparesBesideTheWritesAndNoMoreThanTwoAhead() async throws {
        var routes: [String: RoutedServer.Route] = [:]
        for index in 0..<8 {
            routes["/\(index)"] = .body(Fixture.rss(title: "Lock \(index)", count: 2), contentType: "application/rss+xml")
        }
        let server = try RoutedServer(routes)
        let feeds = (0..<8).map { server.url("/\($0)").absoluteString }
        let target = CountingFeeds(feeds, port: server.url("/").port ?? 0)

        let report = try await Fixture.fetcher().refresh(into: target, maxConcurrent: 4)
        #expect(report.fetched == 8)
        #expect(report.new == 16, "record gets what prepare made of each fetch")
        #expect(target.preparedCount() == 8)
        #expect(target.othersPreparedWhileFirstWaited == 2, "two feeds were prepared while the first was written, not all four in flight")
        #expect(target.waitingAtMost == 3, "never more prepared and unwritten than two and the one being written")
    }
}
