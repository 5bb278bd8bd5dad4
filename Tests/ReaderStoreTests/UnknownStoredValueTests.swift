import Foundation
import GRDB
import ReaderModels
@testable import ReaderStore
import Testing

/// A value this version does not know, written into the file by a newer version or by
/// damage, throws a typed error naming the table, column and value; nothing becomes a
/// default (issue 13.5: `?? .rss`, `?? .note`, `?? .update` are gone).
@Suite struct UnknownStoredValueTests {
    /// Writes to the database file through a connection of its own, as another program
    /// would; CHECK constraints are off on it, as for a newer schema that allows more values.
    static func plant(_ path: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA ignore_check_constraints = ON; " + sql) }
        try queue.close()
    }

    @Test func anUnknownSourceKindThrowsNamingItsColumn() throws {
        let test = try TestStore()
        try test.seed([(title: "One", text: "first")])
        try Self.plant(test.store.path, "UPDATE sources SET kind = 'podcast'")
        let reopened = try ReaderStore(path: test.store.path)
        #expect(throws: StoreError.unknownStoredValue(table: "sources", column: "kind", value: "podcast")) {
            try reopened.sources()
        }
    }

    @Test func anUnknownOutboxOperationOrStampThrowsInsteadOfBeingPushed() async throws {
        let test = try TestStore()
        let ids = try test.seed([(title: "One", text: "first")])
        try test.store.markRead(ids)
        try Self.plant(test.store.path, "UPDATE outbox SET op = 'archive'")
        let expected = StoreError.unknownStoredValue(table: "outbox", column: "op", value: "archive")
        #expect(throws: expected) { try test.store.pendingMutations() }
        #expect(throws: expected) { try test.store.takeOutboxBatch(limit: 10) }
        await #expect(throws: expected) { try await test.store.async.takeOutboxBatch(limit: 10) }

        try Self.plant(test.store.path, "UPDATE outbox SET op = 'set', entity = 'bookmark'")
        #expect(throws: StoreError.unknownStoredValue(table: "outbox", column: "entity", value: "bookmark")) {
            try test.store.pendingMutations()
        }
        try Self.plant(test.store.path, "UPDATE outbox SET entity = 'article_state', hlc = 'not a stamp'")
        #expect(throws: StoreError.unknownStoredValue(table: "outbox", column: "hlc", value: "not a stamp")) {
            try test.store.pendingMutations()
        }
        // The row is left as it was: nothing guessed was written back.
        #expect(try test.count("SELECT count(*) FROM outbox WHERE hlc = 'not a stamp' AND attempts = 0") == 1)
    }

    @Test func anUnreadableFetchDateThrowsInsteadOfBeingDropped() throws {
        let test = try TestStore()
        try test.store.subscribeFeed(url: "https://example.com/feed.xml")
        try Self.plant(test.store.path, "UPDATE feed_fetch_state SET next_fetch_at = 'next tuesday'")
        let expected = StoreError.unknownStoredValue(table: "feed_fetch_state", column: "next_fetch_at", value: "next tuesday")
        #expect(throws: expected) { try test.store.feedSubscriptions() }
    }

    @Test func aDamagedClockStopsEditsInsteadOfRestartingIt() throws {
        let test = try TestStore()
        let ids = try test.seed([(title: "One", text: "first")])
        try Self.plant(test.store.path, "UPDATE sync_state SET clock = 'garbled'")
        #expect(throws: StoreError.unknownStoredValue(table: "sync_state", column: "clock", value: "garbled")) {
            try test.store.markRead(ids)
        }
        #expect(try test.store.pendingMutations().isEmpty, "nothing was written")
    }

    @Test func theErrorSaysWhatIsWrongWithoutAdvice() {
        let error = StoreError.unknownStoredValue(table: "sources", column: "kind", value: "podcast")
        #expect(error.description.contains("sources.kind"))
        #expect(error.description.contains("podcast"))
        #expect(!error.description.contains("reader "))
    }
}
