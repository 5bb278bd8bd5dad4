import Foundation
import GRDB
import ReaderModels

/// The store's migrations. Named and append-only: a released migration is never edited;
/// a change to the schema is a new migration at the end, and `Schemas/sqlite/schema.sql`
/// is updated with it (a test compares it with a freshly migrated database).
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-content", migrate: createContent)
        migrator.registerMigration("v1-user-state", migrate: createUserState)
        migrator.registerMigration("v1-outbox-and-sync", migrate: createOutboxAndSync)
        migrator.registerMigration("v1-search", migrate: createSearch)
        migrator.registerMigration("v2-batched-article-index", migrate: batchArticleIndexing)
        migrator.registerMigration("v3-sync", migrate: createSyncSettlement)
        migrator.registerMigration("v3-feeds", migrate: createFeedFetchState)
        migrator.registerMigration("v4-search-merges", migrate: mergeSearchSegmentsLessOften)
        migrator.registerMigration("v5-application-id", migrate: markAsReaderDatabase)
        migrator.registerMigration("v6-retention", migrate: createRetention)
        migrator.registerMigration("v7-sync-api", migrate: addSyncAPI)
        migrator.registerMigration("v8-text-once", migrate: storeTextOnce)
        migrator.registerMigration("v9-sync-backfill", migrate: addBackfill)
        migrator.registerMigration("v10-retention-index", migrate: indexArrival)
        migrator.registerMigration("v11-status-counts", migrate: keepStatusCounts)
        return migrator
    }

    /// Sources and articles: content, which the server is authoritative for.
    private static func createContent(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE sources (
              id TEXT PRIMARY KEY NOT NULL,
              key TEXT NOT NULL UNIQUE,
              kind TEXT NOT NULL CHECK (kind IN ('rss', 'atom', 'json_feed', 'bundle')),
              title TEXT NOT NULL,
              site_url TEXT,
              feed_url TEXT,
              created_at TEXT NOT NULL
            );
            CREATE TABLE articles (
              seq INTEGER PRIMARY KEY,
              id TEXT NOT NULL UNIQUE,
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
              first_seen_at TEXT NOT NULL,
              sort_at TEXT NOT NULL
            );
            CREATE INDEX articles_source ON articles(source_id);
            CREATE INDEX articles_sort ON articles(sort_at);
            """)
    }

    /// The user's own data. Every change to these tables is written by `ReaderStore.apply`,
    /// together with its outbox row.
    private static func createUserState(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE article_states (
              article_id TEXT PRIMARY KEY NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
              read INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
              read_hlc TEXT,
              starred INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
              starred_hlc TEXT,
              progress REAL NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
              progress_hlc TEXT,
              tags TEXT NOT NULL DEFAULT '[]',
              tags_hlc TEXT
            ) WITHOUT ROWID;
            CREATE INDEX article_states_starred ON article_states(starred) WHERE starred = 1;
            CREATE TABLE notes (
              seq INTEGER PRIMARY KEY,
              id TEXT NOT NULL UNIQUE,
              article_id TEXT NOT NULL REFERENCES articles(id),
              quote_exact TEXT,
              quote_prefix TEXT,
              quote_suffix TEXT,
              body TEXT NOT NULL,
              created_at TEXT NOT NULL,
              updated_at TEXT NOT NULL,
              revision INTEGER NOT NULL DEFAULT 0,
              body_hlc TEXT NOT NULL,
              anchor_hlc TEXT,
              deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
              conflicted INTEGER NOT NULL DEFAULT 0 CHECK (conflicted IN (0, 1))
            );
            CREATE INDEX notes_article ON notes(article_id);
            CREATE TABLE subscriptions (
              url TEXT PRIMARY KEY NOT NULL,
              title TEXT,
              tags TEXT NOT NULL DEFAULT '[]',
              subscribed INTEGER NOT NULL CHECK (subscribed IN (0, 1)),
              hlc TEXT NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    /// Pending mutations, and the device's clock and pull cursor.
    private static func createOutboxAndSync(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE outbox (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              mutation_id TEXT NOT NULL UNIQUE,
              entity TEXT NOT NULL CHECK (entity IN ('note', 'article_state', 'subscription')),
              entity_id TEXT NOT NULL,
              op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete', 'set')),
              base_revision INTEGER,
              fields TEXT NOT NULL,
              hlc TEXT NOT NULL,
              created_at TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX outbox_entity ON outbox(entity, entity_id);
            CREATE TABLE sync_state (
              id INTEGER PRIMARY KEY CHECK (id = 1),
              device_id TEXT NOT NULL,
              clock TEXT NOT NULL,
              server_url TEXT,
              cursor TEXT,
              last_sync_at TEXT
            );
            """)
        let device = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try db.execute(
            sql: "INSERT INTO sync_state (id, device_id, clock) VALUES (1, ?, ?)",
            arguments: [String(device), HLC(wallMillis: 0, counter: 0, node: String(device)).description]
        )
    }

    /// Full-text search: external-content FTS5 tables kept in step by triggers, so the
    /// text is stored once and no write can leave the index behind.
    private static func createSearch(_ db: Database) throws {
        try db.execute(sql: """
            CREATE VIRTUAL TABLE articles_fts USING fts5(
              title, author, summary, text,
              content='articles', content_rowid='seq',
              tokenize='unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
              INSERT INTO articles_fts(rowid, title, author, summary, text)
              VALUES (new.seq, new.title, new.author, new.summary, new.text);
            END;
            CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
              INSERT INTO articles_fts(articles_fts, rowid, title, author, summary, text)
              VALUES ('delete', old.seq, old.title, old.author, old.summary, old.text);
            END;
            CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, author, summary, text ON articles BEGIN
              INSERT INTO articles_fts(articles_fts, rowid, title, author, summary, text)
              VALUES ('delete', old.seq, old.title, old.author, old.summary, old.text);
              INSERT INTO articles_fts(rowid, title, author, summary, text)
              VALUES (new.seq, new.title, new.author, new.summary, new.text);
            END;
            CREATE VIRTUAL TABLE notes_fts USING fts5(
              body, quote_exact,
              content='notes', content_rowid='seq',
              tokenize='unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
              INSERT INTO notes_fts(rowid, body, quote_exact) VALUES (new.seq, new.body, new.quote_exact);
            END;
            CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
              INSERT INTO notes_fts(notes_fts, rowid, body, quote_exact)
              VALUES ('delete', old.seq, old.body, old.quote_exact);
            END;
            CREATE TRIGGER notes_fts_update AFTER UPDATE OF body, quote_exact ON notes BEGIN
              INSERT INTO notes_fts(notes_fts, rowid, body, quote_exact)
              VALUES ('delete', old.seq, old.body, old.quote_exact);
              INSERT INTO notes_fts(rowid, body, quote_exact) VALUES (new.seq, new.body, new.quote_exact);
            END;
            """)
    }

    /// New articles are indexed by `ArticleWriter` rather than by a trigger per row: a
    /// trigger's statements open a savepoint, at which FTS5 writes a tiny segment per
    /// article, which made large imports twice as slow. (The writer first indexed them in
    /// batches; since `v8-text-once` it indexes each with a plain one-row INSERT, which
    /// opens no savepoint.) Updates and deletes keep their triggers. `ArticleWriter` is the
    /// only code that inserts articles.
    static func batchArticleIndexing(_ db: Database) throws {
        try db.execute(sql: "DROP TRIGGER articles_fts_insert")
    }

    /// FTS5 merges its index segments once 8 of one size have piled up, rather than its
    /// default of 4. Every write transaction that adds articles adds a segment (a refresh
    /// writes one per feed), and each merge rewrites what it merges: half as many merges
    /// over an import, at the price of up to 7 segments of each size for a search to read
    /// instead of 3 (`reader-bench search` measures queries). See `ReaderStore.connectionPragmas`
    /// for the figures.
    static func mergeSearchSegmentsLessOften(_ db: Database) throws {
        try db.execute(sql: "INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 8)")
    }

    /// Writes the reader's id into the file's header, so the store can tell its own
    /// databases from other programs' before opening them (see `StoreFile`). Databases made
    /// before this migration are recognised by their migrations table, and get the id here.
    static func markAsReaderDatabase(_ db: Database) throws {
        try db.execute(sql: "PRAGMA application_id = \(Int32(bitPattern: StoreFile.applicationID))")
    }
}
