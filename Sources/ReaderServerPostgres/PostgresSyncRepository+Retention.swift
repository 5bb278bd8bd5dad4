import PostgresNIO
import ReaderModels
import ReaderServer

extension PostgresSyncRepository {
    /// Applies the retention policy (see `ServerRetention`), as on SQLite
    /// (`SQLiteSyncRepository+Retention.swift`): marks the articles past its bounds expired,
    /// takes them out of the libraries that hold them through nothing else, and deletes
    /// those nobody holds, in transactions of a few hundred articles.
    ///
    /// Each transaction takes its articles' sources' advisory locks, then the change feeds
    /// of their holders in ascending order, as a fetch does, so a pass on one instance and a
    /// fetch or import on another neither deadlock nor write one article at once. Two
    /// instances may run a pass at the same time: the second finds the articles expired
    /// already and changes nothing.
    public func applyRetention() async throws -> RetentionReport {
        var report = RetentionReport()
        guard retention.isOn else { return report }
        let due = try await write { connection, logger in try await self.articlesPastRetention(connection, logger) }
        for start in stride(from: 0, to: due.count, by: Self.retentionChunk) {
            let chunk = Array(due[start..<min(start + Self.retentionChunk, due.count)])
            let done = try await write { connection, logger in try await self.expire(chunk, connection, logger) }
            report.expired += done.expired
            report.leftLibraries += done.leftLibraries
            report.deleted += done.deleted
        }
        return report
    }

    static let retentionChunk = 400

    private static func strings(_ query: PostgresQuery, _ connection: PostgresConnection, _ logger: Logger) async throws -> [String] {
        var found: [String] = []
        for try await value in try await connection.query(query, logger: logger).decode(String.self) { found.append(value) }
        return found
    }

    /// The ids of articles not yet expired that are past a bound (older than `keepDays`, or
    /// beyond the newest `keepPerFeed` of a fetched feed), and of expired ones nobody holds.
    private func articlesPastRetention(_ connection: PostgresConnection, _ logger: Logger) async throws -> [String] {
        var ids: [String] = []
        if retention.keepDays > 0 {
            let cutoff = Timestamp.format(millis: clock.now() - Int64(retention.keepDays) * 86_400_000)
            ids += try await Self.strings(
                "SELECT id FROM articles WHERE NOT expired AND first_seen_at < \(cutoff) ORDER BY id", connection, logger
            )
        }
        if retention.keepPerFeed > 0 {
            let keep = Int64(retention.keepPerFeed)
            ids += try await Self.strings("""
                SELECT id FROM (
                  SELECT id, ROW_NUMBER() OVER (
                    PARTITION BY source_id ORDER BY first_seen_at DESC, COALESCE(published_at, '') DESC, id DESC
                  ) AS rank FROM articles WHERE NOT expired AND source_id IN (SELECT source_id FROM feeds)
                ) ranked WHERE rank > \(keep) ORDER BY id
                """, connection, logger)
        }
        // Expired before and kept by someone until they let go (an unstar, a deleted note):
        // nobody holds them now.
        ids += try await Self.strings("""
            SELECT id FROM articles a WHERE expired AND NOT EXISTS (SELECT 1 FROM library l WHERE l.article_id = a.id)
            ORDER BY id
            """, connection, logger)
        var seen: Set<String> = []
        return ids.filter { seen.insert($0).inserted }
    }

    /// Expires `ids` in one transaction; see ``applyRetention()``.
    private func expire(_ ids: [String], _ connection: PostgresConnection, _ logger: Logger) async throws -> RetentionReport {
        var report = RetentionReport()
        let now = nowText
        let sources = try await Self.strings(
            "SELECT DISTINCT source_id FROM articles WHERE id = ANY(\(ids)) ORDER BY source_id", connection, logger
        )
        for sourceID in sources {
            let key = "source " + sourceID
            try await connection.run("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger)
        }
        // Each holder judged again: a keeper keeps it, everyone else gets a tombstone.
        var byUser: [Int64: [String]] = [:]
        for try await (user, article) in try await connection.query(
            "SELECT user_id, article_id FROM library WHERE article_id = ANY(\(ids)) ORDER BY user_id, article_id",
            logger: logger
        ).decode((Int64, String).self) { byUser[user, default: []].append(article) }
        // Whoever has state on an article that may be deleted loses that state's change row.
        var stateHolders: [Int64] = []
        for try await user in try await connection.query(
            "SELECT DISTINCT user_id FROM article_states WHERE article_id = ANY(\(ids))", logger: logger
        ).decode(Int64.self) { stateHolders.append(user) }
        try await PostgresChangeFeed.lock(users: Array(byUser.keys) + stateHolders, connection, logger)
        for try await count in try await connection.query("""
            WITH marked AS (UPDATE articles SET expired = true WHERE NOT expired AND id = ANY(\(ids)) RETURNING 1)
            SELECT count(*) FROM marked
            """, logger: logger).decode(Int64.self) { report.expired = Int(count) }
        // In SQLite's order: by user, each user's articles in the order the library lists them.
        let library = PostgresLibrary(connection, logger, now: now)
        for (user, articles) in byUser.sorted(by: { $0.key < $1.key }) {
            let before = try await Self.heldCount(user: user, articles, connection, logger)
            try await library.reconcile(user: user, articles: articles)
            report.leftLibraries += before - (try await Self.heldCount(user: user, articles, connection, logger))
        }
        // Held by nobody now: the article goes, with every user's state on it and the
        // change rows of that state (the article's own tombstones stay until purged).
        let unheld = try await Self.strings("""
            SELECT id FROM articles a WHERE id = ANY(\(ids)) AND expired
              AND NOT EXISTS (SELECT 1 FROM library l WHERE l.article_id = a.id)
            ORDER BY id
            """, connection, logger)
        if !unheld.isEmpty {
            try await connection.query("""
                DELETE FROM changes c USING article_states s
                WHERE s.article_id = ANY(\(unheld)) AND c.user_id = s.user_id AND c.entity = 'article_state'
                  AND c.entity_id = s.article_id
                """, logger: logger)
            try await connection.query("DELETE FROM article_states WHERE article_id = ANY(\(unheld))", logger: logger)
            try await connection.query("DELETE FROM articles WHERE id = ANY(\(unheld))", logger: logger)
        }
        report.deleted = unheld.count
        try await PostgresServerClock.save(clock, connection, logger)
        return report
    }

    /// How many of `articles` `user` holds.
    private static func heldCount(user: Int64, _ articles: [String], _ connection: PostgresConnection, _ logger: Logger) async throws -> Int {
        for try await count in try await connection.query(
            "SELECT count(*) FROM library WHERE user_id = \(user) AND article_id = ANY(\(articles))", logger: logger
        ).decode(Int64.self) { return Int(count) }
        return 0
    }
}
