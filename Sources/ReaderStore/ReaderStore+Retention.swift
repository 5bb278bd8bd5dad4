import Foundation
import GRDB
import ReaderModels

extension ReaderStore {
    /// The retention policy in force: the one set with ``setRetentionPolicy(_:)``, else
    /// `RetentionPolicy.default`.
    public func retentionPolicy() throws -> RetentionPolicy {
        try read { db in try Self.storedPolicy(db) ?? .default }
    }

    /// Whether the owner chose a policy (false: the default is in force).
    public func hasChosenRetentionPolicy() throws -> Bool {
        try read { db in try db.exists("retention_policy WHERE id = 1", []) }
    }

    /// Stores the retention policy; nil goes back to `RetentionPolicy.default`. Local to the
    /// device: no outbox row is written.
    public func setRetentionPolicy(_ policy: RetentionPolicy?) throws {
        try policy?.check()
        try write { db in try Self.storePolicy(db, policy) }
    }

    static func storePolicy(_ db: Database, _ policy: RetentionPolicy?) throws {
        guard let policy else { return try db.execute(sql: "DELETE FROM retention_policy") }
        try db.execute(sql: """
            INSERT INTO retention_policy (id, read_days, unread_days, per_feed) VALUES (1, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET read_days = excluded.read_days, unread_days = excluded.unread_days,
              per_feed = excluded.per_feed
            """, arguments: [policy.readDays, policy.unreadDays, policy.perFeed])
    }

    /// Removes the articles `policy` (default: the stored one) says to, as of `now`
    /// (default: the store's clock), and gives their space back to the file system.
    ///
    /// Never removes an article that is starred, tagged, or has a note (live or deleted),
    /// nor, on a device that syncs (it has a server, a cursor or a past sync), one whose
    /// reading state waits in the outbox. A device that has never synced has nothing to
    /// wait for: were it to sync later, the pending change still goes out, and the server's
    /// answer lands in the kept state. Each removed article's content hash, age
    /// and reading state go into `pruned_articles`, so a copy arriving again unchanged is
    /// not stored again and a changed one comes back with its state. The search index
    /// follows (its delete trigger). No outbox row is written: pruning is local, never a
    /// sync deletion. Observers get a change with origin `.retention`.
    ///
    /// The first prune that removes something from a database made before incremental
    /// vacuum switches it on with a one-time `VACUUM` (it rewrites the file once).
    @discardableResult
    public func prune(policy: RetentionPolicy? = nil, now: Date? = nil) throws -> PruneReport {
        let now = now ?? environment.now()
        let policy = try policy ?? retentionPolicy()
        try policy.check()
        var report = PruneReport()
        report.bytesBefore = databaseBytes()
        try write { db in
            try Self.prune(db, policy: policy, now: now, into: &report)
        }
        if report.removed > 0 || report.forgotten > 0 { try giveSpaceBack(removed: report.removed) }
        report.bytesAfter = databaseBytes()
        if !report.articleIDs.isEmpty {
            notify(StoreChange(origin: .retention, articleIDs: Set(report.articleIDs)), origin: .retention)
        }
        return report
    }

    /// The size of the database: its file and its WAL, in bytes.
    public func databaseBytes() -> Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    static func storedPolicy(_ db: Database) throws -> RetentionPolicy? {
        try Row.fetchOne(db, sql: "SELECT read_days, unread_days, per_feed FROM retention_policy WHERE id = 1").map { row in
            RetentionPolicy(readDays: row["read_days"], unreadDays: row["unread_days"], perFeed: row["per_feed"])
        }
    }

    static func prune(_ db: Database, policy: RetentionPolicy, now: Date, into report: inout PruneReport) throws {
        let nowText = Timestamp.format(now)
        func daysBefore(_ days: Int) -> String { Timestamp.format(now.addingTimeInterval(-Double(days) * 86_400)) }
        var rules: [String] = []
        var arguments: StatementArguments = []
        if let days = policy.readDays {
            rules.append("(coalesce(st.read, 0) = 1 AND a.first_seen_at <= ?)")
            arguments += [daysBefore(days)]
        }
        if let days = policy.unreadDays {
            rules.append("(coalesce(st.read, 0) = 0 AND a.first_seen_at <= ?)")
            arguments += [daysBefore(days)]
        }
        if let count = policy.perFeed {
            rules.append("""
                a.seq IN (SELECT seq FROM (SELECT seq, row_number() OVER (PARTITION BY source_id ORDER BY sort_at DESC, seq DESC) AS rank
                  FROM articles) WHERE rank > ?)
                """)
            arguments += [count]
        }
        if !rules.isEmpty {
            let syncs = try db.exists("""
                sync_state WHERE id = 1 AND (server_url IS NOT NULL OR cursor IS NOT NULL OR last_sync_at IS NOT NULL)
                """, [])
            // A temporary table on the writer's connection: the batch is read three times.
            try db.execute(sql: """
                CREATE TEMP TABLE IF NOT EXISTS prune_batch (id TEXT PRIMARY KEY NOT NULL, read INTEGER NOT NULL) WITHOUT ROWID;
                DELETE FROM prune_batch;
                """)
            try db.execute(sql: """
                INSERT INTO prune_batch (id, read)
                SELECT a.id, coalesce(st.read, 0) FROM articles a LEFT JOIN article_states st ON st.article_id = a.id
                WHERE (\(rules.joined(separator: " OR ")))
                  AND coalesce(st.starred, 0) = 0 AND coalesce(st.tags, '[]') = '[]'
                  AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.article_id = a.id)
                  AND (NOT ? OR NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'article_state' AND o.entity_id = a.id))
                """, arguments: arguments + [syncs])
            try db.execute(sql: """
                INSERT OR REPLACE INTO pruned_articles (article_id, content_hash, first_seen_at, seen_at, has_state,
                  read, read_hlc, starred, starred_hlc, progress, progress_hlc, tags, tags_hlc)
                SELECT a.id, a.content_hash, a.first_seen_at, ?, st.article_id IS NOT NULL,
                  coalesce(st.read, 0), st.read_hlc, coalesce(st.starred, 0), st.starred_hlc,
                  coalesce(st.progress, 0), st.progress_hlc, coalesce(st.tags, '[]'), st.tags_hlc
                FROM prune_batch b JOIN articles a ON a.id = b.id LEFT JOIN article_states st ON st.article_id = a.id
                """, arguments: [nowText])
            for row in try Row.fetchAll(db, sql: "SELECT id, read FROM prune_batch ORDER BY id") {
                report.articleIDs.append(row["id"])
                if row["read"] as Bool { report.read += 1 } else { report.unread += 1 }
            }
            try db.execute(sql: """
                UPDATE store_counts SET articles = articles - (SELECT count(*) FROM prune_batch),
                  read = read - (SELECT count(*) FROM prune_batch WHERE read = 1)
                WHERE id = 1
                """)
            // The state rows go with their articles (ON DELETE CASCADE), the search rows by trigger.
            try db.execute(sql: "DELETE FROM articles WHERE id IN (SELECT id FROM prune_batch); DELETE FROM prune_batch;")
        }
        try db.execute(sql: "DELETE FROM pruned_articles WHERE seen_at < ?",
                       arguments: [daysBefore(RetentionPolicy.keptStateDays)])
        report.forgotten = db.changesCount
        report.keptStates = try Int.fetchOne(db, sql: "SELECT count(*) FROM pruned_articles") ?? 0
    }

    /// Returns the freed pages to the file system and truncates the WAL, so the file
    /// shrinks now rather than at some later checkpoint.
    ///
    /// A deleted article stays in the search index's segments as a delete marker until
    /// those segments are merged, and with eight segments a level (see ``Schema``) the
    /// largest merge seldom: a year of 200 feeds grew by a third with the article count
    /// flat (`reader-bench retention`). So each prune also merges index segments, all
    /// levels, for about two pages per article removed (`'merge', -N`, which resumes where
    /// the last one stopped): the whole index is rewritten once for every quarter or so of
    /// it that was deleted, at a cost in proportion to what was pruned.
    private func giveSpaceBack(removed: Int) throws {
        do {
            try pool.writeWithoutTransaction { db in try Self.giveSpaceBack(db, removed: removed) }
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// `giveSpaceBack(removed:)` through GRDB's async API.
    func asyncGiveSpaceBack(removed: Int) async throws {
        do {
            try await pool.writeWithoutTransaction { db in try Self.giveSpaceBack(db, removed: removed) }
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Outside a transaction: VACUUM and checkpoints cannot run inside one.
    private static func giveSpaceBack(_ db: Database, removed: Int) throws {
        if removed > 0 {
            try db.execute(sql: "INSERT INTO articles_fts(articles_fts, rank) VALUES ('merge', ?)",
                           arguments: [-max(64, removed * 2)])
        }
        if try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") != StoreFile.incrementalVacuum {
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            try db.execute(sql: "VACUUM")
        } else {
            try db.execute(sql: "PRAGMA incremental_vacuum")
        }
        try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
    }
}
