import GRDB

/// The tables the Google Reader API needs, migration `v6-greader`.
enum GReaderSchema {
    static func migrate(_ db: Database) throws {
        // `greader_items` gives each article the integer id the API shows (see
        // `GReaderItemID`). INTEGER PRIMARY KEY AUTOINCREMENT: an alias of the rowid, which
        // VACUUM keeps, and never reused, so an id an app holds never names another article.
        // The trigger numbers every article as it is first stored; the ones already there are
        // numbered in the order they arrived. Articles are updated in place, never replaced,
        // so an id stays with its article until retention deletes both.
        // `greader_sessions` holds the SHA-256 hash of each ClientLogin Auth token;
        // `users.greader_password` the scrypt hash of the API password (`GReaderPassword`).
        try db.execute(sql: """
            CREATE TABLE greader_items (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              article_id TEXT NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE
            );
            INSERT INTO greader_items (article_id) SELECT id FROM articles ORDER BY first_seen_at, id;
            CREATE TRIGGER greader_items_number AFTER INSERT ON articles
            BEGIN
              INSERT OR IGNORE INTO greader_items (article_id) VALUES (NEW.id);
            END;
            CREATE TABLE greader_sessions (
              token_hash TEXT PRIMARY KEY NOT NULL,
              user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
              created_at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX greader_sessions_user ON greader_sessions(user_id, created_at);
            ALTER TABLE users ADD COLUMN greader_password TEXT;
            """)
    }

    /// Migration `v7-library-arrival`: `library.added_at`, when the article entered that
    /// user's library. The Google Reader API's `ot`, crawl time and mark-all-as-read `ts`
    /// are about what a user's client has seen, and an article can enter a library long
    /// after it was first stored (a subscription to a feed another user follows, an
    /// import): with `articles.first_seen_at` such an article is older than the client's
    /// last `ot` and an incremental client never sees it, though the change feed does.
    /// The rows already there take `first_seen_at`, the time their clients already saw,
    /// so nothing is offered again. The index serves `ot`/`nt` of a user's reading list.
    static func addLibraryArrival(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE library ADD COLUMN added_at TEXT NOT NULL DEFAULT '';
            UPDATE library SET added_at = (SELECT a.first_seen_at FROM articles a WHERE a.id = library.article_id);
            CREATE INDEX library_user_added ON library(user_id, added_at);
            """)
    }
}
