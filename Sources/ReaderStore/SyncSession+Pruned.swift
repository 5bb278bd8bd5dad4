import GRDB
import ReaderModels

extension SyncSession {
    /// Pulled or settled state for an article this device pruned goes into the state kept
    /// for it, so it comes back with the latest state if it ever arrives again; it is not
    /// deferred (the article may never be sent again). Returns false when the article was
    /// not pruned here.
    ///
    /// Every field is taken: a pruned article had no state pending in the outbox, and it
    /// cannot be edited here until it comes back.
    mutating func savePrunedState(_ record: ArticleStateRecord) throws -> Bool {
        try db.execute(sql: """
            UPDATE pruned_articles SET has_state = 1, read = ?, read_hlc = ?, starred = ?, starred_hlc = ?,
              progress = ?, progress_hlc = ?, tags = ?, tags_hlc = ?
            WHERE article_id = ?
            """, arguments: [
                record.read, record.hlc.read?.description, record.starred, record.hlc.starred?.description,
                record.progress, record.hlc.progress?.description, JSON.encode(record.tags), record.hlc.tags?.description,
                record.articleID,
            ])
        guard db.changesCount > 0 else { return false }
        for hlc in record.hlc.all { try see(hlc) }
        return true
    }

    /// The server removed the article: what was kept of it here goes too.
    func forgetPruned(articleID id: String) throws {
        try db.execute(sql: "DELETE FROM pruned_articles WHERE article_id = ?", arguments: [id])
    }
}
