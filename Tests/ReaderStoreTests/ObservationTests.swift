import Foundation
import ReaderModels
@testable import ReaderStore
import Testing

/// Every write path tells observers (issue 13.4): `changes()` hears imports and refreshes as
/// it hears edits, syncs and pruning, and an app can follow a query's result.
@Suite struct ObservationTests {
    static func drafts(_ count: Int, source: String = "https://example.org/feed", from start: Int = 0) -> [ArticleDraft] {
        let src = SourceDraft(key: source, title: "Example Gazette", siteURL: "https://example.org/", kind: .rss)
        return (start..<(start + count)).map { index in
            ArticleDraft(
                source: src, guid: "g\(index)", url: "https://example.org/\(index)", title: "Article \(index)",
                author: nil, published: Date(timeIntervalSince1970: 1_760_000_000 + Double(index) * 60),
                html: "<p>text \(index)</p>", text: "text \(index)"
            )
        }
    }

    @Test func importsAndRefreshesAreHeardWithTheirArticlesAndFeeds() async throws {
        let test = try TestStore()
        let changes = test.store.changes()
        var iterator = changes.makeAsyncIterator()

        let first = Self.drafts(3)
        try test.store.importArticles(first)
        let imported = try #require(await iterator.next())
        #expect(imported.origin == .import)
        #expect(imported.articleIDs == Set(first.map(\.id)))
        #expect(imported.sourceIDs == [first[0].source.id])

        // The same articles again change nothing and say nothing; a refresh with one new
        // article names only it.
        try test.store.importArticles(first)
        let fetched = Self.drafts(4, source: "https://example.org/feed")
        try test.store.importFetchedFeed(fetched, state: FeedFetchState(url: "https://example.org/feed"))
        let refreshed = try #require(await iterator.next())
        #expect(refreshed.origin == .refresh)
        #expect(refreshed.articleIDs == [fetched[3].id])

        // A large import names its feed instead of every article.
        let many = Self.drafts(StoreChange.maxListedArticles + 5, source: "https://example.org/big", from: 100)
        try test.store.importArticles(many)
        let bulk = try #require(await iterator.next())
        #expect(bulk.origin == .import)
        #expect(bulk.articleIDs.isEmpty)
        #expect(bulk.sourceIDs == [many[0].source.id])
    }

    @Test func anUnreadCountFollowsEveryKindOfWrite() async throws {
        let test = try TestStore()
        var counts = test.store.observeUnreadCount().makeAsyncIterator()
        #expect(try await counts.next() == 0)
        let drafts = Self.drafts(3)
        try test.store.importArticles(drafts)
        #expect(try await counts.next() == 3)
        // Starring leaves the count as it is: no value; the next value is the read's.
        try test.store.markStarred([drafts[0].id])
        try test.store.markRead([drafts[0].id])
        // (article_states is WITHOUT ROWID, whose changes SQLite does not report: the store
        // reports them itself.)
        #expect(try await counts.next() == 2)
        try test.store.prune(policy: RetentionPolicy(unreadDays: 0), now: Date(timeIntervalSince1970: 1_770_000_000))
        // The starred article stays (it is read anyway); the two unread ones go.
        #expect(try await counts.next() == 0)
    }

    @Test func aFeedsUnreadCountAndAFilteredListFollowTheirOwnFeed() async throws {
        let test = try TestStore()
        let mine = Self.drafts(2, source: "https://example.org/mine")
        let other = Self.drafts(2, source: "https://example.org/other", from: 10)
        var count = test.store.observeUnreadCount(feedID: mine[0].source.id).makeAsyncIterator()
        var list = test.store.observeArticles(ArticleFilter(unreadOnly: true, sourceID: mine[0].source.id)).makeAsyncIterator()
        #expect(try await count.next() == 0)
        #expect(try await list.next()?.isEmpty == true)
        try test.store.importArticles(other)
        try test.store.importArticles(mine)
        #expect(try await count.next() == 2)
        // The other feed's import is no change to this list: the first value after the
        // empty one holds this feed's two articles.
        #expect(try await list.next()?.map(\.id).sorted() == mine.map(\.id).sorted())
        try test.store.markRead([mine[1].id])
        #expect(try await count.next() == 1)
        #expect(try await list.next()?.map(\.id) == [mine[0].id])
    }

    @Test func notesAreObserved() async throws {
        let test = try TestStore()
        let ids = try test.seed([("Tides", "High water at noon.")])
        var notes = test.store.observeNotes(articleID: ids[0]).makeAsyncIterator()
        #expect(try await notes.next()?.isEmpty == true)
        let note = try test.store.addNote(articleID: ids[0], body: "bring boots")
        #expect(try await notes.next()?.map(\.id) == [note.id])
        try test.store.deleteNote(id: note.id)
        #expect(try await notes.next()?.isEmpty == true)
    }
}
