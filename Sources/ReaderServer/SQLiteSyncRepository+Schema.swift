import GRDB
import ReaderModels

extension SQLiteSyncRepository {
    /// The server's migrations: named and append-only.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-sync-server") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  name TEXT NOT NULL UNIQUE,
                  token_hash TEXT NOT NULL UNIQUE,
                  created_at TEXT NOT NULL
                );
                CREATE TABLE sources (
                  id TEXT PRIMARY KEY NOT NULL,
                  key TEXT NOT NULL,
                  kind TEXT NOT NULL,
                  title TEXT NOT NULL,
                  site_url TEXT,
                  feed_url TEXT
                );
                CREATE TABLE articles (
                  id TEXT PRIMARY KEY NOT NULL,
                  source_id TEXT NOT NULL REFERENCES sources(id),
                  guid TEXT NOT NULL,
                  url TEXT,
                  title TEXT NOT NULL,
                  author TEXT,
                  published_at TEXT,
                  updated_at TEXT,
                  summary TEXT,
                  html TEXT NOT NULL,
                  text TEXT NOT NULL,
                  content_hash TEXT NOT NULL,
                  first_seen_at TEXT NOT NULL
                );
                CREATE TABLE article_states (
                  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                  article_id TEXT NOT NULL REFERENCES articles(id),
                  read INTEGER NOT NULL,
                  starred INTEGER NOT NULL,
                  progress REAL NOT NULL,
                  tags TEXT NOT NULL,
                  read_hlc TEXT,
                  starred_hlc TEXT,
                  progress_hlc TEXT,
                  tags_hlc TEXT,
                  PRIMARY KEY (user_id, article_id)
                ) WITHOUT ROWID;
                CREATE TABLE notes (
                  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                  id TEXT NOT NULL,
                  article_id TEXT NOT NULL,
                  anchor_exact TEXT,
                  anchor_prefix TEXT,
                  anchor_suffix TEXT,
                  body TEXT NOT NULL,
                  created_at TEXT NOT NULL,
                  updated_at TEXT NOT NULL,
                  revision INTEGER NOT NULL,
                  conflicted INTEGER NOT NULL,
                  body_hlc TEXT NOT NULL,
                  anchor_hlc TEXT,
                  deleted INTEGER NOT NULL,
                  PRIMARY KEY (user_id, id)
                ) WITHOUT ROWID;
                CREATE TABLE note_revisions (
                  user_id INTEGER NOT NULL,
                  note_id TEXT NOT NULL,
                  revision INTEGER NOT NULL,
                  body TEXT NOT NULL,
                  PRIMARY KEY (user_id, note_id, revision),
                  FOREIGN KEY (user_id, note_id) REFERENCES notes(user_id, id) ON DELETE CASCADE
                ) WITHOUT ROWID;
                CREATE TABLE subscriptions (
                  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                  url TEXT NOT NULL,
                  title TEXT,
                  tags TEXT NOT NULL,
                  subscribed INTEGER NOT NULL,
                  hlc TEXT NOT NULL,
                  PRIMARY KEY (user_id, url)
                ) WITHOUT ROWID;
                CREATE TABLE applied_mutations (
                  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                  client_id TEXT NOT NULL,
                  mutation_id TEXT NOT NULL,
                  result_json BLOB NOT NULL,
                  applied_at TEXT NOT NULL,
                  PRIMARY KEY (user_id, client_id, mutation_id)
                ) WITHOUT ROWID;
                -- One row per entity at its latest change: a new change deletes the old row
                -- (INSERT OR REPLACE) and takes a new seq. user_id 0 was content every user saw, until v5.
                CREATE TABLE changes (
                  seq INTEGER PRIMARY KEY AUTOINCREMENT,
                  user_id INTEGER NOT NULL,
                  entity TEXT NOT NULL,
                  entity_id TEXT NOT NULL,
                  deleted INTEGER NOT NULL DEFAULT 0,
                  changed_at TEXT NOT NULL,
                  UNIQUE (user_id, entity, entity_id)
                );
                CREATE INDEX changes_tombstones ON changes(changed_at) WHERE deleted = 1;
                CREATE TABLE server_state (
                  key TEXT PRIMARY KEY NOT NULL,
                  value TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-feeds") { db in
            // The feeds the server fetches for its users. Who reads a feed is not here: a
            // user's `subscriptions` row with subscribed = 1 is the link, so a subscription
            // pushed by a device and one made with `reader-server feeds add` are the same thing.
            // `source_key` is the URL first subscribed to, so a feed that moves keeps its
            // articles' ids; times are RFC 3339 UTC text, which sorts as time does.
            try db.execute(sql: """
                CREATE TABLE feeds (
                  url TEXT PRIMARY KEY NOT NULL,
                  title TEXT,
                  site_url TEXT,
                  etag TEXT,
                  last_modified TEXT,
                  last_fetch_at TEXT,
                  last_status INTEGER,
                  last_error TEXT,
                  consecutive_failures INTEGER NOT NULL DEFAULT 0,
                  next_fetch_at TEXT,
                  source_key TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX subscriptions_subscribed_url ON subscriptions(url) WHERE subscribed = 1;
                """)
        }
        migrator.registerMigration("v3-application-id") { db in
            // Marks the file as ours, so the server can refuse other programs' databases
            // before opening them (see `checkOwnership(of:)`).
            try db.execute(sql: "PRAGMA application_id = \(Int32(bitPattern: applicationID))")
        }
        migrator.registerMigration("v4-stamps-within-bound") { db in
            try repairStampsBeyondBound(db, wallMillis: ServerClock.systemMillis())
        }
        migrator.registerMigration("v5-per-user-library") { db in
            // Content stays stored once; `library` says which user holds which article (see
            // `Library`), and every change row now belongs to one user: user 0 is gone.
            // `expired` marks an article past the retention horizon, still stored for the
            // users who starred, tagged or annotated it. `feeds.source_id` links a
            // subscription to the articles its fetches wrote.
            try db.execute(sql: """
                CREATE TABLE library (
                  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                  article_id TEXT NOT NULL REFERENCES articles(id),
                  imported INTEGER NOT NULL DEFAULT 0,
                  PRIMARY KEY (user_id, article_id)
                ) WITHOUT ROWID;
                CREATE INDEX library_article ON library(article_id);
                ALTER TABLE articles ADD COLUMN expired INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX articles_source ON articles(source_id, first_seen_at);
                ALTER TABLE feeds ADD COLUMN source_id TEXT;
                CREATE INDEX feeds_source ON feeds(source_id);
                CREATE INDEX notes_article ON notes(user_id, article_id);
                CREATE INDEX article_states_article ON article_states(article_id);
                CREATE INDEX changes_user_seq ON changes(user_id, seq);
                """)
            try splitSharedContent(db, now: Timestamp.format(millis: ServerClock.systemMillis()))
        }
        migrator.registerMigration("v6-greader") { db in
            try GReaderSchema.migrate(db)
        }
        migrator.registerMigration("v7-library-arrival") { db in
            try GReaderSchema.addLibraryArrival(db)
        }
        return migrator
    }
}
