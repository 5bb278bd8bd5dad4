import GRDB
import ReaderModels

extension ReaderStore {
    /// The articles `filter` selects, at once and again after every committed write that
    /// changes them, whoever made it through this store (an edit, a sync, an import, a
    /// refresh, pruning). A write that leaves the list as it was yields nothing. The stream
    /// ends when the caller stops iterating; it throws a `StoreError` if a read fails.
    ///
    /// Writes by another process on the same file are not seen (as with ``changes()``).
    public func observeArticles(_ filter: ArticleFilter = ArticleFilter()) -> AsyncThrowingStream<[ArticleSummary], any Error> {
        let query = ArticleQuery(filter)
        return observe { db in try query.fetch(db) }
    }

    /// The number of unread articles, of one feed (a source id) or of all, at once and
    /// again whenever it changes; see ``observeArticles(_:)``.
    public func observeUnreadCount(feedID: String? = nil) -> AsyncThrowingStream<Int, any Error> {
        observe { db in
            let sql = """
                SELECT count(*) FROM articles a LEFT JOIN article_states st ON st.article_id = a.id
                WHERE coalesce(st.read, 0) = 0
                """
            if let feedID {
                return try Int.fetchOne(db, sql: sql + " AND a.source_id = ?", arguments: [feedID]) ?? 0
            }
            return try Int.fetchOne(db, sql: sql) ?? 0
        }
    }

    /// The notes that are not deleted (of one article when `articleID` is given), at once
    /// and again whenever they change; see ``observeArticles(_:)``.
    public func observeNotes(articleID: String? = nil) -> AsyncThrowingStream<[Note], any Error> {
        observe { db in try Self.notes(db, articleID: articleID, conflictedOnly: false) }
    }

    /// A value read by `fetch`, yielded now and after each committed write to the tables it
    /// read that changes it: GRDB's `ValueObservation`, which tracks the region a read
    /// touched, behind a stream of our own so apps need not import GRDB.
    func observe<Value: Sendable & Equatable>(
        _ fetch: @escaping @Sendable (Database) throws -> Value
    ) -> AsyncThrowingStream<Value, any Error> {
        let observation = ValueObservation.tracking(fetch).removeDuplicates()
        let (pool, path) = (pool, path)
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await value in observation.values(in: pool) { continuation.yield(value) }
                    continuation.finish()
                } catch is CancellationError {
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: StoreError.wrap(error, path: path))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
