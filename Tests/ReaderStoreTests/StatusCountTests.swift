import Foundation
import GRDB
import ReaderModels
@testable import ReaderStore
import Testing

/// The article and read counts `status()` shows are kept by the statements that change them
/// (`StoreCounts`), not counted: after each kind of write they must equal a count of the rows.
@Suite struct StatusCountTests {
    static let hlc = HLC(wallMillis: 1_764_000_000_000, counter: 0, node: "server")
    static let start = Date(timeIntervalSince1970: 1_764_000_000)

    /// The kept counts, as `status()` gives them, against a count of every row.
    static func expectExact(_ test: TestStore, articles: Int, read: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectExact(test.store, articles: articles, read: read, sourceLocation: sourceLocation)
    }

    static func expectExact(_ store: ReaderStore, articles: Int, read: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let status = try store.status()
        let exact = try store.pool.read { db in try StoreCounts.exact(db) }
        #expect(status.articles == exact.articles && status.unread == exact.articles - exact.read,
                "kept \(status.articles) articles, \(status.unread) unread; counted \(exact.articles), \(exact.articles - exact.read) unread",
                sourceLocation: sourceLocation)
        #expect(exact.articles == articles, sourceLocation: sourceLocation)
        #expect(exact.read == read, sourceLocation: sourceLocation)
    }

    static func state(_ id: String, read: Bool, stamp: HLC = hlc) -> ArticleStateRecord {
        ArticleStateRecord(articleID: id, read: read, starred: false, progress: 0, tags: [], hlc: StateStamps(read: stamp))
    }

    @Test func importsAndLocalEditsKeepTheCounts() throws {
        let test = try TestStore()
        try Self.expectExact(test, articles: 0, read: 0)
        let ids = try test.seed([("One", "a"), ("Two", "b"), ("Three", "c"), ("Four", "d")])
        try Self.expectExact(test, articles: 4, read: 0)
        // The same file again changes nothing; a changed article is an update, not a new one.
        try test.seed([("One", "a"), ("Two", "b changed"), ("Three", "c"), ("Four", "d")])
        try Self.expectExact(test, articles: 4, read: 0)
        try test.store.markRead([ids[0], ids[1]])
        try test.store.markRead([ids[0]])
        try Self.expectExact(test, articles: 4, read: 2)
        try test.store.markRead([ids[1]], false)
        try test.store.markRead([ids[2]], false)
        try test.store.markStarred([ids[3]])
        try Self.expectExact(test, articles: 4, read: 1)
        _ = try test.store.apply(.markAllRead(feedID: nil, before: nil))
        try Self.expectExact(test, articles: 4, read: 4)
    }

    @Test func pruningAndAPrunedArticleComingBackKeepTheCounts() throws {
        let test = try TestStore()
        let ids = try test.seed([("Old news", "read long ago"), ("Older news", "never read"), ("Kept", "starred")])
        try test.store.markRead([ids[0], ids[2]])
        try test.store.markStarred([ids[2]])
        try test.store.pool.write { db in try db.execute(sql: "DELETE FROM outbox") }
        let report = try test.store.prune(policy: RetentionPolicy(readDays: 0, unreadDays: 0), now: Self.start.addingTimeInterval(86_400))
        #expect(report.read == 1 && report.unread == 1)
        try Self.expectExact(test, articles: 1, read: 1)
        // Back changed: it returns with its kept read state.
        let again = try test.seed([("Old news", "read long ago, corrected")])
        #expect(again == [ids[0]])
        #expect(try test.store.article(id: ids[0]).state.read)
        try Self.expectExact(test, articles: 2, read: 2)
    }

    @Test func pulledStatesAndTombstonesKeepTheCounts() throws {
        let test = try TestStore()
        let source = Source(id: "5ource00c0un7", key: "https://counts.example/feed", kind: .rss, title: "S", siteURL: nil, feedURL: nil)
        let ids = (1...4).map { "c0un7000000000\(String(format: "%02d", $0))" }
        try test.store.applyChanges(ChangePage(
            changes: [SequencedChange(seq: 1, change: .source(source))]
                + ids.enumerated().map { SequencedChange(seq: Int64($0.offset + 2), change: .article(SyncApplyTests.article($0.element, source: source.id))) },
            nextCursor: "5", hasMore: true, serverHLC: Self.hlc
        ))
        try Self.expectExact(test, articles: 4, read: 0)
        // Read elsewhere; the same state twice counts once; then unread again on a later stamp.
        let later = HLC(wallMillis: Self.hlc.wallMillis + 1_000, counter: 0, node: "phone")
        try test.store.applyChanges(ChangePage(changes: [
            SequencedChange(seq: 6, change: .articleState(Self.state(ids[0], read: true))),
            SequencedChange(seq: 7, change: .articleState(Self.state(ids[1], read: true))),
            SequencedChange(seq: 8, change: .articleState(Self.state(ids[1], read: true))),
            SequencedChange(seq: 9, change: .articleState(Self.state(ids[2], read: true))),
            SequencedChange(seq: 10, change: .articleState(Self.state(ids[2], read: false, stamp: later))),
        ], nextCursor: "10", hasMore: true, serverHLC: later))
        try Self.expectExact(test, articles: 4, read: 2)
        // A state waiting for its article, applied when the article comes.
        let waiting = "c0un700000000005"
        try test.store.applyChanges(ChangePage(changes: [
            SequencedChange(seq: 11, change: .articleState(Self.state(waiting, read: true))),
        ], nextCursor: "11", hasMore: true, serverHLC: later))
        try Self.expectExact(test, articles: 4, read: 2)
        try test.store.applyChanges(ChangePage(changes: [
            SequencedChange(seq: 12, change: .article(SyncApplyTests.article(waiting, source: source.id))),
        ], nextCursor: "12", hasMore: true, serverHLC: later))
        try Self.expectExact(test, articles: 5, read: 3)
        // A read article the server dropped goes; one a note holds stays until the note goes.
        let note = NoteRecord(
            id: "n-count", articleID: ids[1], anchor: nil, body: "held", createdAt: "2026-11-20T10:00:00.000Z",
            updatedAt: "2026-11-20T10:00:00.000Z", revision: 1, conflicted: false, bodyHLC: Self.hlc, anchorHLC: nil
        )
        try test.store.applyChanges(ChangePage(changes: [
            SequencedChange(seq: 13, change: .note(note)),
            SequencedChange(seq: 14, change: .tombstone(.article, id: ids[0])),
            SequencedChange(seq: 15, change: .tombstone(.article, id: ids[1])),
            SequencedChange(seq: 16, change: .tombstone(.article, id: "c0un7000000000ff")),
        ], nextCursor: "16", hasMore: true, serverHLC: later))
        try Self.expectExact(test, articles: 4, read: 2)
        try test.store.applyChanges(ChangePage(changes: [
            SequencedChange(seq: 17, change: .tombstone(.note, id: "n-count")),
        ], nextCursor: "17", hasMore: false, serverHLC: later))
        #expect(try test.store.articles().count == 3)
        try Self.expectExact(test, articles: 3, read: 1)
    }

    /// A database made before the counts were kept gets them from a count when it migrates.
    @Test func aVersion10DatabaseCountsWhenItMigrates() throws {
        let (old, path) = try TestStore.database("v10", migratedUpTo: "v10-retention-index")
        try old.write { db in
            try db.execute(sql: "INSERT INTO sources (id, key, kind, title, created_at) VALUES ('s', 'k', 'rss', 'S', '2026-11-20T10:00:00.000Z')")
            for n in 0..<5 {
                try db.execute(sql: """
                    INSERT INTO articles (id, source_id, guid, title, html, content_hash, first_seen_at, sort_at)
                    VALUES (?, 's', ?, 'T', '<p>x</p>', 'h', '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z')
                    """, arguments: ["old-\(n)", "g\(n)"])
            }
            try db.execute(sql: "INSERT INTO article_states (article_id, read) VALUES ('old-0', 1), ('old-1', 1), ('old-2', 0)")
        }
        try old.close()
        let store = try ReaderStore(path: path)
        try Self.expectExact(store, articles: 5, read: 2)
        #expect(try store.status().unread == 3)
    }
}
