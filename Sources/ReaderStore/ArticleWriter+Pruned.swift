import GRDB

extension ArticleWriter {
    /// A pruned article was seen again unchanged: its kept state lives on from now, since
    /// a feed that still carries it could bring it back. Written at most once a day per
    /// article, so refreshing a feed full of pruned entries costs reads, not writes.
    func seenAgain(prunedID id: String) throws {
        try db.cachedStatement(sql: """
            UPDATE pruned_articles SET seen_at = ? WHERE article_id = ? AND substr(seen_at, 1, 10) < substr(?, 1, 10)
            """).execute(arguments: [now, id, now])
    }

    /// A pruned article came back changed: its kept reading state (with its clock stamps)
    /// becomes its state again, so it does not come back unread.
    func restorePrunedState(articleID id: String) throws {
        try db.cachedStatement(sql: """
            UPDATE store_counts SET read = read + (SELECT count(*) FROM pruned_articles WHERE article_id = ? AND has_state = 1 AND read = 1)
            WHERE id = 1
            """).execute(arguments: [id])
        try db.cachedStatement(sql: """
            INSERT INTO article_states (article_id, read, read_hlc, starred, starred_hlc, progress, progress_hlc, tags, tags_hlc)
            SELECT article_id, read, read_hlc, starred, starred_hlc, progress, progress_hlc, tags, tags_hlc
            FROM pruned_articles WHERE article_id = ? AND has_state = 1
            """).execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM pruned_articles WHERE article_id = ?").execute(arguments: [id])
    }
}
