import Foundation
import HummingbirdTesting
import LoopbackHTTP
import ReaderCurl
import ReaderFetch
import ReaderHTTP
import ReaderModels
@testable import ReaderServer
import Testing

/// The server's feed aggregation against feeds served on loopback: what a refresh writes,
/// and what the users' devices then pull. Every test runs on both engines (``FeedEngine``).
@Suite struct FeedRefreshTests {
    /// A server of `engine`, an aggregator over it with a short time cap, and user `ada`.
    struct Harness {
        let server: EngineServer
        let aggregator: FeedAggregator
        let token: String

        init(_ engine: FeedEngine) async throws {
            server = try await EngineServer(engine)
            let fetcher = FeedFetcher(client: try CurlHTTPClient(), timeLimit: .seconds(5))
            aggregator = FeedAggregator(repository: server.repository, fetcher: fetcher)
            token = try await server.addUser("ada")
        }

        /// Everything `ada` pulls after `since`.
        func pull(since: String = "0") async throws -> (changes: [SequencedChange], cursor: String) {
            try await server.app.test(.router) { client in try await client.pullAll(token: token, since: since, limit: 500) }
        }
    }

    static func rss(_ count: Int, revision: String = "") -> RoutedServer.Route {
        .body(Array(TestServer.rss(count: count, start: 0, revision: revision, source: "Quay").utf8),
              contentType: "application/rss+xml", etag: "\"\(count)\(revision)\"")
    }

    static func articles(_ changes: [SequencedChange]) -> [ArticleRecord] {
        changes.compactMap { if case .article(let article) = $0.change { article } else { nil } }
    }

    static func subscriptions(_ changes: [SequencedChange]) -> [SubscriptionRecord] {
        changes.compactMap { if case .subscription(let record) = $0.change { record } else { nil } }
    }

    @Test(arguments: FeedEngine.available) func addedFeedReachesTheUsersPullWithItsSubscription(engine: FeedEngine) async throws {
        let web = try RoutedServer(["/feed.xml": Self.rss(3)])
        let harness = try await Harness(engine)
        let url = web.url("/feed.xml").absoluteString
        let added = try await harness.aggregator.add(user: "ada", url: url)
        #expect(added.url == url && added.new == 3 && !added.alreadySubscribed)
        let refreshed = try await harness.aggregator.refresh()
        #expect(refreshed.notModified == 1 && refreshed.failed == 0)

        let pulled = try await harness.pull()
        let subscription = try #require(Self.subscriptions(pulled.changes).first)
        #expect(subscription.url == url && subscription.subscribed && subscription.title == "Quay")
        #expect(subscription.hlc.node == "server")
        let ids = Self.articles(pulled.changes).map(\.id)
        #expect(Set(ids) == Set((0..<3).map { Fingerprint.articleID(sourceKey: url, guid: "g\($0)") }))
        await harness.server.close()
    }

    @Test(arguments: FeedEngine.available) func refreshFetchesASubscriptionADevicePushed(engine: FeedEngine) async throws {
        let web = try RoutedServer(["/feed.xml": Self.rss(2)])
        let harness = try await Harness(engine)
        let url = web.url("/feed.xml").absoluteString
        try await harness.server.app.test(.router) { client in
            _ = try await client.push([Make.subscribe("m1", url: url, true, at: 10)], token: harness.token)
        }
        let report = try await harness.aggregator.refresh()
        #expect(report.fetched == 1 && report.new == 2)
        #expect(Self.articles(try await harness.pull().changes).count == 2)
        await harness.server.close()
    }

    @Test(arguments: FeedEngine.available) func notModifiedRefreshWritesNoChangeRows(engine: FeedEngine) async throws {
        let web = try RoutedServer(["/feed.xml": Self.rss(3)])
        let harness = try await Harness(engine)
        _ = try await harness.aggregator.add(user: "ada", url: web.url("/feed.xml").absoluteString)
        let before = try await harness.pull()
        let report = try await harness.aggregator.refresh()
        #expect(report.notModified == 1 && report.fetched == 0 && report.new == 0)
        let after = try await harness.pull(since: before.cursor)
        #expect(after.changes.isEmpty && after.cursor == before.cursor)
        let feed = try #require(try await harness.server.repository.feeds().first)
        #expect(feed.lastStatus == 304 && feed.lastError == nil)
        await harness.server.close()
    }

    @Test(arguments: FeedEngine.available) func changedEntryBecomesAnUpdateNotADuplicate(engine: FeedEngine) async throws {
        let web = try RoutedServer(["/feed.xml": Self.rss(3)])
        let harness = try await Harness(engine)
        let url = web.url("/feed.xml").absoluteString
        _ = try await harness.aggregator.add(user: "ada", url: url)
        let before = try await harness.pull()
        let old = try #require(Self.articles(before.changes).first { $0.guid == "g1" })

        web.set("/feed.xml", Self.rss(3, revision: " (corrected)"))
        let report = try await harness.aggregator.refresh()
        #expect(report.fetched == 1 && report.new == 0 && report.updated == 3)

        let after = try await harness.pull(since: before.cursor)
        let updated = try #require(Self.articles(after.changes).first { $0.guid == "g1" })
        #expect(updated.id == old.id && updated.contentHash != old.contentHash)
        #expect(updated.title == "Article 1 (corrected)")
        let seqBefore = try #require(before.changes.first { $0.change.id == old.id }?.seq)
        let seqAfter = try #require(after.changes.first { $0.change.id == old.id }?.seq)
        #expect(seqAfter > seqBefore)
        let everything = Self.articles(try await harness.pull().changes)
        #expect(everything.count == 3 && Set(everything.map(\.id)).count == 3)
        await harness.server.close()
    }

    @Test(arguments: FeedEngine.available) func malformedFeedIsMarkedInErrorAndTheOthersStillRefresh(engine: FeedEngine) async throws {
        let web = try RoutedServer(["/a.xml": Self.rss(2), "/b.xml": Self.rss(2)])
        let harness = try await Harness(engine)
        let broken = web.url("/a.xml").absoluteString
        _ = try await harness.aggregator.add(user: "ada", url: broken)
        _ = try await harness.aggregator.add(user: "ada", url: web.url("/b.xml").absoluteString)

        web.set("/a.xml", .body(Array("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>cut".utf8),
                                contentType: "application/rss+xml", etag: "\"broken\""))
        web.set("/b.xml", Self.rss(3))
        let report = try await harness.aggregator.refresh()
        #expect(report.failed == 1 && report.fetched == 1 && report.new == 1)

        let feeds = try await harness.server.repository.feeds()
        let a = try #require(feeds.first { $0.url == broken })
        #expect(a.lastError != nil && a.consecutiveFailures == 1 && a.nextFetchAt != nil)
        #expect(feeds.filter { $0.url != broken }.allSatisfy { $0.lastError == nil && $0.consecutiveFailures == 0 })

        // Backing off: the next refresh leaves the broken feed alone and fetches the other.
        let next = try await harness.aggregator.refresh()
        #expect(next.skipped == 1 && next.notModified == 1 && next.failed == 0)
        await harness.server.close()
    }

    /// A feed the database refuses to store (here a trigger refuses one article; in the wild
    /// a value an engine cannot hold) fails alone: the other feeds are written, and it backs
    /// off like any failing feed instead of ending the refresh pass after pass.
    @Test(arguments: FeedEngine.available) func feedTheDatabaseRefusesFailsAloneAndTheOthersAreWritten(engine: FeedEngine) async throws {
        let poison = RoutedServer.Route.body(
            Array(TestServer.rss(count: 2, start: 0, revision: " poison", source: "Harm").utf8),
            contentType: "application/rss+xml", etag: "\"poison\""
        )
        let web = try RoutedServer(["/a.xml": Self.rss(1), "/b.xml": Self.rss(1)])
        let harness = try await Harness(engine)
        let refused = web.url("/a.xml").absoluteString
        _ = try await harness.aggregator.add(user: "ada", url: refused)
        _ = try await harness.aggregator.add(user: "ada", url: web.url("/b.xml").absoluteString)
        try await harness.server.execute(
            sqlite: """
                CREATE TRIGGER refuse_poison_insert BEFORE INSERT ON articles WHEN NEW.title LIKE '%poison%'
                BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;
                CREATE TRIGGER refuse_poison_update BEFORE UPDATE ON articles WHEN NEW.title LIKE '%poison%'
                BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;
                """,
            postgres: [
                """
                CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'refused by the test'; END $$
                """,
                """
                CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON articles FOR EACH ROW
                WHEN (NEW.title LIKE '%poison%') EXECUTE FUNCTION refuse_poison()
                """,
            ]
        )
        web.set("/a.xml", poison)
        web.set("/b.xml", Self.rss(2))
        let report = try await harness.aggregator.refresh()
        #expect(report.new == 1)

        let feeds = try await harness.server.repository.feeds()
        let a = try #require(feeds.first { $0.url == refused })
        #expect(a.lastError?.contains("could not store") == true && a.consecutiveFailures == 1 && a.nextFetchAt != nil)
        #expect(feeds.filter { $0.url != refused }.allSatisfy { $0.lastError == nil && $0.consecutiveFailures == 0 })
        let titles = Self.articles(try await harness.pull().changes).map(\.title)
        #expect(!titles.contains { $0.contains("poison") })
        #expect(titles.contains("Article 1"))
        await harness.server.close()
    }

    @Test(arguments: FeedEngine.available) func unsubscribedFeedIsNotFetched(engine: FeedEngine) async throws {
        let web = try RoutedServer(["/a.xml": Self.rss(1), "/b.xml": Self.rss(1)])
        let harness = try await Harness(engine)
        let dropped = web.url("/b.xml").absoluteString
        _ = try await harness.aggregator.add(user: "ada", url: web.url("/a.xml").absoluteString)
        _ = try await harness.aggregator.add(user: "ada", url: dropped)
        try await harness.aggregator.remove(user: "ada", url: dropped)

        let requests = web.requests
        let report = try await harness.aggregator.refresh()
        #expect(report.notModified == 1 && report.fetched + report.failed == 0)
        #expect(web.requests == requests + 1)
        let subscription = Self.subscriptions(try await harness.pull().changes).first { $0.url == dropped }
        #expect(subscription?.subscribed == false)
        #expect(try await harness.server.repository.feeds().first { $0.url == dropped }?.subscribers == 0)
        await harness.server.close()
    }

    @Test(arguments: FeedEngine.available) func permanentRedirectMovesTheFeedAndItsSubscribers(engine: FeedEngine) async throws {
        let web = try RoutedServer(["/old.xml": Self.rss(2)])
        let harness = try await Harness(engine)
        let old = web.url("/old.xml").absoluteString
        let new = web.url("/new.xml").absoluteString
        _ = try await harness.aggregator.add(user: "ada", url: old)

        web.set("/new.xml", Self.rss(2))
        web.set("/old.xml", .redirect(301, to: "/new.xml"))
        let report = try await harness.aggregator.refresh()
        #expect(report.moved == 1 && report.new == 0 && report.failed == 0)

        #expect(try await harness.server.repository.feeds().map(\.url) == [new])
        let subscriptions = Self.subscriptions(try await harness.pull().changes)
        #expect(subscriptions.first { $0.url == new }?.subscribed == true)
        #expect(subscriptions.first { $0.url == old }?.subscribed == false)
        await harness.server.close()
    }

    @Test(arguments: FeedEngine.available) func serviceRefreshesPeriodicallyAndStopsWhenCancelled(engine: FeedEngine) async throws {
        let web = try RoutedServer(["/feed.xml": Self.rss(2)])
        let harness = try await Harness(engine)
        _ = try await harness.aggregator.add(user: "ada", url: web.url("/feed.xml").absoluteString)
        let log = CapturedLog()
        let service = FeedRefreshService(
            aggregator: harness.aggregator, interval: .milliseconds(50), log: AccessLogSink { log.append($0) }
        )
        let running = Task { try await service.run() }
        // Two passes take 50 ms alone; the bound is for a full suite on two loaded cores,
        // where one pass once took most of a 20 s wait.
        _ = await eventually(timeout: .seconds(90)) { log.all.count >= 2 }
        running.cancel()
        try await running.value
        #expect(log.all.count >= 2, "\(log.all)")
        #expect(log.all.allSatisfy { $0.contains("\"event\":\"feeds_refresh\"") && $0.contains("\"not_modified\":1") })
        await harness.server.close()
    }

    @Test(arguments: FeedEngine.available) func addFindsTheFeedOfAWebPageAndRefusesABadAddress(engine: FeedEngine) async throws {
        let page = "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\"></head></html>"
        let web = try RoutedServer([
            "/": .body(Array(page.utf8), contentType: "text/html"),
            "/feed.xml": Self.rss(1),
        ])
        let harness = try await Harness(engine)
        let added = try await harness.aggregator.add(user: "ada", url: web.url("/").absoluteString)
        #expect(added.url == web.url("/feed.xml").absoluteString)
        #expect(added.discoveredFrom == web.url("/").absoluteString)

        await #expect(throws: RepositoryError.self) {
            try await harness.aggregator.add(user: "ada", url: web.url("/missing.xml").absoluteString)
        }
        #expect(try await harness.server.repository.feeds().count == 1)
        await harness.server.close()
    }
}
