import ReaderFeeds
import ReaderModels
import Testing

/// The smaller things real feeds carry (issue 11.9): RSS 1.0 `rdf:about`, `dc:description`,
/// `itunes:author`, `xhtml:body`, base64 Atom 0.3 content, `srcset` and a file's base URL.
@Suite struct FeedExtrasTests {
    @Test func rss1ItemsAreIdentifiedByRDFAboutAndReadDCDescription() throws {
        let (drafts, result) = try Fixture.read("extras.rdf")
        // Both items link to the same bulletin page: rdf:about keeps them apart.
        #expect(drafts.map(\.guid) == [
            "https://marsh.example.org/bulletin/2025-06#bittern",
            "https://marsh.example.org/bulletin/2025-06#harrier",
        ])
        #expect(drafts.map(\.url) == ["https://marsh.example.org/bulletin/2025-06", "https://marsh.example.org/bulletin/2025-06"])
        #expect(drafts[0].html == "Heard at the north scrape, <b>three</b> evenings running.")
        #expect(drafts[0].text == "Heard at the north scrape, three evenings running.")
        #expect(drafts[0].author == "Ruth Amsel")
        #expect(drafts[0].publishedText == "2025-06-03T20:40:00.000Z")
        #expect(drafts[1].text == "Food pass seen over the main bed.")
        #expect(result.source?.title == "Marsh Survey Bulletin")
        #expect(result.skipped.isEmpty)
    }

    @Test func podcastsReadITunesAuthorXHTMLBodyAndSrcset() throws {
        let (drafts, _) = try Fixture.read("podcast.xml")
        #expect(drafts.map(\.guid) == ["nightshift-12", "nightshift-13"])
        // The episode's own author, else the channel's.
        #expect(drafts.map(\.author) == ["Dana Quill", "Night Shift Collective"])
        #expect(drafts[0].html == "<p>Two keepers, one lamp.</p><p><img src=\"https://nightshift.example.fm/art/12-small.jpg\" "
            + "srcset=\"https://nightshift.example.fm/art/12-small.jpg 480w, https://nightshift.example.fm/episodes/art/12-large.jpg 1200w\" "
            + "alt=\"Lamp\"></p>")
        #expect(drafts[1].html == "<p>The <em>last</em> crossing of the night.</p>")
        #expect(drafts[1].text == "The last crossing of the night.")
    }

    @Test func atom03Base64ContentIsDecoded() throws {
        let (drafts, _) = try Fixture.read("base64.atom")
        #expect(drafts.map(\.title) == ["First frost", "Dahlias lifted"])
        #expect(drafts[0].html == "<p>The <b>first</b> frost on the allotment.</p>")
        #expect(drafts[0].text == "The first frost on the allotment.")
        #expect(drafts[1].html == "<p>Frost came early: the dahlias are lifted.</p>")
        #expect(drafts[1].publishedText == "2025-10-20T17:00:00.000Z")
    }

    @Test func aBaseURLResolvesAFilesRelativeLinksAndKeysItsFeed() throws {
        let (bare, _) = try Fixture.read("relative-links.xml")
        #expect(bare.first?.url == "/issues/4")
        let base = "https://stairwell.example.org/zine/feed.xml"
        let (drafts, result) = try Fixture.read("relative-links.xml", baseURL: base)
        #expect(drafts.first?.url == "https://stairwell.example.org/issues/4")
        #expect(drafts.first?.html == "<p><a href=\"https://stairwell.example.org/zine/issues/4.pdf\">Read it</a> "
            + "<img src=\"https://stairwell.example.org/covers/4.png\" alt=\"Cover\"></p>")
        #expect(drafts.first?.source.key == base)
        #expect(drafts.first?.source.feedURL == base)
        #expect(result.source?.title == "Stairwell Zine")
    }

    @Test func srcsetCandidatesAreResolvedAndUnsafeOnesDropped() {
        let html = #"<img src="a.png" srcset="a.png, b.png 2x,c.png  3x , data:image/svg+xml;base64,AAAA 4x">"#
        let (result, _) = HTMLText.sanitize(html)
        #expect(result == #"<img src="a.png" srcset="a.png, b.png 2x, c.png 3x">"#)
    }
}
