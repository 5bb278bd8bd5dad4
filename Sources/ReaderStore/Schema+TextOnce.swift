import GRDB

extension Schema {
    /// Stores each article's text once (see `ArticleText`): `articles.text` becomes NULL
    /// where the sanitised HTML gives the text back, which is nearly every article, and the
    /// search index reads the text through the `articles_search` view, which derives it.
    /// A 10,000-article database was 1.55 times the size of the same articles as raw rows
    /// plus a search index, mostly because every body was stored as HTML and again as text.
    ///
    /// SQLite cannot drop a NOT NULL constraint, so `articles` is rebuilt (same columns,
    /// same `seq`, so notes, states and the index keep their rows), and the FTS5 table is
    /// made again over the view and rebuilt from it, which also leaves it fully merged. The
    /// migration reads and writes every article once: minutes for a million. Foreign keys
    /// are off while a migration runs (GRDB checks them before it commits), so dropping the
    /// old table cascades to nothing. The old table's pages are given back to the file
    /// system where the database vacuums incrementally (every database made since
    /// `v6-retention`; an older one vacuums on its first prune): a 10,000-article database
    /// went from 101 MiB to 66 MiB.
    static func storeTextOnce(_ db: Database) throws {
        try db.execute(sql: """
            DROP TABLE articles_fts;
            CREATE TABLE articles_v8 (
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
              text TEXT,
              content_hash TEXT NOT NULL,
              first_seen_at TEXT NOT NULL,
              sort_at TEXT NOT NULL
            );
            INSERT INTO articles_v8 (seq, id, source_id, guid, url, title, author, published_at, updated_at,
              summary, html, text, content_hash, first_seen_at, sort_at)
            SELECT seq, id, source_id, guid, url, title, author, published_at, updated_at, summary, html,
              CASE WHEN \(ArticleText.functionName)(html, NULL) = text THEN NULL ELSE text END,
              content_hash, first_seen_at, sort_at
            FROM articles ORDER BY seq;
            DROP TABLE articles;
            ALTER TABLE articles_v8 RENAME TO articles;
            CREATE INDEX articles_source ON articles(source_id);
            CREATE INDEX articles_sort ON articles(sort_at);
            CREATE VIEW articles_search AS
              SELECT seq, title, author, summary, \(ArticleText.column()) AS text FROM articles;
            CREATE VIRTUAL TABLE articles_fts USING fts5(
              title, author, summary, text,
              content='articles_search', content_rowid='seq',
              tokenize='unicode61 remove_diacritics 2'
            );
            INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 8);
            INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
            CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
              INSERT INTO articles_fts(articles_fts, rowid, title, author, summary, text)
              VALUES ('delete', old.seq, old.title, old.author, old.summary, \(ArticleText.column(of: "old")));
            END;
            CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, author, summary, html, text ON articles BEGIN
              INSERT INTO articles_fts(articles_fts, rowid, title, author, summary, text)
              VALUES ('delete', old.seq, old.title, old.author, old.summary, \(ArticleText.column(of: "old")));
              INSERT INTO articles_fts(rowid, title, author, summary, text)
              VALUES (new.seq, new.title, new.author, new.summary, \(ArticleText.column(of: "new")));
            END;
            PRAGMA incremental_vacuum;
            """)
    }
}
