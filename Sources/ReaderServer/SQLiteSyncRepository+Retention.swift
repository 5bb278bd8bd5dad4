import Foundation
import GRDB
import ReaderModels

extension SQLiteSyncRepository {
    /// Applies the retention policy (see ``ServerRetention``): marks the articles past its
    /// bounds expired, takes them out of the libraries that hold them through nothing else,
    /// and deletes those nobody holds. Works in transactions of a few hundred articles, so
    /// pushes and imports are never held up long.
    public func applyRetention() async throws -> RetentionReport {
        var report = RetentionReport()
        guard retention.isOn else { return report }
        let due = try await pool.read { db in try self.articlesPastRetention(db) }
        for start in stride(from: 0, to: due.count, by: Self.retentionChunk) {
            let chunk = Array(due[start..<min(start + Self.retentionChunk, due.count)])
            let done = try await pool.write { db in try self.expire(chunk, db) }
            report.expired += done.expired
            report.leftLibraries += done.leftLibraries
            report.deleted += done.deleted
        }
        return report
    }

    static let retentionChunk = 400

    /// The ids of articles not yet expired that are past a bound (older than `keepDays`, or
    /// beyond the newest `keepPerFeed` of a fetched feed), and of expired ones nobody holds.
    private func articlesPastRetention(_ db: Database) throws -> [String] {
        var ids: [String] = []
        if retention.keepDays > 0 {
            let cutoff = Timestamp.format(millis: clock.now() - Int64(retention.keepDays) * 86_400_000)
            ids += try String.fetchAll(db, sql: "SELECT id FROM articles WHERE expired = 0 AND first_seen_at < ?", arguments: [cutoff])
        }
        if retention.keepPerFeed > 0 {
            ids += try String.fetchAll(db, sql: """
                SELECT id FROM (
                  SELECT id, ROW_NUMBER() OVER (
                    PARTITION BY source_id ORDER BY first_seen_at DESC, COALESCE(published_at, '') DESC, id DESC
                  ) AS rank FROM articles WHERE expired = 0 AND source_id IN (SELECT source_id FROM feeds)
                ) WHERE rank > ?
                """, arguments: [retention.keepPerFeed])
        }
        // Expired before and kept by someone until they let go (an unstar, a deleted note):
        // nobody holds them now.
        ids += try String.fetchAll(db, sql: """
            SELECT id FROM articles a WHERE expired = 1 AND NOT EXISTS (SELECT 1 FROM library l WHERE l.article_id = a.id)
            """)
        var seen: Set<String> = []
        return ids.filter { seen.insert($0).inserted }
    }

    /// Expires `ids` in one transaction; see ``applyRetention()``.
    private func expire(_ ids: [String], _ db: Database) throws -> RetentionReport {
        var report = RetentionReport()
        let now = nowText
        let marks = StatementArguments(ids)
        let list = databaseQuestionMarks(count: ids.count)
        try db.execute(sql: "UPDATE articles SET expired = 1 WHERE expired = 0 AND id IN (\(list))", arguments: marks)
        report.expired = db.changesCount
        // Each holder judged again: a keeper keeps it, everyone else gets a tombstone.
        var byUser: [Int64: [String]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT user_id, article_id FROM library WHERE article_id IN (\(list))", arguments: marks) {
            byUser[row[0], default: []].append(row[1])
        }
        let library = Library(db: db, now: now)
        for (user, articles) in byUser.sorted(by: { $0.key < $1.key }) {
            report.leftLibraries += try library.reconcile(user: user, articles: articles)
        }
        // Held by nobody now: the article goes, with every user's state on it and the
        // change rows of that state (the article's own tombstones stay until purged).
        let unheld = try String.fetchAll(db, sql: """
            SELECT id FROM articles a WHERE id IN (\(list)) AND expired = 1
              AND NOT EXISTS (SELECT 1 FROM library l WHERE l.article_id = a.id)
            """, arguments: marks)
        for id in unheld {
            for user in try Int64.fetchAll(db, sql: "SELECT user_id FROM article_states WHERE article_id = ?", arguments: [id]) {
                try db.execute(
                    sql: "DELETE FROM changes WHERE user_id = ? AND entity = ? AND entity_id = ?",
                    arguments: [user, ChangeEntity.articleState.rawValue, id]
                )
            }
            try db.execute(sql: "DELETE FROM article_states WHERE article_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM articles WHERE id = ?", arguments: [id])
        }
        report.deleted = unheld.count
        try saveClock(db)
        return report
    }
}
