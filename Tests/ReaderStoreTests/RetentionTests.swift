import Foundation
import GRDB
import ReaderModels
@testable import ReaderStore
import Testing

/// The device's retention policy on a real database file: each knob, what is never
/// pruned, the state kept after a pruned article, and the space given back. The clock is
/// passed to `prune` explicitly; the store's own clock starts at `TestStore`'s start.
@Suite struct RetentionTests {
    static let start = Date(timeIntervalSince1970: 1_764_000_000)
    static func day(_ n: Double) -> Date { start.addingTimeInterval(n * 86_400) }

    /// Acknowledges every pending change, as a push the server answered would.
    static func settleOutbox(_ test: TestStore) throws {
        try test.store.pool.write { db in try db.execute(sql: "DELETE FROM outbox") }
    }

    static func ids(_ test: TestStore) throws -> Set<String> {
        Set(try test.store.pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM articles") })
    }

    @Test func theDefaultPolicyIsInForceUntilOneIsSetAndIsStored() throws {
        let test = try TestStore()
        #expect(try test.store.retentionPolicy() == .default)
        #expect(try !test.store.hasChosenRetentionPolicy())
        try test.store.setRetentionPolicy(RetentionPolicy(readDays: 7, perFeed: 50))
        let reopened = try ReaderStore(path: test.store.path)
        #expect(try reopened.retentionPolicy() == RetentionPolicy(readDays: 7, unreadDays: nil, perFeed: 50))
        try reopened.setRetentionPolicy(.off)
        #expect(try reopened.retentionPolicy().isOff)
        #expect(try reopened.hasChosenRetentionPolicy())
        try reopened.setRetentionPolicy(nil)
        #expect(try reopened.retentionPolicy() == .default)
        #expect(throws: StoreError.self) { try reopened.setRetentionPolicy(RetentionPolicy(readDays: -1)) }
    }

    @Test func readDaysPrunesReadArticlesThatArrivedMoreThanThatLongAgo() throws {
        let test = try TestStore()
        let ids = try test.seed([("One", "first"), ("Two", "second"), ("Three", "third")])
        try test.store.markRead([ids[0], ids[1]])
        try Self.settleOutbox(test)
        let policy = RetentionPolicy(readDays: 30)
        #expect(try test.store.prune(policy: policy, now: Self.day(29)).removed == 0)
        let report = try test.store.prune(policy: policy, now: Self.day(31))
        #expect(report.read == 2 && report.unread == 0)
        #expect(Set(report.articleIDs) == [ids[0], ids[1]])
        #expect(try Self.ids(test) == [ids[2]])
    }

    @Test func readDaysZeroPrunesEveryReadArticle() throws {
        let test = try TestStore()
        let ids = try test.seed([("One", "first"), ("Two", "second")])
        try test.store.markRead([ids[0]])
        try Self.settleOutbox(test)
        #expect(try test.store.prune(policy: RetentionPolicy(readDays: 0), now: Self.day(0.01)).read == 1)
        #expect(try Self.ids(test) == [ids[1]])
    }

    @Test func unreadDaysPrunesOnlyUnreadArticles() throws {
        let test = try TestStore()
        let ids = try test.seed([("One", "first"), ("Two", "second")])
        try test.store.markRead([ids[0]])
        try Self.settleOutbox(test)
        let report = try test.store.prune(policy: RetentionPolicy(unreadDays: 10), now: Self.day(11))
        #expect(report.unread == 1 && report.read == 0)
        #expect(try Self.ids(test) == [ids[0]])
    }

    @Test func perFeedKeepsTheNewestArticlesOfEachSource() throws {
        let test = try TestStore()
        // seed publishes each article an hour after the one before it.
        let a = try test.seed([("A1", "a"), ("A2", "b"), ("A3", "c")], source: "https://a.example/feed")
        let b = try test.seed([("B1", "d"), ("B2", "e")], source: "https://b.example/feed")
        let report = try test.store.prune(policy: RetentionPolicy(perFeed: 2), now: Self.day(0))
        #expect(report.articleIDs == [a[0]])
        #expect(try Self.ids(test) == [a[1], a[2], b[0], b[1]])
    }

    @Test func starredTaggedAndAnnotatedArticlesAreNeverPruned() throws {
        let test = try TestStore()
        let ids = try test.seed([("Starred", "s"), ("Tagged", "t"), ("Noted", "n"), ("Note deleted", "d"), ("Plain", "p")])
        try test.store.markStarred([ids[0]])
        try test.store.apply(.setTags(articleID: ids[1], tags: ["keep"]))
        _ = try test.store.addNote(articleID: ids[2], body: "mine")
        try test.store.deleteNote(id: try test.store.addNote(articleID: ids[3], body: "gone").id)
        try test.store.markRead(ids)
        try Self.settleOutbox(test)
        let report = try test.store.prune(policy: RetentionPolicy(readDays: 0, unreadDays: 0, perFeed: 0), now: Self.day(400))
        // A note deleted before it was ever pushed leaves nothing behind, so it holds nothing.
        #expect(Set(report.articleIDs) == [ids[3], ids[4]])
        #expect(try Self.ids(test) == Set(ids.prefix(3)))
    }

    @Test func pendingStateProtectsAnArticleOnADeviceThatSyncs() throws {
        let test = try TestStore()
        let ids = try test.seed([("Pending", "p"), ("Settled", "s")])
        try test.store.saveServer(url: URL(string: "https://sync.example"), token: "t")
        try test.store.markRead([ids[1]])
        try Self.settleOutbox(test)
        try test.store.markRead([ids[0]])
        let report = try test.store.prune(policy: RetentionPolicy(readDays: 0), now: Self.day(1))
        #expect(report.articleIDs == [ids[1]])
        #expect(try test.count("SELECT count(*) FROM outbox") == 1, "the pending change stays to be pushed")
    }

    @Test func withoutAServerPendingStateDoesNotHoldAnArticleButGoesOutLater() throws {
        let test = try TestStore()
        let ids = try test.seed([("Local", "l")])
        try test.store.markRead(ids)
        let report = try test.store.prune(policy: RetentionPolicy(readDays: 0), now: Self.day(1))
        #expect(report.articleIDs == ids)
        #expect(try test.count("SELECT count(*) FROM outbox") == 1)
    }

    @Test func pruningWritesNoOutboxRowsAndMovesNoClock() throws {
        let test = try TestStore()
        let ids = try test.seed([("One", "a"), ("Two", "b")])
        try test.store.markRead(ids)
        try Self.settleOutbox(test)
        let clock = try test.store.pool.read { db in try String.fetchOne(db, sql: "SELECT clock FROM sync_state") }
        #expect(try test.store.prune(policy: RetentionPolicy(readDays: 0), now: Self.day(1)).removed == 2)
        #expect(try test.count("SELECT count(*) FROM outbox") == 0)
        #expect(try test.store.pool.read { db in try String.fetchOne(db, sql: "SELECT clock FROM sync_state") } == clock)
    }

    @Test func aPrunedArticleImportedAgainUnchangedIsNotStoredAgain() throws {
        let test = try TestStore()
        let ids = try test.seed([("Old news", "already read")])
        try test.store.markRead(ids)
        try Self.settleOutbox(test)
        try test.store.prune(policy: RetentionPolicy(readDays: 0), now: Self.day(1))
        let again = try test.store.importArticles(try Self.drafts([("Old news", "already read")]))
        #expect([again.new, again.updated, again.unchanged] as [Int] == [0, 0, 1])
        #expect(try Self.ids(test).isEmpty)
        #expect(try test.count("SELECT count(*) FROM pruned_articles") == 1)
    }

    @Test func aPrunedReadArticleThatComesBackChangedStaysReadWithItsStampsAndAge() throws {
        let test = try TestStore()
        let ids = try test.seed([("Old news", "already read")])
        try test.store.markRead(ids)
        try test.store.markStarred(ids)
        try test.store.markStarred(ids, false)
        try test.store.apply(.setProgress(articleID: ids[0], progress: 0.5))
        try Self.settleOutbox(test)
        let before = try Self.stateRow(test, ids[0])
        let firstSeen = try test.store.article(id: ids[0]).firstSeenAt
        try test.store.prune(policy: RetentionPolicy(readDays: 0), now: Self.day(1))
        let again = try test.store.importArticles(try Self.drafts([("Old news", "corrected text")]))
        #expect([again.new, again.updated] as [Int] == [0, 1])
        let back = try test.store.article(id: ids[0])
        #expect(back.state.read && back.state.progress == 0.5 && !back.state.starred)
        #expect(back.firstSeenAt == firstSeen, "it keeps its age, so the policy treats it the same")
        #expect(try test.store.search("corrected").map(\.articleID) == ids, "it is in the search index again")
        #expect(try Self.stateRow(test, ids[0]) == before)
        #expect(try test.count("SELECT count(*) FROM pruned_articles") == 0)
        #expect(try test.count("SELECT count(*) FROM outbox") == 0)
    }

    @Test func prunedArticlesLeaveTheSearchIndexAndNotesStay() throws {
        let test = try TestStore()
        let ids = try test.seed([("Zebra crossing", "stripes everywhere"), ("Zebra notes", "stripes annotated")])
        _ = try test.store.addNote(articleID: ids[1], body: "zebra remark", quote: "stripes")
        try test.store.markRead(ids)
        try Self.settleOutbox(test)
        #expect(try test.store.search("stripes").count == 3)
        try test.store.prune(policy: RetentionPolicy(readDays: 0), now: Self.day(1))
        let hits = try test.store.search("stripes")
        #expect(hits.count == 2 && hits.allSatisfy { $0.articleID == ids[1] })
        #expect(try test.store.pool.read { db in try Bool.fetchOne(db, sql: "SELECT count(*) = 1 FROM notes") } == true)
        try test.store.pool.write { db in
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            try db.execute(sql: "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
        }
    }

    @Test func stateFromTheServerForAPrunedArticleGoesIntoItsKeptState() throws {
        let test = try TestStore()
        let ids = try test.seed([("Old news", "text")])
        try test.store.prune(policy: RetentionPolicy(unreadDays: 0), now: Self.day(1))
        let stamp = HLC(wallMillis: 1_764_000_100_000, counter: 0, node: "other")
        let state = ArticleStateRecord(
            articleID: ids[0], read: true, starred: false, progress: 0.25, tags: [],
            hlc: StateStamps(read: stamp, starred: nil, progress: stamp, tags: nil)
        )
        try test.store.applyChanges(ChangePage(
            changes: [SequencedChange(seq: 1, change: .articleState(state))], nextCursor: "1", hasMore: false, serverHLC: stamp
        ))
        #expect(try test.count("SELECT count(*) FROM sync_deferred") == 0, "not deferred: the article may never come again")
        try test.store.importArticles(try Self.drafts([("Old news", "new text")]))
        let back = try test.store.article(id: ids[0])
        #expect(back.state.read && back.state.progress == 0.25)
        #expect(try Self.stateRow(test, ids[0])["read_hlc"] == stamp.description)
    }

    @Test func anArticleTombstoneForgetsTheKeptState() throws {
        let test = try TestStore()
        let ids = try test.seed([("Old news", "text")])
        try test.store.prune(policy: RetentionPolicy(unreadDays: 0), now: Self.day(1))
        try test.store.applyChanges(ChangePage(
            changes: [SequencedChange(seq: 1, change: .tombstone(.article, id: ids[0]))], nextCursor: "1", hasMore: false,
            serverHLC: HLC(wallMillis: 1_764_000_100_000, counter: 0, node: "server")
        ))
        #expect(try test.count("SELECT count(*) FROM pruned_articles") == 0)
    }

    @Test func keptStateIsForgottenAfterTheHorizonUnlessSeenAgain() throws {
        let test = try TestStore()
        let ids = try test.seed([("Gone", "g"), ("Still in the feed", "s")])
        try test.store.markRead(ids)
        try Self.settleOutbox(test)
        try test.store.prune(policy: RetentionPolicy(readDays: 0), now: Self.day(1))
        // A refresh much later still carries the second one; TestStore's clock is at its start.
        try test.store.pool.write { db in try db.execute(sql: "UPDATE pruned_articles SET seen_at = '2025-01-01T00:00:00.000Z'") }
        #expect(try test.store.importArticles(try Self.drafts([("Still in the feed", "s")], first: 1)).unchanged == 1)
        let horizon = Double(RetentionPolicy.keptStateDays)
        let report = try test.store.prune(policy: .off, now: Self.day(horizon - 10))
        #expect(report.forgotten == 1)
        #expect(try test.store.pool.read { db in try String.fetchAll(db, sql: "SELECT article_id FROM pruned_articles") } == [ids[1]])
    }

    @Test func pruningTellsObserversWhichArticlesWent() async throws {
        let test = try TestStore()
        let ids = try test.seed([("Older", "a"), ("Newer", "b")])
        let changes = test.store.changes()
        try test.store.prune(policy: RetentionPolicy(perFeed: 1), now: Self.day(0))
        // A local edit after it: without the prune's change, it would come first.
        try test.store.markRead([ids[1]])
        var iterator = changes.makeAsyncIterator()
        #expect(await iterator.next() == StoreChange(origin: .retention, articleIDs: [ids[0]]))
        #expect(await iterator.next()?.origin == .local)
    }

    @Test func aNewDatabaseUsesIncrementalVacuumAndPruningShrinksTheFile() throws {
        let test = try TestStore()
        #expect(try test.store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") } == 2)
        let body = String(repeating: "a long paragraph of words that fill pages ", count: 60)
        let ids = try test.seed((0..<1500).map { ("Article \($0)", "\($0) " + body) })
        try test.store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let before = test.store.databaseBytes()
        let report = try test.store.prune(policy: RetentionPolicy(unreadDays: 0), now: Self.day(1))
        #expect(report.removed == ids.count)
        #expect(report.bytesBefore == before)
        #expect(test.store.databaseBytes() < before / 4, "from \(before) to \(test.store.databaseBytes()) bytes")
        #expect(try test.store.status().databaseBytes == test.store.databaseBytes())
    }

    @Test func anOldDatabaseSwitchesToIncrementalVacuumOnItsFirstPrune() throws {
        let test = try TestStore()
        try test.store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA auto_vacuum = NONE")
            try db.execute(sql: "VACUUM")
        }
        #expect(try test.store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") } == 0)
        try test.seed([("One", "a")])
        try test.store.prune(policy: .off, now: Self.day(1))
        #expect(try test.store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") } == 0, "nothing removed, nothing rewritten")
        try test.store.prune(policy: RetentionPolicy(unreadDays: 0), now: Self.day(1))
        #expect(try test.store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") } == 2)
    }

    // MARK: Helpers

    /// The drafts `TestStore.seed` makes, for importing the same articles again; `first`
    /// is the position of the first of them in the seeded list.
    static func drafts(_ articles: [(title: String, text: String)], first: Int = 0) throws -> [ArticleDraft] {
        let source = SourceDraft(key: "https://example.org/feed", title: "Example Gazette", siteURL: "https://example.org/", kind: .rss)
        return articles.enumerated().map { offset, article in
            let index = first + offset
            return ArticleDraft(
                source: source, guid: "guid-\(article.title)", url: "https://example.org/\(index)", title: article.title,
                author: "Staff", published: Date(timeIntervalSince1970: 1_760_000_000 + Double(index) * 3600),
                html: "<p>\(article.text)</p>", text: article.text
            )
        }
    }

    static func stateRow(_ test: TestStore, _ id: String) throws -> [String: String?] {
        try test.store.pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM article_states WHERE article_id = ?", arguments: [id]) else { return [:] }
            var out: [String: String?] = [:]
            for column in row.columnNames { out[column] = row[column].map { "\($0)" } }
            return out
        }
    }
}
