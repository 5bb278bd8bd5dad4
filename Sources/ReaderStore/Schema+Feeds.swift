import GRDB

extension Schema {
    /// Per-feed fetch state of local subscriptions (validators, errors, backoff). Local to
    /// the device: it is never synced, and no outbox row is written for it.
    ///
    /// `url` is the feed's current address, the same text as `subscriptions.url`;
    /// `source_key` is the address the feed was first fetched at, which keys its articles'
    /// source so that a feed that moves (301) keeps its articles.
    static func createFeedFetchState(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE feed_fetch_state (
              url TEXT PRIMARY KEY NOT NULL,
              source_key TEXT NOT NULL,
              title TEXT,
              site_url TEXT,
              etag TEXT,
              last_modified TEXT,
              last_fetch_at TEXT,
              last_status INTEGER,
              last_error TEXT,
              consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
              next_fetch_at TEXT
            ) WITHOUT ROWID;
            """)
    }
}
