import Foundation
import GRDB
import ReaderFeeds
import ReaderModels

/// The store's reads and writes for code that runs in tasks: an app's main actor, a sync
/// engine, a refresh. Each one runs through GRDB's async `read` or `write`, so the calling
/// task is suspended while SQLite works on GRDB's own queue, and neither the main thread nor
/// a thread of Swift's cooperative pool is blocked.
///
/// It is a façade over the same ``ReaderStore`` (get one with ``ReaderStore/async``), not a
/// set of same-name `async` overloads on the store: with overloads, a synchronous call
/// written in an async context would silently become the async one, or stop compiling as
/// ambiguous, and a reader could not tell from a call which of the two it makes. Here the
/// call says it: `try store.status()` blocks, `try await store.async.status()` suspends.
///
/// ```swift
/// @MainActor func showUnread(_ store: ReaderStore) async throws {
///     let unread = try await store.async.articles(ArticleFilter(unreadOnly: true))
///     try await store.async.markRead(unread.prefix(1).map(\.id))
/// }
/// ```
///
/// Each operation does exactly what the synchronous method of the same name does, in the
/// same transactions, and observers (``ReaderStore/changes()`` and the query observations)
/// hear of it the same way.
public struct AsyncReaderStore: Sendable {
    /// The store these operations run on.
    public let store: ReaderStore

    /// The async operations of `store`.
    public init(_ store: ReaderStore) {
        self.store = store
    }

    // MARK: Reads

    /// Articles newest first; see ``ReaderStore/articles(_:)``.
    public func articles(_ filter: ArticleFilter = ArticleFilter()) async throws -> [ArticleSummary] {
        let query = ArticleQuery(filter)
        return try await store.asyncRead { db in try query.fetch(db) }
    }

    /// One article with its body and state; see ``ReaderStore/article(id:)``.
    public func article(id: String) async throws -> Article {
        try await store.asyncRead { db in try ReaderStore.article(db, id: id) }
    }

    /// Notes that are not deleted; see ``ReaderStore/notes(articleID:conflictedOnly:)``.
    public func notes(articleID: String? = nil, conflictedOnly: Bool = false) async throws -> [Note] {
        try await store.asyncRead { db in try ReaderStore.notes(db, articleID: articleID, conflictedOnly: conflictedOnly) }
    }

    /// One note, unless it is deleted; see ``ReaderStore/note(id:)``.
    public func note(id: String) async throws -> Note {
        try await store.asyncRead { db in try ReaderStore.note(db, id: id) }
    }

    /// Full-text search over articles and notes, best first; see ``ReaderStore/search(_:limit:highlight:)``.
    public func search(
        _ query: String, limit: Int = 20, highlight: (open: String, close: String) = ("**", "**")
    ) async throws -> [SearchHit] {
        try await search(SearchQuery(query), limit: limit, highlight: highlight, splitSpan: SearchPlan.splitSpan)
    }

    /// `search(_:limit:highlight:)` splitting at `splitSpan` row ids, its halves read at once.
    func search(
        _ parsed: SearchQuery, limit: Int, highlight: (open: String, close: String), splitSpan: Int64
    ) async throws -> [SearchHit] {
        let start = try await store.asyncRead { db in
            try ReaderStore.startSearch(db, parsed, limit: limit, highlight: highlight, splitSpan: splitSpan)
        }
        guard case .split(let plan, let halves) = start else { return start.hits }
        let stop = SearchStop()
        async let newer = store.asyncRead { db in try ReaderStore.newerRanks(db, plan, halves, stop: stop) }
        async let older = store.asyncRead { db in try ReaderStore.olderRanks(db, plan, halves, stop: stop) }
        let ranks = try await ReaderStore.best(ReaderStore.window(newer: newer, older: older), limit: limit)
        return try await store.asyncRead { db in
            try ReaderStore.splitHits(db, plan, articleRanks: ranks, limit: limit, highlight: highlight)
        }
    }

    /// The sources articles came from, by title; see ``ReaderStore/sources()``.
    public func sources() async throws -> [Source] {
        try await store.asyncRead(ReaderStore.sources)
    }

    /// The whole user state, canonical and sorted; see ``ReaderStore/exportUserState()``.
    public func exportUserState() async throws -> UserExport {
        try await store.asyncRead(ReaderStore.exportUserState)
    }

    /// Counts of what the store holds; see ``ReaderStore/status()``.
    public func status() async throws -> StoreStatus {
        var status = try await store.asyncRead(ReaderStore.status)
        status.databaseBytes = store.databaseBytes()
        return status
    }

    /// The subscribed feeds with their fetch state; see ``ReaderStore/feedSubscriptions()``.
    public func feedSubscriptions() async throws -> [FeedSubscription] {
        try await store.asyncRead(ReaderStore.feedSubscriptions)
    }

    /// The subscribed feed that `text` names; see ``ReaderStore/feedSubscription(named:)``.
    public func feedSubscription(named text: String) async throws -> FeedSubscription? {
        try ReaderStore.feedSubscription(named: text, in: await feedSubscriptions())
    }

    /// The device's sync settings; see ``ReaderStore/syncSettings()``.
    public func syncSettings() async throws -> SyncSettings {
        try await store.asyncRead(ReaderStore.syncSettings)
    }

    /// How many mutations wait in the outbox; see ``ReaderStore/pendingCount()``.
    public func pendingCount() async throws -> Int {
        try await store.asyncRead(ReaderStore.pendingCount)
    }

    /// Mutations the server refused, newest first; see ``ReaderStore/rejectedMutations()``.
    public func rejectedMutations() async throws -> [RejectedMutation] {
        try await store.asyncRead(ReaderStore.rejectedMutations)
    }

    /// The outbox in the order it will be pushed; see ``ReaderStore/pendingMutations(limit:)``.
    public func pendingMutations(limit: Int = .max) async throws -> [Mutation] {
        try await store.asyncRead { db in try ReaderStore.pendingMutations(db, limit: limit) }
    }

    /// The retention policy in force; see ``ReaderStore/retentionPolicy()``.
    public func retentionPolicy() async throws -> RetentionPolicy {
        try await store.asyncRead { db in try ReaderStore.storedPolicy(db) ?? .default }
    }

    /// Stores the retention policy (nil: the default); see ``ReaderStore/setRetentionPolicy(_:)``.
    public func setRetentionPolicy(_ policy: RetentionPolicy?) async throws {
        try policy?.check()
        try await store.asyncWrite { db in try ReaderStore.storePolicy(db, policy) }
    }

    // MARK: Articles

    /// Imports a feed or bundle file, a large one in parts; see ``ReaderStore/importFile(at:format:baseURL:)``.
    @discardableResult
    public func importFile(at path: String, format: FeedFormat? = nil, baseURL: String? = nil) async throws -> ImportReport {
        try await importFile(at: path, format: format, baseURL: baseURL, parts: .standard)
    }

    /// `importFile(at:format:baseURL:)` with the sizes that decide the parts given.
    func importFile(at path: String, format: FeedFormat?, baseURL: String?, parts: ImportParts) async throws -> ImportReport {
        let store = store
        if parts.splits(path) {
            do {
                return try await store.pool.writeWithoutTransaction { db in
                    try store.importing(path, format: format, baseURL: baseURL, in: parts, db) { store.notify($0, origin: .import) }
                }
            } catch {
                throw StoreError.wrap(error, path: store.path)
            }
        }
        let (report, change) = try await store.asyncWrite { db in try store.importing(path, format: format, baseURL: baseURL, db) }
        store.notify(change, origin: .import)
        return report
    }

    /// Saves already-parsed articles in one transaction; see ``ReaderStore/importArticles(_:label:)``.
    @discardableResult
    public func importArticles(_ drafts: [ArticleDraft], label: String = "articles") async throws -> ImportReport {
        let store = store
        let (report, change) = try await store.asyncWrite { db in try store.importing(drafts, label: label, db) }
        store.notify(change, origin: .import)
        return report
    }

    /// Imports a fetched feed's articles, prepared off the writer, and saves its fetch state
    /// in one transaction; see ``ReaderStore/importFetchedFeed(_:state:)``.
    @discardableResult
    package func importFetchedFeed(_ articles: [PreparedArticle], state: FeedFetchState) async throws -> ImportReport {
        let store = store
        let (report, change) = try await store.asyncWrite { db in try store.importing(articles, state: state, db) }
        store.notify(change, origin: .refresh)
        return report
    }

    // MARK: Edits

    /// Applies a user edit with its outbox row in one transaction; see ``ReaderStore/apply(_:)``.
    @discardableResult
    public func apply(_ edit: LocalEdit) async throws -> AppliedEdit {
        try edit.checkLimits()
        let store = store
        let applied = try await store.asyncWrite { db in try store.applying(edit, db) }
        store.notify(ReaderStore.change(of: edit, applied), origin: .local)
        return applied
    }

    /// Marks articles read or unread.
    public func markRead(_ articleIDs: [String], _ read: Bool = true) async throws {
        try await apply(.setRead(articleIDs: articleIDs, read: read))
    }

    /// Stars or unstars articles.
    public func markStarred(_ articleIDs: [String], _ starred: Bool = true) async throws {
        try await apply(.setStarred(articleIDs: articleIDs, starred: starred))
    }

    /// Adds a note and returns it.
    public func addNote(articleID: String, body: String, quote: String? = nil) async throws -> Note {
        guard let note = try await apply(.addNote(articleID: articleID, body: body, quote: quote)).note else {
            throw StoreError.invalidValue("the note was not saved")
        }
        return note
    }

    /// Replaces a note's text and returns the note.
    @discardableResult
    public func editNote(id: String, body: String) async throws -> Note {
        guard let note = try await apply(.editNote(id: id, body: body)).note else { throw StoreError.noteNotFound(id) }
        return note
    }

    /// Deletes a note (a tombstone, so the deletion syncs).
    public func deleteNote(id: String) async throws {
        try await apply(.deleteNote(id: id))
    }

    /// Subscribes to the feed at `url`; see ``ReaderStore/subscribeFeed(url:title:tags:sourceKey:)``.
    public func subscribeFeed(url: String, title: String? = nil, tags: [String] = [], sourceKey: String? = nil) async throws {
        try await apply(.subscribe(url: url, title: title, tags: tags))
        try await store.asyncWrite { db in try ReaderStore.giveFetchState(db, url: url, sourceKey: sourceKey) }
    }

    /// Unsubscribes from the feed at `url`; see ``ReaderStore/unsubscribeFeed(url:)``.
    public func unsubscribeFeed(url: String) async throws {
        try await apply(.unsubscribe(url: url))
        try await store.asyncWrite { db in try ReaderStore.forgetFetchState(db, url: url) }
    }

    /// Stores (or with nil, forgets) the server and token; see ``ReaderStore/saveServer(url:token:)``.
    public func saveServer(url: URL?, token: String?) async throws {
        try await store.asyncWrite { db in try ReaderStore.saveServer(db, url: url, token: token) }
    }

    /// Removes what the retention policy says to; see ``ReaderStore/prune(policy:now:)``.
    @discardableResult
    public func prune(policy: RetentionPolicy? = nil, now: Date? = nil) async throws -> PruneReport {
        let now = now ?? store.environment.now()
        let policy = if let policy { policy } else { try await retentionPolicy() }
        try policy.check()
        var before = PruneReport()
        before.bytesBefore = store.databaseBytes()
        var report = try await store.asyncWrite { [before] db in
            var report = before
            try ReaderStore.prune(db, policy: policy, now: now, into: &report)
            return report
        }
        if report.removed > 0 || report.forgotten > 0 { try await store.asyncGiveSpaceBack(removed: report.removed) }
        report.bytesAfter = store.databaseBytes()
        if !report.articleIDs.isEmpty {
            store.notify(StoreChange(origin: .retention, articleIDs: Set(report.articleIDs)), origin: .retention)
        }
        return report
    }
}

extension ReaderStore {
    /// This store's operations for tasks, through GRDB's async API: `try await store.async.status()`.
    /// See ``AsyncReaderStore`` for why they are a façade rather than overloads.
    public var async: AsyncReaderStore { AsyncReaderStore(self) }
}
