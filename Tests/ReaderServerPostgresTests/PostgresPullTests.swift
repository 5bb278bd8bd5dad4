import Foundation
import PostgresNIO
import ReaderModels
import ReaderServer
@testable import ReaderServerPostgres
import Testing

/// Pages of a user's change feed on PostgreSQL, built as on SQLite. Push does not exist on
/// this engine yet, so the records and change rows are written here directly, through the
/// same functions push will use.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresPullTests {
    static let source = "0123456789ab", article = "0123456789abcdef"
    static let stamp = HLC(wallMillis: 1_764_547_200_000, counter: 0, node: "laptop")

    /// A repository with users alice and bob, and alice's feed holding a source, an article,
    /// its state, a note whose body holds NUL, and a subscription, in that order.
    static func library() async throws -> (PostgresSyncRepository, alice: UserAccount, bob: UserAccount) {
        let repository = try await PostgresSyncRepository(url: try await PostgresTestCluster.freshDatabase())
        let alice = try #require(try await repository.authenticate(token: try await repository.addUser(named: "alice")))
        let bob = try #require(try await repository.authenticate(token: try await repository.addUser(named: "bob")))
        try await repository.database.transaction { connection, logger in
            try await connection.query("""
                INSERT INTO sources (id, key, kind, title) VALUES (\(source), 'https://example.org/feed', 'rss', 'Example');
                """, logger: logger)
            try await connection.query("""
                INSERT INTO articles (id, source_id, guid, title, html, text, content_hash, first_seen_at)
                VALUES (\(article), \(source), 'g1', 'First', '<p>Hi</p>', 'Hi', 'h', '2026-12-01T00:00:00.000Z')
                """, logger: logger)
            let now = "2026-12-01T00:00:00.000Z"
            try await PostgresChangeFeed.record(user: alice.id, entity: "source", id: source, at: now, connection, logger)
            try await PostgresChangeFeed.record(user: alice.id, entity: "article", id: article, at: now, connection, logger)
            try await PostgresRecords.saveState(
                user: alice.id,
                ArticleStateRecord(articleID: article, read: true, starred: false, progress: 0.5, tags: ["b", "a"], hlc: StateStamps(read: stamp)),
                connection, logger
            )
            try await PostgresChangeFeed.record(user: alice.id, entity: "article_state", id: article, at: now, connection, logger)
            let note = NoteRecord(
                id: "note-1", articleID: article, anchor: TextQuoteSelector(exact: "Hi", prefix: "", suffix: "\u{0}!"),
                body: "keep\u{0}this part", createdAt: now, updatedAt: now, revision: 1, conflicted: false, bodyHLC: stamp, anchorHLC: stamp
            )
            try await PostgresRecords.saveNote(user: alice.id, ReaderModels.Resolver.StoredNote(record: note, deleted: false), connection, logger)
            try await PostgresChangeFeed.record(user: alice.id, entity: "note", id: "note-1", at: now, connection, logger)
            try await PostgresRecords.saveSubscription(
                user: alice.id,
                SubscriptionRecord(url: "https://example.org/feed", title: "Ex\u{0}ample", tags: ["news"], subscribed: true, hlc: stamp),
                connection, logger
            )
            try await PostgresChangeFeed.record(user: alice.id, entity: "subscription", id: "https://example.org/feed", at: now, connection, logger)
        }
        return (repository, alice, bob)
    }

    @Test func aPageCarriesEachRecordByteForByteInFeedOrder() async throws {
        let (repository, alice, bob) = try await Self.library()
        let page = try await repository.changes(for: alice, since: 0, limit: 100, maxBytes: 1 << 22)
        #expect(page.changes.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(page.changes.map(\.change.entity) == [.source, .article, .articleState, .note, .subscription])
        #expect(!page.hasMore && page.nextCursor == "5" && page.remaining == 0)
        guard case .note(let note) = page.changes[3].change, case .subscription(let subscription) = page.changes[4].change,
              case .articleState(let state) = page.changes[2].change
        else { Issue.record("unexpected records \(page.changes)"); return }
        #expect(note.body == "keep\u{0}this part" && note.anchor?.suffix == "\u{0}!" && note.bodyHLC == Self.stamp)
        #expect(subscription.title == "Ex\u{0}ample" && subscription.tags == ["news"])
        #expect(state.read && state.progress == 0.5 && state.tags == ["b", "a"] && state.hlc.read == Self.stamp)
        // Bob's feed is his own: empty, and alice's cursor is not one of his.
        let bobs = try await repository.changes(for: bob, since: 0, limit: 100, maxBytes: 1 << 22)
        #expect(bobs.changes.isEmpty && bobs.nextCursor == "0")
        await #expect(throws: ServerError.self) { try await repository.changes(for: bob, since: 5, limit: 100, maxBytes: 1 << 22) }
        await repository.close()
    }

    @Test func pagesResumeCountWhatRemainsAndCarryTheLatestVersionOnce() async throws {
        let (repository, alice, _) = try await Self.library()
        let first = try await repository.changes(for: alice, since: 0, limit: 2, maxBytes: 1 << 22)
        #expect(first.changes.map(\.seq) == [1, 2] && first.hasMore && first.nextCursor == "2" && first.remaining == 3)
        // The note is deleted: its change row moves to the end as a tombstone.
        try await repository.database.transaction { connection, logger in
            try await connection.query("UPDATE notes SET deleted = true WHERE id = 'note-1'", logger: logger)
            try await PostgresChangeFeed.record(user: alice.id, entity: "note", id: "note-1", deleted: true, at: "t", connection, logger)
        }
        let rest = try await repository.changes(for: alice, since: 2, limit: 100, maxBytes: 1 << 22)
        #expect(rest.changes.map(\.seq) == [3, 5, 6])
        #expect(rest.changes.last?.change == .tombstone(.note, id: "note-1"))
        #expect(!rest.hasMore && rest.nextCursor == "6")
        // A byte budget stops a page early, but never before its first change.
        let tight = try await repository.changes(for: alice, since: 0, limit: 100, maxBytes: 1)
        #expect(tight.changes.count == 1 && tight.hasMore && tight.nextCursor == "1")
        await repository.close()
    }

    @Test func cursorsOutsideTheFeedAreRefused() async throws {
        let (repository, alice, _) = try await Self.library()
        for cursor: Int64 in [6, 1_000] {
            await #expect(throws: ServerError.self) { try await repository.changes(for: alice, since: cursor, limit: 10, maxBytes: 1 << 22) }
        }
        do {
            _ = try await repository.changes(for: alice, since: -1, limit: 10, maxBytes: 1 << 22)
            Issue.record("a negative cursor was taken")
        } catch let error as ServerError {
            #expect(error.code == .badRequest)
        }
        // Below the user's purge horizon a cursor has expired; 0 always starts again.
        try await repository.database.execute("UPDATE change_feeds SET purged_through = 3 WHERE user_id = \(alice.id)")
        do {
            _ = try await repository.changes(for: alice, since: 2, limit: 10, maxBytes: 1 << 22)
            Issue.record("a cursor below the horizon was taken")
        } catch let error as ServerError {
            #expect(error.code == .cursorExpired)
        }
        #expect(try await repository.changes(for: alice, since: 0, limit: 10, maxBytes: 1 << 22).changes.count == 5)
        await repository.close()
    }
}
