import Foundation
import GRDB
import ReaderModels

/// The async forms of the sync and refresh plumbing, for `SyncEngine` and `FeedRefresher`:
/// each is the transaction of the synchronous method of the same name on ``ReaderStore``,
/// run through GRDB's async API so that an actor never blocks a cooperative thread on SQLite.
extension AsyncReaderStore {
    /// See `ReaderStore.takeOutboxBatch(limit:maxFieldBytes:maxNotes:)`.
    package func takeOutboxBatch(
        limit: Int, maxFieldBytes: Int = WireLimits.pushFieldsBudgetBytes, maxNotes: Int = WireLimits.maxNoteMutationsPerPush
    ) async throws -> [WireMutation] {
        try await store.asyncWrite { db in
            try ReaderStore.takeOutboxBatch(db, limit: limit, maxFieldBytes: maxFieldBytes, maxNotes: maxNotes)
        }
    }

    /// See `ReaderStore.settle(_:)`.
    @discardableResult
    package func settle(_ response: PushResponse) async throws -> SettleReport {
        let now = store.environment.now()
        let report = try await store.asyncWrite { db in try ReaderStore.settle(db, response, now: now) }
        store.notify(report.changes, origin: .server)
        return report.settleReport
    }

    /// See `ReaderStore.applyChanges(_:)`.
    @discardableResult
    package func applyChanges(_ page: ChangePage) async throws -> PageReport {
        let now = store.environment.now()
        let report = try await store.asyncWrite { db in try ReaderStore.apply(db, page, now: now) }
        store.notify(report.changes, origin: .server)
        return report.pageReport
    }

    /// See `ReaderStore.applyNewestFirst(_:head:)`.
    @discardableResult
    package func applyNewestFirst(_ page: ChangePage, head: String?) async throws -> PageReport {
        let now = store.environment.now()
        let report = try await store.asyncWrite { db in try ReaderStore.applyNewestFirst(db, page, head: head, now: now) }
        store.notify(report.changes, origin: .server)
        return report.pageReport
    }

    /// See `ReaderStore.beginResync()`.
    package func beginResync() async throws {
        try await store.asyncWrite(ReaderStore.beginResync)
    }

    /// See `ReaderStore.feedFetchState(url:)`.
    package func feedFetchState(url: String) async throws -> FeedFetchState? {
        try await store.asyncRead { db in try ReaderStore.feedFetchState(db, url: url) }
    }

    /// See `ReaderStore.saveFeedFetchState(_:)`.
    package func saveFeedFetchState(_ state: FeedFetchState) async throws {
        try await store.asyncWrite { db in try state.save(db) }
    }

    /// See `ReaderStore.importFetchedFeed(_:state:)`.
    @discardableResult
    package func importFetchedFeed(_ entries: [ArticleDraft], state: FeedFetchState) async throws -> ImportReport {
        let store = store
        let (report, change) = try await store.asyncWrite { db in try store.importing(entries, state: state, db) }
        store.notify(change, origin: .refresh)
        return report
    }

    /// See `ReaderStore.moveFeed(from:to:)`.
    package func moveFeed(from old: String, to new: String) async throws {
        guard old != new else { return }
        let (title, tags) = try await store.asyncRead { db in try ReaderStore.subscriptionTitleAndTags(db, url: old) }
        try await apply(.subscribe(url: new, title: title, tags: tags))
        try await apply(.unsubscribe(url: old))
        try await store.asyncWrite { db in try ReaderStore.moveFetchState(db, from: old, to: new) }
    }
}
