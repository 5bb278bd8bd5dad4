import Foundation
import ReaderModels
@testable import ReaderStore
import Testing

/// Applying pulled pages and push answers, on a real database file; the sync tests in
/// ReaderSyncTests do the same against the real server.
@Suite struct SyncApplyTests {
    static let hlc = HLC(wallMillis: 1_764_000_000_000, counter: 0, node: "server")

    static func article(_ id: String, source: String) -> ArticleRecord {
        ArticleRecord(
            id: id, sourceID: source, guid: "g-\(id)", url: nil, title: "Title \(id)", author: nil, publishedAt: nil,
            updatedAt: nil, summary: nil, html: "<p>text \(id)</p>", text: "text \(id)", contentHash: "hash-\(id)",
            firstSeenAt: "2026-11-20T10:00:00.000Z"
        )
    }

    @Test func anArticleArrivingBeforeItsSourceIsKeptAndItsSourceFilledInLater() throws {
        let test = try TestStore()
        let source = Source(id: "5ource000001", key: "https://late.example/feed", kind: .atom, title: "Late Source", siteURL: nil, feedURL: nil)
        try test.store.applyChanges(ChangePage(
            changes: [SequencedChange(seq: 5, change: .article(Self.article("a000000000000001", source: source.id)))],
            nextCursor: "5", hasMore: true, serverHLC: Self.hlc
        ))
        #expect(try test.store.article(id: "a000000000000001").title == "Title a000000000000001")
        try test.store.applyChanges(ChangePage(
            changes: [SequencedChange(seq: 9, change: .source(source))], nextCursor: "9", hasMore: false, serverHLC: Self.hlc
        ))
        #expect(try test.store.sources() == [source])
        #expect(try test.store.article(id: "a000000000000001").sourceTitle == "Late Source")
        #expect(try test.store.syncSettings().cursor == "9")
        #expect(try test.store.syncSettings().lastSyncAt != nil)
    }

    @Test func aNoteArrivingBeforeItsArticleWaitsForIt() throws {
        let test = try TestStore()
        let source = Source(id: "5ource000002", key: "k", kind: .rss, title: "S", siteURL: nil, feedURL: nil)
        let note = NoteRecord(
            id: "n1", articleID: "a000000000000002", anchor: nil, body: "early", createdAt: "2026-11-20T10:00:00.000Z",
            updatedAt: "2026-11-20T10:00:00.000Z", revision: 1, conflicted: false, bodyHLC: Self.hlc, anchorHLC: nil
        )
        try test.store.applyChanges(ChangePage(
            changes: [SequencedChange(seq: 1, change: .source(source)), SequencedChange(seq: 2, change: .note(note))],
            nextCursor: "2", hasMore: true, serverHLC: Self.hlc
        ))
        #expect(try test.store.notes().isEmpty)
        try test.store.applyChanges(ChangePage(
            changes: [SequencedChange(seq: 3, change: .article(Self.article("a000000000000002", source: source.id)))],
            nextCursor: "3", hasMore: false, serverHLC: Self.hlc
        ))
        #expect(try test.store.notes().map(\.body) == ["early"])
    }

    @Test func pulledStampsMoveTheDeviceClockForward() throws {
        let test = try TestStore()
        // Six hours ahead of the store's clock: a clock that is off, but within the bound.
        let future = HLC(wallMillis: 1_764_000_000_000 + 6 * 3_600_000, counter: 7, node: "elsewhere")
        try test.store.applyChanges(ChangePage(changes: [], nextCursor: "1", hasMore: false, serverHLC: future))
        let source = try test.store.importArticles([
            ArticleDraft(source: SourceDraft(key: "k2", title: "T", kind: .rss), guid: "g", title: "A", html: "x", text: "x"),
        ])
        #expect(source.new == 1)
        let id = try #require(try test.store.articles().first?.id)
        let mutation = try #require(try test.store.apply(.setRead(articleIDs: [id], read: true)).mutations.first)
        #expect(mutation.hlc > future, "a local edit after seeing a stamp is later than it")
    }

    /// Newest first (a first sync, a resync), an article's tombstone comes before that of the
    /// note that kept it, and a source's before its articles': each is kept while held,
    /// then goes once what held it has gone, as it does oldest first.
    @Test func anArticleDroppedWhileANoteHeldItGoesWithTheNoteNewestFirst() throws {
        let test = try TestStore()
        let source = Source(id: "5ource000003", key: "k3", kind: .rss, title: "S", siteURL: nil, feedURL: nil)
        let id = "a000000000000003"
        let note = NoteRecord(
            id: "n3", articleID: id, anchor: nil, body: "kept", createdAt: "2026-11-20T10:00:00.000Z",
            updatedAt: "2026-11-20T10:00:00.000Z", revision: 1, conflicted: false, bodyHLC: Self.hlc, anchorHLC: nil
        )
        try test.store.applyChanges(ChangePage(changes: [
            SequencedChange(seq: 1, change: .source(source)), SequencedChange(seq: 2, change: .article(Self.article(id, source: source.id))),
            SequencedChange(seq: 3, change: .note(note)),
        ], nextCursor: "3", hasMore: false, serverHLC: Self.hlc))
        try test.store.beginResync()
        // The server's feed after the note was deleted elsewhere: the note's tombstone, then
        // the article's and the source's, which it freed; read newest first.
        try test.store.applyNewestFirst(ChangePage(changes: [
            SequencedChange(seq: 9, change: .tombstone(.source, id: source.id)),
            SequencedChange(seq: 8, change: .tombstone(.article, id: id)),
        ], nextCursor: "8", hasMore: true, serverHLC: Self.hlc, head: "9"), head: nil)
        #expect(try test.store.articles().map(\.id) == [id], "held by the note still")
        try test.store.applyNewestFirst(ChangePage(changes: [
            SequencedChange(seq: 7, change: .tombstone(.note, id: "n3")),
        ], nextCursor: "7", hasMore: false, serverHLC: Self.hlc, head: "9"), head: "9")
        try test.store.applyChanges(ChangePage(changes: [], nextCursor: "9", hasMore: false, serverHLC: Self.hlc))
        #expect(try test.store.notes().isEmpty)
        #expect(try test.store.articles().isEmpty, "freed by the note's tombstone")
        #expect(try test.store.sources().isEmpty, "freed with its last article")
    }

    /// A state that waited for its article during a newest-first pull is replaced by a newer
    /// copy of it pulled later, and is not applied over it when the article comes in the same
    /// page.
    @Test func aWaitingStateGivesWayToANewerCopyPulledLater() throws {
        let test = try TestStore()
        let source = Source(id: "5ource000004", key: "k4", kind: .rss, title: "S", siteURL: nil, feedURL: nil)
        let id = "a000000000000004"
        let older = ArticleStateRecord(articleID: id, read: false, starred: false, progress: 0, tags: [],
                                       hlc: StateStamps(starred: Self.hlc))
        let later = HLC(wallMillis: Self.hlc.wallMillis + 60_000, counter: 0, node: "phone")
        let newer = ArticleStateRecord(articleID: id, read: false, starred: true, progress: 0, tags: [],
                                       hlc: StateStamps(starred: later))
        try test.store.applyNewestFirst(ChangePage(changes: [
            SequencedChange(seq: 990, change: .articleState(older)), SequencedChange(seq: 10, change: .source(source)),
        ], nextCursor: "10", hasMore: false, serverHLC: Self.hlc, head: "1000"), head: nil)
        #expect(try test.store.syncSettings().cursor == "1000")
        // The article moved above the head (its content changed), then the user starred it.
        try test.store.applyChanges(ChangePage(changes: [
            SequencedChange(seq: 1005, change: .article(Self.article(id, source: source.id))),
            SequencedChange(seq: 1006, change: .articleState(newer)),
        ], nextCursor: "1006", hasMore: false, serverHLC: later))
        #expect(try test.store.article(id: id).state.starred, "the newer copy stands")
    }
}
