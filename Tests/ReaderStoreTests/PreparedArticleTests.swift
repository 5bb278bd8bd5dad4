import Foundation
import GRDB
import ReaderModels
@testable import ReaderStore
import Testing

/// A refresh works out off the writer what writing an article needs (`PreparedArticle`):
/// the writer then stores the text only where the HTML does not give it back, as it does
/// when it decides itself, and keeps no link a `URL` cannot hold.
@Suite struct PreparedArticleTests {
    static let feedURL = "https://quay.example/feed"

    @Test func decidesWhichTextIsStoredAsTheWriterWould() async throws {
        let derivable = PreparedArticle(TextOnceTests.derivable)
        let different = PreparedArticle(TextOnceTests.different)
        #expect(derivable.text == .derived)
        #expect(different.text == .stored)
        #expect(derivable.id == TextOnceTests.derivable.id)
        #expect(derivable.contentHash == TextOnceTests.derivable.contentHash)

        let test = try TestStore()
        let report = try await test.store.async.importFetchedFeed([derivable, different], state: FeedFetchState(url: Self.feedURL))
        #expect([report.new, report.updated, report.unchanged] as [Int] == [2, 0, 0])
        #expect(report.format == .rss)
        let stored = try await test.store.pool.read(TextOnceTests.storedText)
        #expect(stored[derivable.id] == .some(nil), "derived text is NULL")
        #expect(stored[different.id] == .some(TextOnceTests.different.text), "text the HTML does not give back is stored")
        #expect(try test.store.article(id: different.id).text == TextOnceTests.different.text)
        #expect(try test.store.search("heron").map(\.id) == [different.id])
        #expect(try test.store.search("flour").map(\.id) == [derivable.id])
        try TextOnceTests.checkIndex(test.store)

        // Prepared the same again, nothing changes; changed, the decision is the new one's.
        var reworded = TextOnceTests.different
        reworded.html = "<p>An egret.</p>"
        reworded.text = "An egret."
        let again = try await test.store.async.importFetchedFeed(
            [PreparedArticle(TextOnceTests.derivable), PreparedArticle(reworded)], state: FeedFetchState(url: Self.feedURL)
        )
        #expect([again.new, again.updated, again.unchanged] as [Int] == [0, 1, 1])
        #expect(try await test.store.pool.read(TextOnceTests.storedText)[different.id] == .some(nil))
        #expect(try test.store.search("heron").isEmpty)
        #expect(try test.store.search("egret").map(\.id) == [different.id])
        try TextOnceTests.checkIndex(test.store)
    }

    @Test func dropsALinkNoURLHolds() async throws {
        var draft = TextOnceTests.derivable
        draft.url = ""
        let prepared = PreparedArticle(draft)
        #expect(prepared.url == nil)
        #expect(PreparedArticle(TextOnceTests.different).url == TextOnceTests.different.url)

        let test = try TestStore()
        try await test.store.async.importFetchedFeed([prepared], state: FeedFetchState(url: Self.feedURL))
        #expect(try test.store.article(id: draft.id).url == nil)
    }
}
