import Foundation
import LoopbackHTTP
import ReaderFeeds
import ReaderFetch
import ReaderHTTP
import Testing

/// One feed fetched over real HTTP from a loopback server: every format, conditional GET,
/// redirects, the caps, discovery and charsets.
@Suite struct FeedFetcherTests {
    @Test func fetchesEveryFormat() async throws {
        let server = try RoutedServer([
            "/rss": .body(try Fixture.bytes("rss2.xml"), contentType: "application/rss+xml"),
            "/atom": .body(try Fixture.bytes("atom.xml"), contentType: "application/atom+xml"),
            "/rdf": .body(try Fixture.bytes("rdf.xml"), contentType: "application/rdf+xml"),
            "/json": .body(try Fixture.bytes("feed.json"), contentType: "application/feed+json"),
        ])
        let fetcher = try Fixture.fetcher()
        let rss = try #require(try await fetcher.fetch(FeedFetchRequest(url: server.url("/rss"))).feed)
        #expect(rss.format == .rss)
        #expect(rss.title == "Canal Lock Keepers")
        #expect(rss.entries.map(\.guid) == ["lock-12-gates", "mill-bend-closure"])
        #expect(rss.entries[0].author == "Orla Fenwick")
        #expect(rss.entries[0].html.contains("<b>bathful a minute</b>"))

        let atom = try #require(try await fetcher.fetch(FeedFetchRequest(url: server.url("/atom"))).feed)
        #expect(atom.format == .atom)
        #expect(atom.entries.map(\.title) == ["Broad beans in", "Compost turned"])
        // Relative links resolve against the document's own URL (RFC 4287 with no xml:base).
        #expect(atom.entries[0].url == server.url("/diary/beans").absoluteString)

        let rdf = try #require(try await fetcher.fetch(FeedFetchRequest(url: server.url("/rdf"))).feed)
        #expect(rdf.format == .rss)
        #expect(rdf.entries.map(\.title) == ["Afternoon sailing cancelled"])
        #expect(rdf.entries[0].published == Date(timeIntervalSince1970: 1_772_794_800))

        let json = try #require(try await fetcher.fetch(FeedFetchRequest(url: server.url("/json"))).feed)
        #expect(json.format == .jsonFeed)
        #expect(json.entries.map(\.guid) == ["saturn-2026"])
    }

    @Test func notModifiedIsAnsweredWithoutParsing() async throws {
        let server = try RoutedServer(["/feed": .body(Fixture.rss(title: "Quay", count: 2), contentType: "text/xml", etag: "\"v1\"")])
        let fetcher = try Fixture.fetcher()
        let first = try await fetcher.fetch(FeedFetchRequest(url: server.url("/feed")))
        #expect(first.status == 200)
        #expect(first.validators.etag == "\"v1\"")
        #expect(first.feed?.entries.count == 2)
        // Same ETag, but a body that would not parse: only a fetch that skips parsing succeeds.
        server.set("/feed", .body(Array("not a feed at all".utf8), contentType: "text/xml", etag: "\"v1\""))
        let second = try await fetcher.fetch(FeedFetchRequest(url: server.url("/feed"), validators: first.validators))
        #expect(second.status == 304)
        #expect(second.feed == nil)
        #expect(second.validators == first.validators)
        #expect(second.newURL == nil)
    }

    @Test func permanentRedirectsReportTheNewURLAndTemporaryOnesDoNot() async throws {
        let feed = Fixture.rss(title: "Moved", count: 1)
        let server = try RoutedServer([
            "/old": .redirect(301, to: "/new"), "/new": .body(feed, contentType: "application/rss+xml"),
            "/away": .redirect(302, to: "/new"),
        ])
        let fetcher = try Fixture.fetcher()
        let moved = try await fetcher.fetch(FeedFetchRequest(url: server.url("/old")))
        #expect(moved.newURL == server.url("/new"))
        #expect(moved.feed?.entries.count == 1)
        let visiting = try await fetcher.fetch(FeedFetchRequest(url: server.url("/away")))
        #expect(visiting.newURL == nil)
        #expect(visiting.url == server.url("/away"))
    }

    @Test func aFeedOverTheSizeCapIsRefused() async throws {
        let server = try RoutedServer(["/big": .body(Fixture.rss(title: "Big", count: 2000), contentType: "text/xml")])
        let fetcher = try Fixture.fetcher(maxBytes: 64 << 10)
        let error = await fetchFailure { () throws(FeedFetchError) in
            try await fetcher.fetch(FeedFetchRequest(url: server.url("/big")))
        }
        #expect(error?.kind == .tooLarge)
        #expect(error?.isTemporary == false)
    }

    @Test func aHangingFeedIsStoppedAtTheTimeCap() async throws {
        let server = try RoutedServer(["/slow": .hang])
        let fetcher = try Fixture.fetcher(timeLimit: .seconds(1))
        let error = await fetchFailure { () throws(FeedFetchError) in
            try await fetcher.fetch(FeedFetchRequest(url: server.url("/slow")))
        }
        #expect(error == .timedOut(url: server.url("/slow"), limit: .seconds(1)))
        #expect(error?.description.contains("did not answer within 1 s") == true)
        // The server saw the client hang up, not its own 20 s run out, and not before the cap.
        let hang = try #require(await server.hangs().first)
        #expect(hang.end == .clientHungUp)
        #expect(hang.held >= .milliseconds(900), "\(hang.held)")
    }

    @Test func aWebPageLeadsToTheFeedItLinksTo() async throws {
        let page = """
            <!DOCTYPE html><html><head><title>Locks</title>
            <link rel="stylesheet" href="/style.css">
            <link rel="alternate" type="application/rss+xml" title="Lock news" href="feeds/news.xml">
            </head><body><p>Welcome aboard.</p></body></html>
            """
        let server = try RoutedServer([
            "/site/": .body(Array(page.utf8), contentType: "text/html; charset=utf-8"),
            "/site/feeds/news.xml": .body(try Fixture.bytes("rss2.xml"), contentType: "application/rss+xml"),
            "/bare/": .body(Array("<html><head></head><body>No feeds</body></html>".utf8), contentType: "text/html"),
        ])
        let fetcher = try Fixture.fetcher()
        let found = try await fetcher.fetch(FeedFetchRequest(url: server.url("/site/")), discover: true)
        #expect(found.newURL == server.url("/site/feeds/news.xml"))
        #expect(found.request.url == server.url("/site/"))
        #expect(found.feed?.title == "Canal Lock Keepers")

        let refreshed = await fetchFailure { () throws(FeedFetchError) in
            try await fetcher.fetch(FeedFetchRequest(url: server.url("/site/")))
        }
        #expect(refreshed?.kind == .malformed)
        #expect(refreshed?.description.contains("this is a web page, not a feed") == true)

        let none = await fetchFailure { () throws(FeedFetchError) in
            try await fetcher.fetch(FeedFetchRequest(url: server.url("/bare/")), discover: true)
        }
        #expect(none == .noFeedInPage(url: server.url("/bare/")))
    }

    @Test func theHTTPCharsetDecidesTheEncoding() async throws {
        // No encoding in the prolog: only the header says these bytes are not UTF-8.
        let latin1 = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Caf\u{E9} Cr\u{E8}me</title>"
            + "<item><guid>1</guid><title>Cr\u{E8}me br\u{FB}l\u{E9}e</title><description>Sucre \u{E0} la torche.</description></item>"
            + "</channel></rss>"
        var windows = Array("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Quotes</title><item><guid>1</guid><title>".utf8)
        windows += [0x93, 0x4F, 0x6B, 0x94, 0x20, 0x96, 0x20, 0x80, 0x35]
        windows += Array("</title></item></channel></rss>".utf8)
        let server = try RoutedServer([
            "/latin1": .body(Array(try #require(latin1.data(using: .isoLatin1))), contentType: "application/rss+xml; charset=ISO-8859-1"),
            "/cp1252": .body(windows, contentType: "text/xml; charset=\"windows-1252\""),
        ])
        let fetcher = try Fixture.fetcher()
        let french = try #require(try await fetcher.fetch(FeedFetchRequest(url: server.url("/latin1"))).feed)
        #expect(french.title == "Caf\u{E9} Cr\u{E8}me")
        #expect(french.entries[0].title == "Cr\u{E8}me br\u{FB}l\u{E9}e")
        #expect(french.entries[0].text == "Sucre \u{E0} la torche.")
        let quoted = try #require(try await fetcher.fetch(FeedFetchRequest(url: server.url("/cp1252"))).feed)
        #expect(quoted.entries[0].title == "\u{201C}Ok\u{201D} \u{2013} \u{20AC}5")
    }

    @Test func errorStatusesAndMalformedFeedsAreClassified() async throws {
        let server = try RoutedServer([
            "/gone": .status(410), "/busy": .status(503),
            "/broken": .body(Array("<rss version=\"2.0\"><channel><title>T</title><item><title>x".utf8), contentType: "text/xml"),
        ])
        let fetcher = try Fixture.fetcher()
        let gone = await fetchFailure { () throws(FeedFetchError) in try await fetcher.fetch(FeedFetchRequest(url: server.url("/gone"))) }
        #expect(gone?.status == 410)
        #expect(gone?.isTemporary == false)
        #expect(gone?.description.contains("removed for good") == true)
        let busy = await fetchFailure { () throws(FeedFetchError) in try await fetcher.fetch(FeedFetchRequest(url: server.url("/busy"))) }
        #expect(busy?.kind == .httpStatus)
        #expect(busy?.isTemporary == true)
        let broken = await fetchFailure { () throws(FeedFetchError) in try await fetcher.fetch(FeedFetchRequest(url: server.url("/broken"))) }
        #expect(broken?.kind == .malformed)
        #expect(broken?.description.hasPrefix(server.url("/broken").absoluteString + ":1: ") == true)
    }

    @Test func backoffDoublesFromFifteenMinutesUpToADay() {
        let now = Date(timeIntervalSince1970: 1_772_000_000)
        let waits = (0...9).map { FeedBackoff.nextFetch(after: $0, at: now).timeIntervalSince(now) }
        #expect(waits == [0, 900, 1800, 3600, 7200, 14_400, 28_800, 57_600, 86_400, 86_400])
        let asked = FeedBackoff.nextFetch(after: 1, at: now, retryAfter: .seconds(7200))
        #expect(asked.timeIntervalSince(now) == 7200)
    }
}
