import Foundation
import ReaderModels
@testable import ReaderStore
import Testing

/// Subscriptions' fetch state, and fetched feeds written into the store.
@Suite struct FeedStoreTests {
    static let feedURL = "https://tides.example.org/feed.xml"
    static let source = SourceDraft(key: feedURL, title: "Tide Tables", siteURL: "https://tides.example.org/", kind: .rss)

    static func draft(_ guid: String, _ text: String, title: String = "High water") -> ArticleDraft {
        ArticleDraft(
            source: source, guid: guid, url: "https://tides.example.org/\(guid)", title: title,
            published: Date(timeIntervalSince1970: 1_772_000_000), html: "<p>\(text)</p>", text: text
        )
    }

    @Test func fetchStateRoundTrips() throws {
        let test = try TestStore()
        try test.store.subscribeFeed(url: Self.feedURL, title: "Tides", tags: ["coast"])
        let fresh = try #require(try test.store.feedFetchState(url: Self.feedURL))
        #expect(fresh == FeedFetchState(url: Self.feedURL))
        let state = FeedFetchState(
            url: Self.feedURL, sourceKey: Self.feedURL, title: "Tide Tables", siteURL: "https://tides.example.org/",
            etag: "W/\"t7\"", lastModified: "Tue, 03 Mar 2026 10:00:00 GMT",
            lastFetchAt: Date(timeIntervalSince1970: 1_772_100_000), lastStatus: 503,
            lastError: "tides.example.org answered HTTP 503.", consecutiveFailures: 3,
            nextFetchAt: Date(timeIntervalSince1970: 1_772_103_600)
        )
        try test.store.saveFeedFetchState(state)
        #expect(try test.store.feedFetchState(url: Self.feedURL) == state)
        let feeds = try test.store.feedSubscriptions()
        #expect(feeds.count == 1)
        #expect(feeds[0].title == "Tides")
        #expect(feeds[0].tags == ["coast"])
        #expect(feeds[0].state == state)
        #expect(try test.store.feedSubscription(named: String(state.id.prefix(6)))?.url == Self.feedURL)
        #expect(try test.store.feedSubscription(named: Self.feedURL)?.id == state.id)
        #expect(try test.store.feedSubscription(named: "zzzz") == nil)
    }

    @Test func aChangedEntryUpdatesAndNeverDuplicates() throws {
        let test = try TestStore()
        try test.store.subscribeFeed(url: Self.feedURL)
        let state = FeedFetchState(url: Self.feedURL)
        let first = try test.store.importFetchedFeed([Self.draft("a", "Spring tide at noon."), Self.draft("b", "Neap tide.")], state: state)
        #expect([first.new, first.updated, first.unchanged] as [Int] == [2, 0, 0])
        let changed = try test.store.importFetchedFeed([Self.draft("a", "Spring tide at half past noon."), Self.draft("b", "Neap tide.")], state: state)
        #expect([changed.new, changed.updated, changed.unchanged] as [Int] == [0, 1, 1])
        #expect(try test.count("SELECT count(*) FROM articles") == 2)
        #expect(try test.count("SELECT count(*) FROM sources") == 1)
        #expect(try test.store.search("half").map(\.id) == [Self.draft("a", "").id])
        #expect(try test.store.search("noon").count == 1)
    }

    @Test func notesOnAnUpdatedArticleKeepTheirAnchors() throws {
        let test = try TestStore()
        let state = FeedFetchState(url: Self.feedURL)
        let original = Self.draft("a", "The causeway floods twice a day. Check the board before crossing.")
        try test.store.importFetchedFeed([original], state: state)
        let note = try test.store.addNote(articleID: original.id, body: "photograph this", quote: "Check the board")
        let gone = try test.store.addNote(articleID: original.id, body: "true?", quote: "floods twice a day")

        let edited = Self.draft("a", "Since the new sluice, the causeway floods once a day. Always check the board before crossing.")
        let report = try test.store.importFetchedFeed([edited], state: state)
        #expect(report.updated == 1)
        let notes = try test.store.notes(articleID: original.id)
        let anchored = try #require(notes.first { $0.id == note.id }?.anchor)
        #expect(anchored.exact == "check the board" || anchored.exact == "Check the board")
        #expect(anchored.prefix.hasSuffix("once a day. Always "))
        #expect(edited.text.contains(anchored.prefix + anchored.exact + anchored.suffix))
        #expect(notes.contains { $0.id == gone.id }, "a note whose passage is gone is kept")
        #expect(try test.count("SELECT count(*) FROM notes WHERE orphaned = 1") == 1)
        #expect(try test.count("SELECT orphaned FROM notes WHERE id = '\(note.id)'") == 0)
    }

    @Test func movingAFeedKeepsItsSourceTitleAndTags() throws {
        let test = try TestStore()
        let moved = "https://tides.example.org/v2/feed.xml"
        try test.store.subscribeFeed(url: Self.feedURL, title: "Tides", tags: ["coast", "daily"])
        try test.store.saveFeedFetchState(FeedFetchState(url: Self.feedURL, etag: "\"x\""))
        try test.store.moveFeed(from: Self.feedURL, to: moved)
        let feeds = try test.store.feedSubscriptions()
        #expect(feeds.map(\.url) == [moved])
        #expect(feeds[0].title == "Tides")
        #expect(feeds[0].tags == ["coast", "daily"])
        #expect(feeds[0].state.sourceKey == Self.feedURL)
        #expect(feeds[0].state.etag == "\"x\"")
        #expect(try test.store.feedFetchState(url: Self.feedURL) == nil)
    }

    @Test func unsubscribingKeepsTheArticles() throws {
        let test = try TestStore()
        try test.store.subscribeFeed(url: Self.feedURL)
        try test.store.importFetchedFeed([Self.draft("a", "Spring tide.")], state: FeedFetchState(url: Self.feedURL))
        try test.store.unsubscribeFeed(url: Self.feedURL)
        #expect(try test.store.feedSubscriptions().isEmpty)
        #expect(try test.store.feedFetchState(url: Self.feedURL) == nil)
        #expect(try test.count("SELECT count(*) FROM articles") == 1)
    }
}
