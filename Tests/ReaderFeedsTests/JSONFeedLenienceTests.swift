import ReaderFeeds
import ReaderModels
import Testing

/// JSON Feed as real feeds write it (issue 11.4): feed-level authors inherited, entities in
/// titles decoded, and a bad field or item costing only itself.
@Suite struct JSONFeedLenienceTests {
    @Test func readsEveryUsableItemOfAnUnevenFeed() throws {
        let (drafts, result) = try Fixture.read("lenient.json")
        #expect(drafts.map(\.guid) == [
            "https://bread.example.dev/2025/sourdough-pi",
            "https://bread.example.dev/2025/guest",
            "1042",
            "https://bread.example.dev/2025/photo",
        ])
        #expect(drafts.map(\.title) == [
            "Sourdough & a Raspberry Pi",
            "Guest post: rye",
            "The oven log, week by week.",
            "bread.example.dev/2025/photo",
        ])
        // Items without authors (or with `authors` of the wrong type) have the feed's.
        #expect(drafts.map(\.author) == ["Mo Okafor", "Ilse Brandt", "Mo Okafor", "Mo Okafor"])
        #expect(drafts[0].source.title == "Bread & Circuits")
        #expect(drafts[0].html == "<p>A temperature probe in the starter.</p>")
        #expect(drafts[0].publishedText == "2025-03-14T13:00:00.000Z")
        // An unreadable date is no date, and the item stays.
        #expect(drafts[2].published == nil)
        #expect(drafts[2].text == "The oven log, week by week.")
        #expect(drafts[3].text == "")
        #expect(result.skipped == [
            SkippedEntries(reason: .unreadable, count: 2, firstLine: 32, detail: "item 4: should be an object")
        ])
        #expect(result.source?.key == "https://bread.example.dev/feed.json")
    }

    @Test func skipsAnItemWithNothingToShowAndSaysSo() throws {
        let path = try Fixture.temporary("quiet.json", text: """
            {
              "version": "https://jsonfeed.org/version/1.1",
              "title": "Quiet Log",
              "items": [
                {"id": "q-1", "title": "Only one with words", "content_text": "Words."},
                {"id": "q-2", "content_html": "   "},
                {"id": "", "title": "An empty id"}
              ]
            }
            """)
        let (drafts, result) = try Fixture.read(atPath: path)
        #expect(drafts.map(\.guid) == ["q-1"])
        #expect(result.skipped == [
            SkippedEntries(reason: .empty, count: 1, firstLine: 6, detail: "item 2 has no title, text or link"),
            SkippedEntries(reason: .unreadable, count: 1, firstLine: 7, detail: "item 3: \"id\" is empty"),
        ])
    }

    /// JSON may spell any control character, U+0000 included, as an escape; none reaches a
    /// draft (a PostgreSQL server's text columns refuse NUL, and one such feed once stopped
    /// its whole refresh there).
    @Test func controlCharactersSpelledAsEscapesReachNoDraft() throws {
        let path = try Fixture.temporary("controls.json", text: #"""
            {
              "version": "https://jsonfeed.org/version/1.1",
              "title": "Nul\u0000Feed",
              "home_page_url": "https://controls.example/",
              "items": [
                {"id": "c-\u00001", "url": "https://controls.example/\u0000a", "title": "Ti\u0000tle\u0007",
                 "summary": "sum\u0000mary", "authors": [{"name": "Ada\u0000 L"}],
                 "content_text": "body\u0000 text\u001b"},
                {"id": "c-2", "title": "HTML", "content_html": "<p>in\u0000side</p>"}
              ]
            }
            """#)
        let (drafts, result) = try Fixture.read(atPath: path)
        #expect(result.skipped == [])
        #expect(drafts.map(\.guid) == ["c-1", "c-2"])
        #expect(drafts.first?.title == "Title")
        #expect(drafts.first?.source.title == "NulFeed")
        for draft in drafts {
            let fields = [
                draft.guid, draft.title, draft.author ?? "", draft.summary ?? "", draft.html, draft.text,
                draft.url ?? "", draft.source.title,
            ]
            for field in fields {
                #expect(!field.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, Comment(rawValue: field.debugDescription))
            }
        }
    }
}
