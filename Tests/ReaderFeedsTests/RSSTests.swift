import ReaderFeeds
import ReaderModels
import Testing

@Suite struct RSSTests {
    @Test func takesSourceFromChannelBeforeFirstItem() throws {
        let drafts = try Fixture.drafts("rss2.xml")
        let expected = SourceDraft(
            key: "https://microscope.example.org/feed.xml", title: "The Quarterly Microscope",
            siteURL: "https://microscope.example.org/", feedURL: "https://microscope.example.org/feed.xml", kind: .rss
        )
        #expect(drafts.count == 5)
        #expect(drafts.allSatisfy { $0.source == expected })
    }

    @Test func readsItemWithContentEncoded() throws {
        let item = try #require(try Fixture.drafts("rss2.xml").first)
        #expect(item.guid == "microscope-2026-0311")
        #expect(item.url == "https://microscope.example.org/2026/03/tardigrades")
        #expect(item.title == "Tardigrades & the art of drying out")
        #expect(item.author == "Mireille Okafor")
        #expect(item.publishedText == "2026-03-03T08:15:00.000Z")
        #expect(item.updated == nil)
        #expect(item.summary == "How a half-millimetre animal survives a decade without water.")
        #expect(item.line == 16)
    }

    @Test func sanitisesContentEncodedIntoBody() throws {
        let item = try #require(try Fixture.drafts("rss2.xml").first)
        #expect(item.html == """
            <p>Tardigrades curl into a <em>tun</em> when their pond dries up.</p>
            <p><img src="https://microscope.example.org/images/tun.jpg" alt="A tardigrade tun"></p>

            <p>In that state they lose almost all their water — and wait.</p>
            <p><a>Watch the video</a> or <a href="https://microscope.example.org/tun">read the paper</a>.</p>

            <p>Rehydrated, they walk away\u{A0}within hours.<br>Some do not.</p>
            """)
        #expect(item.text == """
            Tardigrades curl into a tun when their pond dries up.

            In that state they lose almost all their water — and wait.

            Watch the video or read the paper.

            Rehydrated, they walk away within hours.
            Some do not.
            """)
    }

    @Test func usesDescriptionAsBodyWhenThereIsNoContent() throws {
        let item = try Fixture.drafts("rss2.xml")[1]
        #expect(item.guid == "https://microscope.example.org/2026/03/frost-ferns")
        #expect(item.author == "Priya Natarajan")
        #expect(item.publishedText == "2026-03-04T09:30:00.000Z")
        #expect(item.summary == nil)
        #expect(item.html == "<p>Ice crystals branch where the glass is <strong>scratched</strong>.</p><p>Clean glass stays clear longer.</p>")
        #expect(item.text == "Ice crystals branch where the glass is scratched.\n\nClean glass stays clear longer.")
    }

    @Test func resolvesRelativeLinkAgainstChannelLink() throws {
        let item = try Fixture.drafts("rss2.xml")[2]
        #expect(item.url == "https://microscope.example.org/notes/ice-cores")
        #expect(item.guid == "https://microscope.example.org/notes/ice-cores")
        #expect(item.publishedText == "2026-03-05T04:05:09.000Z")
    }

    @Test func keysItemWithoutGuidOrLinkByTitleAndDate() throws {
        let item = try Fixture.drafts("rss2.xml")[3]
        #expect(item.url == nil)
        #expect(item.guid == "Letters: on lichens|Thu, 05 Mar 2026 18:00:00 PDT")
        #expect(item.publishedText == "2026-03-06T01:00:00.000Z")
    }

    @Test func titlesUntitledItemFromItsText() throws {
        let item = try Fixture.drafts("rss2.xml")[4]
        #expect(item.title == "Quick note: the spring microscopy workshop is full, and a waiting list is open…")
        #expect(item.url == "https://microscope.example.org/notes/workshop-full")
        #expect(item.guid == "https://microscope.example.org/notes/workshop-full")
        #expect(item.published == nil)
    }

    @Test func keysSourceByChannelLinkWithoutSelfLink() throws {
        var drafts: [ArticleDraft] = []
        try FeedFile.read(path: Fixture.path("empty-item.xml")) { drafts.append($0) }
        let item = try #require(drafts.first)
        #expect(item.source.key == "https://microscope.example.org/")
        #expect(item.source.feedURL == nil)
        #expect(item.guid == "Pollen under polarised light|")
    }


    @Test func reportsTruncatedFileAfterTheItemsBeforeIt() throws {
        var titles: [String] = []
        let path = Fixture.path("truncated.xml")
        #expect(throws: FeedImportError(file: path, line: 36, reason: "unexpected end of file: <description> from line 36 is never closed")) {
            try FeedFile.read(path: path) { titles.append($0.title) }
        }
        #expect(titles == ["Tardigrades & the art of drying out"])
    }

    @Test func readsAnHTMLEntityAsItsCharacter() throws {
        let path = try Fixture.temporary("nbsp.xml", text: """
            <rss version="2.0"><channel><title>Notes</title>
            <item><title>Caf&eacute; hours</title></item>
            </channel></rss>
            """)
        #expect(try Fixture.drafts(atPath: path).map(\.title) == ["Café hours"])
    }

    @Test func readsRSS1ItemsBesideTheChannel() throws {
        let path = try Fixture.temporary("rss1.rdf", text: """
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                     xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel rdf:about="https://microscope.example.org/">
                <title>The Quarterly Microscope</title>
                <link>https://microscope.example.org/</link>
              </channel>
              <item rdf:about="https://microscope.example.org/2026/03/moss">
                <title>Moss, magnified</title>
                <link>https://microscope.example.org/2026/03/moss</link>
                <dc:date>2026-03-07T10:00:00+01:00</dc:date>
                <dc:creator>Mireille Okafor</dc:creator>
                <description>Leaves one cell thick.</description>
              </item>
            </rdf:RDF>
            """)
        let drafts = try Fixture.drafts(atPath: path)
        #expect(drafts.map(\.title) == ["Moss, magnified"])
        #expect(drafts.first?.source.key == "https://microscope.example.org/")
        #expect(drafts.first?.publishedText == "2026-03-07T09:00:00.000Z")
        #expect(drafts.first?.author == "Mireille Okafor")
        #expect(drafts.first?.text == "Leaves one cell thick.")
    }

    @Test func toleratesUndeclaredNamespacePrefix() throws {
        let path = try Fixture.temporary("media.xml", text: """
            <rss version="2.0"><channel><title>Notes</title>
            <item><title>Pond life</title><media:thumbnail url="https://example.org/t.jpg"/><description>Daphnia.</description></item>
            </channel></rss>
            """)
        #expect(try Fixture.drafts(atPath: path).map(\.title) == ["Pond life"])
    }

    @Test func neverResolvesExternalEntities() throws {
        let secret = try Fixture.temporary("secret.txt", text: "top secret")
        let path = try Fixture.temporary("xxe.xml", text: """
            <?xml version="1.0"?>
            <!DOCTYPE rss [ <!ENTITY secret SYSTEM "file://\(secret)"> ]>
            <rss version="2.0"><channel><title>Notes</title>
            <item><title>Leak &secret;</title><description>Body</description></item>
            </channel></rss>
            """)
        // A DOCTYPE that declares entities is refused outright (XMLSafety), before any is read.
        var drafts: [ArticleDraft] = []
        #expect {
            try FeedFile.read(path: path) { drafts.append($0) }
        } throws: { error in
            "\(error)".hasPrefix("\(path):1: the document declares entities in its DOCTYPE")
        }
        #expect(drafts.isEmpty)
    }
}
