import Foundation
import ReaderModels
@testable import ReaderStore
import Testing

/// The edits behind `reader tag`, `untag` and `mark read --all`, and the `tag` / feed
/// filters, as an app calls them: what goes to the outbox, and the typed error (with
/// nothing written) for an unknown article or feed and for tags over the limits.
@Suite struct ArticleEditTests {
    static let feedURL = "https://example.org/feed"
    static var feedID: String { Fingerprint.sourceID(key: feedURL) }

    @Test func addAndRemoveTagsKeepTheOthersAndQueueOneMutationEach() throws {
        let test = try TestStore()
        let ids = try test.seed([("One", "alpha"), ("Two", "beta")])
        try test.store.apply(.setTags(articleID: ids[0], tags: ["kept"]))
        let added = try test.store.apply(.addTags(articleID: ids[0], tags: ["new", " kept "]))
        #expect(added.mutations.map { JSON.encode($0.fields) } == [#"{"tags":["kept","new"]}"#])
        #expect(try test.store.article(id: ids[0]).state.tags == ["kept", "new"])
        #expect(try test.store.articles(ArticleFilter(tag: "new")).map(\.id) == [ids[0]])
        #expect(try test.store.articles(ArticleFilter(tag: " kept")).map(\.id) == [ids[0]])

        let removed = try test.store.apply(.removeTags(articleID: ids[0], tags: ["kept", "absent"]))
        #expect(removed.mutations.map { JSON.encode($0.fields) } == [#"{"tags":["new"]}"#])
        #expect(try test.store.articles(ArticleFilter(tag: "kept")).isEmpty)

        // Nothing to change: nothing written, nothing queued.
        let pending = try test.store.pendingMutations().count
        #expect(try test.store.apply(.addTags(articleID: ids[0], tags: ["new"])).mutations.isEmpty)
        #expect(try test.store.apply(.removeTags(articleID: ids[1], tags: ["new"])).mutations.isEmpty)
        #expect(try test.store.pendingMutations().count == pending)
    }

    @Test func tagEditsOverTheLimitsOrOnUnknownArticlesThrowAndWriteNothing() throws {
        let test = try TestStore()
        let id = try test.seed([("One", "alpha")])[0]
        try test.store.apply(.setTags(articleID: id, tags: (1...31).map { "t\($0)" }))
        let pending = try test.store.pendingMutations()
        let tags = try test.store.article(id: id).state.tags
        #expect(throws: StoreError.invalidValue("an article can have at most 32 tags; article \(id) has 31, and this would give it 33")) {
            try test.store.apply(.addTags(articleID: id, tags: ["a", "b"]))
        }
        let long = String(repeating: "x", count: 65)
        #expect(throws: StoreError.tooLong(what: "the tag \u{201C}\(long.prefix(40))\u{201D}", bytes: 65, limit: 64)) {
            try test.store.apply(.addTags(articleID: id, tags: [long]))
        }
        #expect(throws: StoreError.invalidValue("a tag cannot be empty")) { try test.store.apply(.removeTags(articleID: id, tags: [" "])) }
        #expect(throws: StoreError.invalidValue("name at least one tag")) { try test.store.apply(.addTags(articleID: id, tags: [])) }
        #expect(throws: StoreError.articleNotFound("feedface")) { try test.store.apply(.addTags(articleID: "feedface", tags: ["a"])) }
        #expect(try test.store.pendingMutations() == pending)
        #expect(try test.store.article(id: id).state.tags == tags)
        // One more fits: 32 is the limit, not past it.
        #expect(try test.store.apply(.addTags(articleID: id, tags: ["a"])).mutations.count == 1)
    }

    @Test func markAllReadMarksTheUnreadArticlesOfAFeedBeforeAnInstant() throws {
        let test = try TestStore()
        // Published an hour apart from 1_760_000_000.
        let ids = try test.seed([("One", "a"), ("Two", "b"), ("Three", "c"), ("Four", "d")])
        let other = try test.seed([("Elsewhere", "e")], source: "https://other.example/feed")
        try test.store.markRead([ids[0]])
        let before = Date(timeIntervalSince1970: 1_760_000_000 + 2 * 3600)
        let applied = try test.store.apply(.markAllRead(feedID: Self.feedID, before: before))
        #expect(applied.mutations.map(\.entityID) == [ids[1]], "the first was read already; the third is not before")
        #expect(applied.mutations.map { JSON.encode($0.fields) } == [#"{"read":true}"#])
        #expect(try test.store.articles(ArticleFilter(unreadOnly: true, sourceID: Self.feedID)).map(\.id) == [ids[3], ids[2]])
        #expect(try test.store.apply(.markAllRead(feedID: Self.feedID, before: nil)).mutations.count == 2)
        #expect(try test.store.articles(ArticleFilter(unreadOnly: true)).map(\.id) == other)
        #expect(try test.store.apply(.markAllRead(feedID: nil, before: nil)).mutations.map(\.entityID) == other)
        #expect(try test.store.apply(.markAllRead(feedID: nil, before: nil)).mutations.isEmpty)
    }

    @Test func anUnknownFeedThrowsAndASubscribedOneWithNoArticlesYetIsKnown() throws {
        let test = try TestStore()
        try test.seed([("One", "a")])
        let pending = try test.store.pendingMutations()
        #expect(throws: StoreError.feedNotFound("feedfacefeed")) {
            try test.store.apply(.markAllRead(feedID: "feedfacefeed", before: nil))
        }
        #expect(try test.store.pendingMutations() == pending)
        #expect(throws: StoreError.feedNotFound("https://nowhere.example/")) { try test.store.resolveFeedID("https://nowhere.example/") }
        #expect(throws: StoreError.feedNotFound("abc")) { try test.store.resolveFeedID("abc") }

        #expect(try test.store.resolveFeedID(Self.feedID) == Self.feedID)
        #expect(try test.store.resolveFeedID(String(Self.feedID.prefix(4)).uppercased()) == Self.feedID)
        #expect(try test.store.resolveFeedID(Self.feedURL) == Self.feedID)

        // Subscribed, never fetched: it has its id already, and no articles to mark.
        let url = "https://later.example/feed.xml"
        try test.store.subscribeFeed(url: url)
        let later = try test.store.resolveFeedID(url)
        #expect(later == Fingerprint.sourceID(key: url))
        #expect(try test.store.feedSubscriptions().map(\.id) == [later], "the id `feeds list` shows")
        #expect(try test.store.apply(.markAllRead(feedID: later, before: nil)).mutations.isEmpty)
    }
}
