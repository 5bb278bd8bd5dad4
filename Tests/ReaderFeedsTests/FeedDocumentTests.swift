import Foundation
import ReaderFeeds
import ReaderModels
import Testing

/// Feeds parsed from memory, as fetched: every format, namespace and breakage.
@Suite struct FeedDocumentTests {
    static func parse(_ name: String, url: String = "https://feeds.example.test/feed", contentType: String? = nil) throws -> ParsedFeed {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: Fixture.path(name))))
        return try FeedDocument.parse(bytes, url: url, contentType: contentType)
    }

    @Test func readsRSS090() throws {
        let feed = try Self.parse("rss090.rdf")
        #expect(feed.format == .rss)
        #expect(feed.entries.map(\.title) == ["Fog horn serviced", "Lamp lens polished"])
        #expect(feed.entries[0].guid == "https://lighthouse.example.com/log/foghorn")
        #expect(feed.title == "Lighthouse Keepers' Log")
    }

    @Test func readsRSS091WithExternalDoctypeAndLatin1() throws {
        let feed = try Self.parse("rss091.xml")
        #expect(feed.entries.count == 1)
        #expect(feed.entries[0].text == "Bring spare seeds & a label for each packet.")
    }

    @Test func readsRSS10WithDublinCoreAndContent() throws {
        let feed = try Self.parse("rss1.rdf")
        #expect(feed.entries.count == 2)
        let graft = feed.entries[0]
        #expect(graft.author == "Hedda Lindqvist")
        #expect(graft.publishedText == "2026-02-14T08:30:00.000Z")
        #expect(graft.html == "<p>Cut both at the <b>same angle</b>, then tie with tape.</p>")
        #expect(graft.summary == "Matching cuts on rootstock and scion.")
        #expect(feed.entries[1].publishedText == "2026-02-20T00:00:00.000Z")
    }

    @Test func readsAtom03() throws {
        let feed = try Self.parse("atom03.xml")
        #expect(feed.format == .atom)
        let car = try #require(feed.entries.first)
        #expect(car.guid == "tag:trams.example.org,2026:car-14")
        #expect(car.url == "https://trams.example.org/diary/car-14")
        #expect(car.publishedText == "2026-01-09T16:00:00.000Z")
        #expect(car.updatedText == "2026-01-10T08:00:00.000Z")
        #expect(car.text == "After six years of restoration, car 14 ran again.")
        #expect(car.author == "Volunteer Desk")
        #expect(feed.entries[1].html == "<p>Open <em>weekends</em> only until March.</p>")
    }

    @Test func readsMediaRSS() throws {
        let feed = try Self.parse("media.xml", url: "https://pottery.example.com/feed.rss")
        let video = feed.entries[0]
        #expect(video.title == "Centering a large lump of clay")
        #expect(video.text == "Use your body weight, not your wrists.")
        #expect(video.html.hasPrefix("<p><img src=\"https://pottery.example.com/thumbs/42.jpg\" alt=\"\"></p>"))
        #expect(feed.entries[1].html.contains("https://pottery.example.com/img/43.png"))
        #expect(feed.entries[1].text == "Wait until leather-hard.")
    }

    @Test func resolvesRelativeLinksAgainstXMLBaseAndFeedURL() throws {
        let feed = try Self.parse("relative.atom", url: "https://choir.example.org/feeds/notes.atom")
        let first = feed.entries[0]
        #expect(first.url == "https://choir.example.org/season/2026/week-1.html")
        #expect(first.html.contains("href=\"https://choir.example.org/season/2026/scores/week-1.pdf\""))
        let second = feed.entries[1]
        #expect(second.url == "https://choir.example.org/feeds/notes/week-2")
    }

    @Test func sanitisesScriptsStylesFramesHandlersAndJavascriptURLs() throws {
        let second = try Self.parse("relative.atom", url: "https://choir.example.org/feeds/notes.atom").entries[1]
        #expect(!second.html.contains("javascript:"))
        #expect(!second.html.contains("onclick"))
        #expect(!second.html.contains("iframe"))
        #expect(!second.html.contains("style"))
        #expect(second.text == "Breathe")
        let graft = try Self.parse("rss1.rdf").entries[0]
        #expect(!graft.html.contains("script") && !graft.text.contains("steal"))
    }

    @Test func parsesBrokenDatesAndLeavesMissingOnesEmpty() throws {
        let dates = try Self.parse("broken-dates.xml").entries.map(\.publishedText)
        #expect(dates == [
            "2026-03-03T13:15:00.000Z", "2026-03-04T17:00:00.000Z", "2026-03-05T12:00:00.000Z",
            "2026-03-06T07:30:00.000Z", nil, nil,
        ])
    }

    @Test func identifiesEntriesByGuidThenLinkThenTitleAndDate() throws {
        let guids = try Self.parse("identity.xml").entries.map(\.guid)
        #expect(guids == [
            "special-17", "https://bakery.example.com/buns", "Sourdough starter giveaway|Fri, 06 Mar 2026 07:00:00 GMT",
        ])
    }

    @Test func decodesEntitiesAndCDATA() throws {
        let feed = try Self.parse("entities.xml")
        #expect(feed.title == "Chess Club & Friends")
        #expect(feed.entries[0].title == "Knights & bishops: \u{201C}minor\u{201D} pieces <3")
        #expect(feed.entries[0].text == "Bishops like open files & diagonals; knights like outposts.")
        #expect(feed.entries[1].title == "Endgames: K+P vs K")
        #expect(feed.entries[1].text == "Opposition decides it \u{2014} always.")
    }

    @Test func readsJSONFeedFromMemoryResolvingAgainstFeedURL() throws {
        let json = """
            {"version": "https://jsonfeed.org/version/1", "title": "Kite Flyers",
             "items": [{"id": 7, "url": "posts/7", "content_text": "Wind was perfect.", "date_published": "2026-03-01T10:00:00Z"}]}
            """
        let feed = try FeedDocument.parse(Array(json.utf8), url: "https://kites.example.org/feed.json")
        #expect(feed.format == .jsonFeed)
        #expect(feed.entries[0].url == "https://kites.example.org/posts/7")
        #expect(feed.entries[0].guid == "7")
        #expect(feed.source?.key == "https://kites.example.org/feed.json")
    }

    @Test func keysSourceByTheGivenKey() throws {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: Fixture.path("rss1.rdf"))))
        let feed = try FeedDocument.parse(bytes, url: "https://moved.example/rss", sourceKey: "https://orchard.example.net/old-rss")
        #expect(feed.entries.allSatisfy { $0.source.key == "https://orchard.example.net/old-rss" })
    }

    @Test func namesTheReasonForMalformedFeeds() throws {
        let truncated = Array("<rss version=\"2.0\"><channel><title>T</title><item><title>x</title>".utf8)
        #expect {
            try FeedDocument.parse(truncated, url: "https://x.example/feed")
        } throws: { error in
            "\(error)".hasPrefix("https://x.example/feed:1: unexpected end of file: <")
        }
        #expect {
            try FeedDocument.parse(Array("<html><body>hi</body></html>".utf8), url: "https://x.example/")
        } throws: { error in
            "\(error)".contains("not an RSS, Atom or JSON feed")
        }
        #expect {
            try FeedDocument.parse([], url: "https://x.example/empty")
        } throws: { error in
            "\(error)" == "https://x.example/empty: the response is empty"
        }
    }

    @Test func parsesDocumentsLargerThanLibxml2TakesInOnePiece() throws {
        // libxml2 refuses an input buffer past 10,000,000 bytes unless it is fed in chunks.
        // The bulk is in channel elements the reader skips, so the test spends its time in
        // the parser, not the sanitiser.
        let bulk = "<docs>" + String(repeating: "The tide turns twice a day at the old quay. ", count: 24_000) + "</docs>\n"
        var text = "<rss version=\"2.0\"><channel><title>Big</title>" + String(repeating: bulk, count: 10)
        for number in 1...10 { text += "<item><guid>\(number)</guid><title>Part \(number)</title><description>Short.</description></item>" }
        let bytes = Array((text + "</channel></rss>").utf8)
        #expect(bytes.count > 10_000_000)
        let feed = try FeedDocument.parse(bytes, url: "https://big.example/feed")
        #expect(feed.entries.count == 10)
    }

    @Test func sniffsHTMLPages() {
        #expect(FeedDocument.kind(of: Array("<!DOCTYPE html><html>".utf8)) == .html)
        #expect(FeedDocument.kind(of: Array("<rss>".utf8)) == .feed(.rss))
        #expect(FeedDocument.kind(of: Array("plain words".utf8)) == .other)
    }
}
