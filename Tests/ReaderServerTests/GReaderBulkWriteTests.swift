import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import ReaderServer
import Synchronization
import Testing

/// Bulk writes hold SQLite's one write lock a chunk at a time, and a subscription edit of
/// several feeds is all or nothing.
@Suite struct GReaderBulkWriteTests {
    /// Counts the committed transactions that wrote a change row (`article_states` is WITHOUT ROWID, which SQLite's update hook does not report).
    final class StateCommits: TransactionObserver, Sendable {
        private let state = Mutex((count: 0, changed: false))
        var value: Int { state.withLock { $0.count } }
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { eventKind.tableName == "changes" }
        func databaseDidChange(with event: DatabaseEvent) {
            if event.tableName == "changes" { state.withLock { $0.changed = true } }
        }
        func databaseDidCommit(_ db: Database) {
            state.withLock { if $0.changed { $0.count += 1 }; $0.changed = false }
        }
        func databaseDidRollback(_ db: Database) { state.withLock { $0.changed = false } }
    }

    static let articles = SQLiteSyncRepository.greaderWriteChunk * 2 + 10

    @Test func editTagMarkAllAsReadAndRenameTagWriteInChunks() async throws {
        let server = try await GReaderTests.server(articles: Self.articles)
        let commits = StateCommits()
        server.repository.pool.add(transactionObserver: commits, extent: .databaseLifetime)
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            let ids = try await reader.allIDs(GReaderTestClient.readingList, pageSize: 1000)
            #expect(ids.count == Self.articles)

            let tagged = try await reader.write("edit-tag", ids.map { ("i", $0) } + [("a", GReaderTestClient.label("Big"))])
            #expect(tagged.text == "OK")
            #expect(commits.value == 3, "edit-tag: one transaction per chunk, not one for all")
            #expect(try await reader.allIDs(GReaderTestClient.label("Big"), pageSize: 1000).count == Self.articles)

            let renamed = try await reader.write("rename-tag", [("s", GReaderTestClient.label("Big")), ("dest", GReaderTestClient.label("Huge"))])
            #expect(renamed.text == "OK")
            #expect(commits.value == 6, "rename-tag: the same")
            #expect(try await reader.allIDs(GReaderTestClient.label("Huge"), pageSize: 1000).count == Self.articles)
            #expect(try await reader.allIDs(GReaderTestClient.label("Big"), pageSize: 1000).isEmpty)

            let marked = try await reader.write("mark-all-as-read", [("s", GReaderTestClient.readingList)])
            #expect(marked.text == "OK")
            #expect(commits.value == 9, "mark-all-as-read: the same")
            let unread = try await reader.unreadCounts()
            #expect(unread.unreadcounts.first { $0.id == GReaderTestClient.readingList } == nil, "everything read")
        }
    }

    @Test(arguments: FeedEngine.available)
    func aSubscriptionEditWithOneBadFeedChangesNone(_ engine: FeedEngine) async throws {
        let server = try await GReaderTests.server(engine, articles: 0)
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            let good = "https://good.example/rss", other = "https://other.example/rss"
            let invalid = try await reader.write("subscription/edit", [("ac", "subscribe"), ("s", "feed/" + good), ("s", "feed/not a url")])
            #expect(invalid.status == .badRequest)
            #expect(try await reader.subscriptions().isEmpty, "the valid feed was not subscribed either")

            _ = try await reader.write("subscription/edit", [("ac", "subscribe"), ("s", "feed/" + good), ("t", "Good")])
            let unfollowed = try await reader.write("subscription/edit", [
                ("ac", "edit"), ("s", "feed/" + good), ("s", "feed/" + other), ("t", "Renamed"),
            ])
            #expect(unfollowed.status == .badRequest)
            #expect(try await reader.subscriptions().map(\.title) == ["Good"], "the followed feed was not renamed")

            let both = try await reader.write("subscription/edit", [("ac", "subscribe"), ("s", "feed/" + good), ("s", "feed/" + other)])
            #expect(both.text == "OK")
            #expect(try await reader.subscriptions().count == 2)
        }
        await server.close()
    }
}
