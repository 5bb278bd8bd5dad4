import Foundation
import ReaderFeeds
import ReaderModels
import Testing

/// Entries and feeds without titles (issue 11.2): derived titles, skipped entries, and feeds
/// that say nothing about themselves before their items.
@Suite struct UntitledEntryTests {
    @Test func titlesLinkOnlyAndPhotoOnlyItemsAndSkipsEmptyOnes() throws {
        let (drafts, result) = try Fixture.read("untitled-items.xml")
        #expect(drafts.map(\.title) == [
            "Anemones at dawn",
            "tidepool.example.net/2025/04/crab-moult",
            "Thu, 03 Apr 2025 07:20:00 +0100",
        ])
        #expect(drafts.map(\.guid) == [
            "https://tidepool.example.net/2025/04/anemones",
            "https://www.tidepool.example.net/2025/04/crab-moult/",
            "tidepool-photo-1187",
        ])
        #expect(drafts[1].url == "https://www.tidepool.example.net/2025/04/crab-moult/")
        #expect(drafts[1].text == "")
        #expect(drafts[1].publishedText == "2025-04-02T06:00:00.000Z")
        #expect(drafts[2].html == "<p><img src=\"https://img.tidepool.example.net/1187.jpg\" alt=\"\"></p>")
        #expect(drafts[2].url == nil)
        #expect(result.skipped == [SkippedEntries(reason: .empty, count: 2, firstLine: 23, detail: "item has no title, text or link")])
        #expect(result.source?.title == "Tidepool Photo Log")
    }

    @Test func anItemThatWasRefusedBeforeIsNowTitledByItsLink() throws {
        let (drafts, result) = try Fixture.read("empty-item.xml")
        #expect(drafts.map(\.title) == ["Pollen under polarised light", "microscope.example.org/2026/03/blank"])
        #expect(drafts[1].guid == "https://microscope.example.org/2026/03/blank")
        #expect(result.skipped.isEmpty)
    }

    @Test func aChannelTitleAfterTheItemsNamesTheSource() throws {
        let (drafts, result) = try Fixture.read("late-title.xml")
        #expect(drafts.map(\.title) == ["Grafting the old pear", "Winter wash"])
        // Keyed and provisionally titled by the site link, the only thing known at the first item.
        #expect(drafts.allSatisfy { $0.source.key == "https://orchard.example.com/notes" })
        #expect(drafts[0].source.title == "https://orchard.example.com/notes")
        #expect(result.source?.key == "https://orchard.example.com/notes")
        #expect(result.source?.title == "Orchard Notebook")
        #expect(result.skipped.isEmpty)
    }

    @Test func aFeedWithNoTitleLinkOrIDIsKeyedByItsFileOrBaseURL() throws {
        let path = Fixture.path("untitled.atom")
        let (drafts, result) = try Fixture.read(atPath: path)
        #expect(drafts.map(\.guid) == ["tag:belfry.example.org,2025:nests-1"])
        #expect(drafts.first?.source.key == URL(fileURLWithPath: path).absoluteString)
        #expect(result.source?.title == "untitled.atom")
        // Relative links stay relative: there is nothing to resolve them against.
        #expect(drafts.first?.url == "nests/1")

        let (fetched, named) = try Fixture.read(atPath: path, baseURL: "https://belfry.example.org/atom.xml")
        #expect(fetched.first?.source.key == "https://belfry.example.org/atom.xml")
        #expect(named.source?.title == "https://belfry.example.org/atom.xml")
        #expect(fetched.first?.url == "https://belfry.example.org/nests/1")
        #expect(fetched.first?.text == "Eleven nests under the eaves.")
    }

    @Test func anAtomFeedNamingOnlyItsSiteIsTitledByIt() throws {
        let path = try Fixture.temporary("site-only.atom", text: """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <link rel="alternate" href="https://kilns.example.org/"/>
              <entry>
                <id>tag:kilns.example.org,2025:1</id>
                <title>Bisque firing</title>
                <link href="/log/1"/>
                <updated>2025-02-01T10:00:00Z</updated>
                <content type="html">&lt;p&gt;Slow to 600 °C.&lt;/p&gt;</content>
              </entry>
            </feed>
            """)
        let (drafts, result) = try Fixture.read(atPath: path)
        #expect(drafts.map(\.url) == ["https://kilns.example.org/log/1"])
        #expect(drafts.first?.text == "Slow to 600 °C.")
        #expect(result.source?.key == URL(fileURLWithPath: path).absoluteString)
        #expect(result.source?.title == "https://kilns.example.org/")
        #expect(result.source?.siteURL == "https://kilns.example.org/")
    }

    @Test func itemsDirectlyInRSSAreReadAndAnEmptyRSSIsRefusedSayingSo() throws {
        let (drafts, result) = try Fixture.read("rss-no-channel.xml")
        #expect(drafts.map(\.title) == ["Not in a channel"])
        #expect(drafts.map(\.url) == ["https://loose.example.org/1"])
        #expect(result.source?.title == "Loose Items")

        let path = try Fixture.temporary("bare.xml", text: "<?xml version=\"1.0\"?>\n<rss version=\"2.0\">\n</rss>\n")
        let reason = "the <rss> element holds no <channel> and no items, so there is nothing to import (RSS puts them in <rss><channel>)"
        #expect(throws: FeedImportError(file: path, reason: reason)) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func readsRSSInUserLandsOrHarvardsNamespace() throws {
        for namespace in ["http://backend.userland.com/rss", "http://blogs.law.harvard.edu/tech/rss"] {
            let path = try Fixture.temporary("ns.xml", text: """
                <rss version="0.92" xmlns="\(namespace)">
                  <channel>
                    <title>Weather Vane</title>
                    <link>https://vane.example.org/</link>
                    <item><title>Wind from the west</title><link>https://vane.example.org/w</link></item>
                  </channel>
                </rss>
                """)
            let (drafts, result) = try Fixture.read(atPath: path)
            #expect(drafts.map(\.title) == ["Wind from the west"])
            #expect(result.source?.title == "Weather Vane")
        }
    }

    @Test func aFeedNamedRootInAnotherNamespaceIsRefusedWithoutContradiction() throws {
        let path = Fixture.path("foreign-feed.xml")
        let reason = "the root element <feed> is in the namespace \"http://example.org/schemas/activity\", "
            + "which is not RSS's or Atom's: this is not an RSS or Atom feed"
        #expect(throws: FeedImportError(file: path, line: 2, reason: reason)) {
            try FeedFile.read(path: path) { _ in }
        }
    }
}
