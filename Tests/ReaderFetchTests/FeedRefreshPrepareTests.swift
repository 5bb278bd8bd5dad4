import Foundation
import LoopbackHTTP
import ReaderFetch
import Synchronization
import Testing

/// A target's `prepare` runs in each fetch's own task, beside `record` writing the feeds
/// before it, and no more feeds than the refresh's width wait prepared beside the one
/// being written.
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
                // The first write is slow: the other feeds are fetched and prepared meanwhile,
                // or never, when preparing waited for it. Bounded, so a failure ends.
                for _ in 0..<1000 where preparedCount() < 4 { try? await Task.sleep(for: .milliseconds(10)) }
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

    @Test func preparesBesideTheWritesAndNoMoreThanTheWidthWait() async throws {
        var routes: [String: RoutedServer.Route] = [:]
        for index in 0..<8 {
            routes["/\(index)"] = .body(Fixture.rss(title: "Lock \(index)", count: 2), contentType: "application/rss+xml")
        }
        let server = try RoutedServer(routes)
        let feeds = (0..<8).map { server.url("/\($0)").absoluteString }
        let target = CountingFeeds(feeds, port: server.url("/").port ?? 0)

        let report = try await Fixture.fetcher().refresh(into: target, maxConcurrent: 3)
        #expect(report.fetched == 8)
        #expect(report.new == 16, "record gets what prepare made of each fetch")
        #expect(target.preparedCount() == 8)
        #expect(target.othersPreparedWhileFirstWaited == 3, "the three feeds in flight were prepared while the first was written")
        #expect(target.waitingAtMost == 4, "never more prepared and unwritten than the refresh's width and the one being written")
    }
}
