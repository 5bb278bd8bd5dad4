import Foundation
import ReaderStore
import ReaderSync
import Testing

/// Pruning against the real reader-server: it is local, never a sync deletion. Nothing
/// is pushed for it, the next pulls do not bring the article back, state changed on other
/// devices lands in the state kept for it, and a full resync does not bring it back unread.
@Suite struct RetentionSyncTests {
    /// A day after every article arrived on the server: the policy bites.
    static let later = Date().addingTimeInterval(86_400)

    @Test func aPrunedArticleIsNeitherPushedNorPulledBack() async throws {
        let (_, _, a, b) = try await TestServer.withTwoDevices("a", "b")
        let articles = try a.store.articles().map(\.id)
        let read = try #require(articles.first)
        try a.store.markRead([read])
        try await a.sync()
        let pending = try a.store.pendingCount()
        let report = try a.store.prune(policy: RetentionPolicy(readDays: 0), now: Self.later)
        #expect(report.articleIDs == [read])
        #expect(try a.store.pendingCount() == pending && pending == 0, "pruning writes no outbox row")

        let synced = try await a.sync()
        #expect(synced.pushed == 0)
        #expect(try a.store.articles().map(\.id).contains(read) == false, "the pull does not bring it back")
        try await b.sync()
        #expect(try b.store.article(id: read).state.read, "the other device keeps it, read")
        #expect(try b.store.articles(ArticleFilter(limit: 1000)).count == articles.count)
    }

    @Test func stateChangedElsewhereLandsInTheKeptStateAndAResyncDoesNotBringItBackUnread() async throws {
        let (_, _, a, b) = try await TestServer.withTwoDevices("a", "b")
        let read = try #require(try a.store.articles().first?.id)
        try a.store.markRead([read])
        try await a.sync()
        try a.store.prune(policy: RetentionPolicy(readDays: 0), now: Self.later)

        try await b.sync()
        try b.store.apply(.setProgress(articleID: read, progress: 0.75))
        try await b.sync()
        try await a.sync()
        #expect(try a.store.status().pendingMutations == 0)
        #expect(try a.store.articles().map(\.id).contains(read) == false)

        // Everything again, as after an expired cursor: the same copy is not stored again.
        try a.store.beginResync()
        let resync = try await a.sync()
        #expect(resync.pushed == 0)
        #expect(try a.store.articles(ArticleFilter(limit: 1000)).map(\.id).contains(read) == false)
        #expect(try a.store.status().pendingMutations == 0)
        #expect(try a.store.articles(ArticleFilter(unreadOnly: true, limit: 1000)).map(\.id).contains(read) == false)
    }

    @Test func theDefaultPolicyPrunesNothingFreshAndDevicesStillConverge() async throws {
        let (_, _, a, b) = try await TestServer.withTwoDevices("a", "b")
        #expect(try a.store.retentionPolicy() == .default)
        #expect(try a.store.prune().removed == 0)
        #expect(try a.export() == b.export())
    }
}
