import ReaderFeeds
import ReaderModels
import Testing

@Suite struct JSONFeedTests {
    private static let version = "\"version\": \"https://jsonfeed.org/version/1.1\""

    @Test func readsFeedFieldsThatFollowTheItems() throws {
        let drafts = try Fixture.drafts("feed.json")
        let expected = SourceDraft(
            key: "https://harbour.example.com/feed.json", title: "Harbour Ecology Log",
            siteURL: "https://harbour.example.com/", feedURL: "https://harbour.example.com/feed.json", kind: .jsonFeed
        )
        #expect(drafts.count == 3)
        #expect(drafts.allSatisfy { $0.source == expected })
    }

    @Test func readsHTMLItem() throws {
        let item = try #require(try Fixture.drafts("feed.json").first)
        #expect(item.guid == "log-2026-031")
        #expect(item.url == "https://harbour.example.com/log/seagrass-survey")
        #expect(item.title == "Seagrass survey, week one")
        #expect(item.author == "Ines Carvalho, Dev Patel")
        #expect(item.publishedText == "2026-03-01T07:30:00.000Z")
        #expect(item.updatedText == "2026-03-02T10:00:00.500Z")
        #expect(item.summary == "Seagrass is recovering near the breakwater.")
        #expect(item.html == "<p>We counted <b>412</b> shoots per square metre.</p><p><a>Raw data</a></p>")
        #expect(item.text == "We counted 412 shoots per square metre.\n\nRaw data")
        #expect(item.line == 3)
    }

    @Test func acceptsNumericIDAndSingleAuthor() throws {
        let item = try Fixture.drafts("feed.json")[1]
        #expect(item.guid == "20260302")
        #expect(item.author == "Ines Carvalho")
        #expect(item.publishedText == "2026-03-02T00:00:00.000Z")
        #expect(item.html == "<p>Spat settled on every tile.</p>\n<p>The northern tiles did best.</p>")
        #expect(item.text == "Spat settled on every tile.\n\nThe northern tiles did best.")
    }

    @Test func titlesUntitledItemFromItsText() throws {
        let item = try Fixture.drafts("feed.json")[2]
        #expect(item.title == "Storm day. No diving, so we cleaned the gear and logged last week's samples.")
        #expect(item.url == nil)
        #expect(item.published == nil)
    }

    @Test func skipsAnItemWithoutIDNamingItsLineAndNumber() throws {
        let (drafts, result) = try Fixture.read("missing-id.json")
        #expect(drafts.map(\.guid) == ["log-1", "log-2"])
        #expect(result.skipped == [SkippedEntries(reason: .unreadable, count: 1, firstLine: 8, detail: "item 3: missing \"id\"")])
    }

    @Test func reportsStrayCharacterBeforeReadingAnyItem() throws {
        var count = 0
        let path = Fixture.path("broken.json")
        #expect(throws: FeedImportError(file: path, line: 6, reason: "unexpected 'x' where ',' or '}' should be")) {
            try FeedFile.read(path: path) { _ in count += 1 }
        }
        #expect(count == 0)
    }

    @Test func reportsTruncatedFile() throws {
        let path = Fixture.path("truncated.json")
        #expect(throws: FeedImportError(file: path, line: 16, reason: "unexpected end of file: the JSON is cut short")) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func rejectsOtherVersions() throws {
        let path = try Fixture.temporary("feed.json", text: "{\n  \"version\": \"1.1\",\n  \"title\": \"Log\",\n  \"items\": []\n}")
        let reason = "not a JSON Feed: \"version\" is \"1.1\", not https://jsonfeed.org/version/1.1 or 1.0"
        #expect(throws: FeedImportError(file: path, line: 2, reason: reason)) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func rejectsFeedWithoutItems() throws {
        let path = try Fixture.temporary("feed.json", text: "{ \(Self.version), \"title\": \"Log\" }")
        #expect(throws: FeedImportError(file: path, reason: "not a JSON Feed: it has no \"items\" array")) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func leavesOutAFieldWithTheWrongType() throws {
        let path = try Fixture.temporary("feed.json", text: """
            { \(Self.version), "title": "Log", "items": [
              { "id": "a", "title": 7, "content_text": "x" }
            ] }
            """)
        let (drafts, result) = try Fixture.read(atPath: path)
        #expect(drafts.map(\.title) == ["x"])
        #expect(result.skipped.isEmpty)
    }

    @Test func skipsBracketsAndQuotesInsideStrings() throws {
        let path = try Fixture.temporary("feed.json", text: #"""
            { "items": [ { "id": "a\"]}", "content_text": "x \\\" ] } [ {", "title": "T\u00e9" } ],
              "title": "Log ]", \#(Self.version) }
            """#)
        let drafts = try Fixture.drafts(atPath: path)
        #expect(drafts.map(\.guid) == ["a\"]}"])
        #expect(drafts.first?.text == "x \\\" ] } [ {")
        #expect(drafts.first?.title == "Té")
        #expect(drafts.first?.source.key == "Log ]")
    }

    @Test func readsEmptyItemsArray() throws {
        let path = try Fixture.temporary("feed.json", text: "{ \(Self.version), \"title\": \"Log\", \"items\": [ ] }")
        #expect(try Fixture.drafts(atPath: path).isEmpty)
    }
}
