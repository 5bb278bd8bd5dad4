import GRDB

/// The number of articles and of read articles, which `status()` shows, kept in the
/// one-row table `store_counts` by the statements that change them (`v11-status-counts`).
///
/// Counting them walks an index of every article and every state row: 26 ms at a million
/// articles, half of `reader status`'s 50 ms budget. Triggers cannot keep them: a trigger on
/// `articles` or `article_states` opens a statement journal for each row written, and FTS5
/// writes its pending terms as a segment at each (see `ArticleWriter`). A plain one-row
/// UPDATE opens none, so each writer adds its own change as it makes it:
///
/// - `ArticleWriter` for an article it inserts, and the read state it gives back to a
///   pruned article that returns;
/// - `EditSession` and `SyncSession` before they set an article's `read`;
/// - `SyncSession` and `ReaderStore.prune` before they delete articles (their state rows
///   go with them).
///
/// A statement that adds or removes articles, or sets `read`, anywhere else must do the
/// same; `StatusCountTests` compares the kept counts with `exact(_:)` after each kind.
enum StoreCounts {
    static let createTable = """
        CREATE TABLE store_counts (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          articles INTEGER NOT NULL,
          read INTEGER NOT NULL
        )
        """

    /// Counts every article and read state: for the migration, and for tests to compare.
    static func exact(_ db: Database) throws -> (articles: Int, read: Int) {
        let row = try Row.fetchOne(db, sql: """
            SELECT (SELECT count(*) FROM articles INDEXED BY articles_source) AS articles,
              (SELECT count(*) FROM article_states WHERE read = 1) AS read
            """)
        return (row?["articles"] ?? 0, row?["read"] ?? 0)
    }

    /// Adds `articles` new articles, `read` of them read.
    static func add(_ db: Database, articles: Int, read: Int = 0) throws {
        guard articles != 0 || read != 0 else { return }
        try db.cachedStatement(sql: "UPDATE store_counts SET articles = articles + ?, read = read + ? WHERE id = 1")
            .execute(arguments: [articles, read])
    }

    /// Before `read` is set to `value` for an article: counts the change from what it is now
    /// (an article without a state row is unread).
    static func willSetRead(_ db: Database, articleID: String, to value: Bool) throws {
        try db.cachedStatement(sql: """
            UPDATE store_counts SET read = read + ? - coalesce((SELECT read FROM article_states WHERE article_id = ?), 0)
            WHERE id = 1
            """).execute(arguments: [value ? 1 : 0, articleID])
    }

    /// Before the article `articleID` is deleted: takes it, and its read state, off the counts.
    /// Nothing when there is no such article.
    static func willDelete(_ db: Database, articleID: String) throws {
        try db.cachedStatement(sql: """
            UPDATE store_counts SET articles = articles - 1,
              read = read - coalesce((SELECT read FROM article_states WHERE article_id = ?), 0)
            WHERE id = 1 AND EXISTS (SELECT 1 FROM articles WHERE id = ?)
            """).execute(arguments: [articleID, articleID])
    }
}
