import Foundation
import LoopbackHTTP
import PostgresNIO
import ReaderModels
import ReaderServer
@testable import ReaderServerPostgres
import Synchronization
import Testing

/// The feed refresh with several instances on one database (issue 15, section 2): each feed
/// is fetched once per interval by one instance, never by two at once, and a feed claimed by
/// an instance that died is fetched again once its lease runs out. The feed server counts
/// every request, so a second fetch cannot hide.
///
/// The instances are two repositories, two connection pools, on one wall clock the test
/// moves by hand; the feed bodies, conditional GET, redirects, failures and retention run on
/// both engines in `FeedRefreshTests` and `ServerRetentionTests`.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresFeedRefreshTests {
    /// A wall clock shared by the instances, moved by hand.
    final class Wall: Sendable {
        private let value = Mutex<Int64>(1_764_000_000_000)
        var millis: Int64 { value.withLock { $0 } }
        func advance(seconds: Int64) { value.withLock { $0 += seconds * 1000 } }
    }

    static func rss(_ name: String) -> RoutedServer.Route {
        let body = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>\(name)</title><link>https://example.org/</link>
            <item><title>\(name) one</title><guid>\(name)-1</guid><link>https://example.org/\(name)/1</link></item>
            </channel></rss>
            """
        return .body(Array(body.utf8), contentType: "application/rss+xml", etag: "\"\(name)\"")
    }

    /// `count` feeds on one loopback server, user `ada` subscribed to all of them through
    /// `repository` (which fetches each once).
    static func subscribed(_ count: Int, _ repository: PostgresSyncRepository) async throws -> RoutedServer {
        var routes: [String: RoutedServer.Route] = [:]
        for index in 0..<count { routes["/\(index).xml"] = rss("f\(index)") }
        let web = try RoutedServer(routes)
        _ = try await repository.addUser(named: "ada")
        let adder = try FeedAggregator(repository: repository, timeLimit: .seconds(10), allowPrivateNetworks: true)
        for index in 0..<count { _ = try await adder.add(user: "ada", url: web.url("/\(index).xml").absoluteString) }
        return web
    }

    static func instance(_ url: PostgresURL, _ wall: Wall, interval: Int = 900) async throws -> PostgresSyncRepository {
        try await PostgresSyncRepository(url: url, refreshIntervalSeconds: interval, wallMillis: { wall.millis })
    }

    @Test func twoInstancesRefreshingAtOnceFetchEachFeedOnce() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let wall = Wall()
        let one = try await Self.instance(url, wall), two = try await Self.instance(url, wall)
        let count = 20
        let web = try await Self.subscribed(count, one)
        #expect(web.requests == count)
        // Fetched by `feeds add`: due again only after the interval, for both instances.
        let a = try FeedAggregator(repository: one, timeLimit: .seconds(10), allowPrivateNetworks: true)
        let b = try FeedAggregator(repository: two, timeLimit: .seconds(10), allowPrivateNetworks: true)
        let early = try await b.refresh()
        #expect(early.fetched + early.notModified + early.failed == 0 && web.requests == count)

        for round in 1...3 {
            wall.advance(seconds: 901)
            let before = web.requests
            // One feed at a time each, so the two loops claim batch after batch side by side.
            let narrowA = FeedAggregator(repository: one, fetcher: a.fetcher, maxConcurrent: 1)
            let narrowB = FeedAggregator(repository: two, fetcher: b.fetcher, maxConcurrent: 1)
            async let first = narrowA.refresh()
            async let second = narrowB.refresh()
            let (x, y) = try await (first, second)
            #expect(web.requests - before == count, "round \(round): \(web.requests - before) requests for \(count) feeds")
            #expect(x.notModified + y.notModified == count && x.failed + y.failed == 0, "round \(round): \(x.line) / \(y.line)")
            // Nothing is due until the next interval.
            let after = try await a.refresh()
            #expect(after.notModified + after.fetched == 0 && web.requests - before == count)
        }
        await one.close()
        await two.close()
    }

    @Test func aFeedClaimedByAnInstanceThatDiedIsFetchedAfterItsLease() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let wall = Wall()
        let dead = try await Self.instance(url, wall), alive = try await Self.instance(url, wall)
        let web = try await Self.subscribed(2, dead)
        wall.advance(seconds: 901)
        // The dying instance claims one feed and never records a fetch.
        let claimed = try await dead.feedsDue(FeedClaim(limit: 1, lease: .seconds(300)))
        #expect(claimed.feeds.count == 1 && claimed.more)
        await dead.close()

        let survivor = try FeedAggregator(repository: alive, timeLimit: .seconds(10), allowPrivateNetworks: true)
        let before = web.requests
        let first = try await survivor.refresh()
        #expect(first.notModified == 1 && web.requests == before + 1, "only the unclaimed feed: \(first.line)")
        let held = try #require(try await alive.feeds().first { $0.url == claimed.feeds[0].url })
        #expect(held.nextFetchAt == Timestamp.format(millis: wall.millis + 300_000))

        wall.advance(seconds: 299)
        #expect(try await survivor.refresh().notModified == 0 && web.requests == before + 1, "the lease still runs")
        wall.advance(seconds: 2)
        let late = try await survivor.refresh()
        #expect(late.notModified == 1 && web.requests == before + 2, "the lapsed claim: \(late.line)")
        let feed = try #require(try await alive.feeds().first { $0.url == claimed.feeds[0].url })
        #expect(feed.lastStatus == 304 && feed.nextFetchAt == Timestamp.format(millis: wall.millis + 900_000))
        await alive.close()
    }

    /// A fetch on one instance and an import of the same new articles on another at the
    /// same moment, into a source both already know (so neither writes its row, which would
    /// order them): both insert the same articles. Without the locks a fetch takes first (the
    /// source's advisory lock, then its audience's change feeds in order) one of them failed
    /// on the articles' key (23505) or deadlocked (40P01), 3 runs in 3.
    @Test func aFetchAndAnImportOfOneSourceOnTwoInstancesBothSucceed() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let wall = Wall()
        let one = try await Self.instance(url, wall), two = try await Self.instance(url, wall)
        let web = try RoutedServer([:])
        let feed = web.url("/feed.xml").absoluteString
        // The file names the feed as its own address, so its articles are the feed's, id for id.
        func rss(_ count: Int) -> String {
            var items = ""
            for index in 0..<count {
                items += "<item><title>Item \(index)</title><guid>i\(index)</guid><link>https://example.org/\(index)</link></item>\n"
            }
            return """
                <?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Shared</title>
                <link>https://example.org/</link><atom:link rel="self" href="\(feed)"/>
                \(items)</channel></rss>
                """
        }
        web.set("/feed.xml", .body(Array(rss(1).utf8), contentType: "application/rss+xml"))
        _ = try await one.addUser(named: "ada")
        _ = try await two.addUser(named: "bob")
        let aggregator = try FeedAggregator(repository: one, timeLimit: .seconds(10), allowPrivateNetworks: true)
        #expect(try await aggregator.add(user: "ada", url: feed).new == 1)

        let count = 200
        web.set("/feed.xml", .body(Array(rss(count).utf8), contentType: "application/rss+xml"))
        let folder = try TestFolder.make("pg-shared")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("shared.xml").path
        try rss(count).write(toFile: file, atomically: true, encoding: .utf8)
        wall.advance(seconds: 901)
        async let refreshed = aggregator.refresh()
        async let imported = two.importFile(at: file, for: ["bob"])
        let (fetch, load) = try await (refreshed, imported)
        #expect(fetch.fetched == 1 && fetch.failed == 0, "\(fetch.line)")
        #expect(fetch.new + load.new == count - 1, "each article is new to exactly one writer: \(fetch.new) + \(load.new)")
        var stored: Int64 = 0
        for try await value in try await one.database.client.query("SELECT count(*) FROM articles", logger: one.database.logger)
            .decode(Int64.self) { stored = value }
        #expect(stored == Int64(count), "the file's articles are the feed's")
        await one.close()
        await two.close()
    }

    @Test func aFailingFeedBacksOffForEveryInstance() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let wall = Wall()
        let one = try await Self.instance(url, wall, interval: 0), two = try await Self.instance(url, wall, interval: 0)
        let web = try await Self.subscribed(1, one)
        web.set("/0.xml", .status(500))
        let a = try FeedAggregator(repository: one, timeLimit: .seconds(10), allowPrivateNetworks: true)
        let b = try FeedAggregator(repository: two, timeLimit: .seconds(10), allowPrivateNetworks: true)
        #expect(try await a.refresh().failed == 1)
        let requests = web.requests
        let other = try await b.refresh()
        #expect(other.skipped == 1 && other.failed == 0 && web.requests == requests, "backing off on the other instance too")
        let forced = try await b.refresh(force: true)
        #expect(forced.failed == 1 && forced.skipped == 0 && web.requests == requests + 1)
        let feed = try #require(try await two.feeds().first)
        #expect(feed.consecutiveFailures == 2 && feed.lastStatus == 500 && feed.lastError != nil)
        await one.close()
        await two.close()
    }
}
