import GRDB

extension Schema {
    /// The device's retention policy and what it keeps of the articles it pruned. Both are
    /// local: never synced, and no outbox row is written for them.
    ///
    /// - `retention_policy`: the person's choice, one row; with no row the store uses
    ///   `RetentionPolicy.default`. A NULL knob is off.
    /// - `pruned_articles`: for each pruned article, its content hash (an unchanged copy
    ///   arriving again is not stored again), when it was first seen (a copy that changed
    ///   comes back with its age, so the policy treats it the same), and its reading state
    ///   with the state's clock stamps (`has_state` 0: it had none), so it never comes back
    ///   unread. `seen_at` is when it was pruned or last seen again in a feed; rows not
    ///   seen for `RetentionPolicy.keptStateDays` are dropped.
    static func createRetention(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE retention_policy (
              id INTEGER PRIMARY KEY CHECK (id = 1),
              read_days INTEGER CHECK (read_days >= 0),
              unread_days INTEGER CHECK (unread_days >= 0),
              per_feed INTEGER CHECK (per_feed >= 0)
            );
            CREATE TABLE pruned_articles (
              article_id TEXT PRIMARY KEY NOT NULL,
              content_hash TEXT NOT NULL,
              first_seen_at TEXT NOT NULL,
              seen_at TEXT NOT NULL,
              has_state INTEGER NOT NULL CHECK (has_state IN (0, 1)),
              read INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
              read_hlc TEXT,
              starred INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
              starred_hlc TEXT,
              progress REAL NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
              progress_hlc TEXT,
              tags TEXT NOT NULL DEFAULT '[]',
              tags_hlc TEXT
            ) WITHOUT ROWID;
            CREATE INDEX pruned_articles_seen ON pruned_articles(seen_at);
            """)
    }
}
