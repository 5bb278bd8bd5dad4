import Foundation
import ReaderModels
import ReaderStore

/// The same rows the store imports, inserted through the SQLite C API with one prepared
/// statement in one transaction, WAL and `synchronous = NORMAL` and the page cache of the
/// store's writer (2 MB): what the hardware and SQLite can do, with nothing of ours in the way.
///
/// Every column value, the article id and content hash included, is made before the clock
/// starts for the row; only binding, stepping, FTS batches and the commit are timed.
enum RawFloor {
    enum Variant: CaseIterable {
        /// The store's `articles` columns; `seq` the only key, no other index, no search index.
        case plain
        /// `plain` plus the store's external-content FTS5 table over title, author, summary
        /// and text (same tokenizer), filled by the same AFTER INSERT trigger. The floor.
        case fts
        /// `plain` plus the same FTS5 table filled every 1,000 rows by one
        /// `INSERT INTO articles_fts … SELECT … WHERE seq > ?`. FTS5 writes its pending terms
        /// out as a new segment whenever a statement that touches it opens its savepoint,
        /// which with a trigger is every row; one statement per batch avoids that.
        case ftsBatched
        /// A database migrated by `ReaderStore` itself: the UNIQUE id, the source and sort
        /// indexes, the foreign key to `sources` (enforced) and the FTS5 trigger.
        case storeSchema
        /// `storeSchema` with the insert trigger dropped and FTS5 filled as in `ftsBatched`:
        /// what the store could reach.
        case storeSchemaBatched

        /// Its name for `--floors`.
        var name: String {
            switch self {
            case .plain: "plain"
            case .fts: "fts"
            case .ftsBatched: "fts-batched"
            case .storeSchema: "store-schema"
            case .storeSchemaBatched: "store-schema-batched"
            }
        }

        var label: String {
            switch self {
            case .plain: "raw floor, no FTS"
            case .fts: "raw floor, FTS5"
            case .ftsBatched: "raw, FTS5 per 1,000 rows"
            case .storeSchema: "raw, store schema"
            case .storeSchemaBatched: "raw, store schema, FTS5/1,000"
            }
        }

        var isStoreSchema: Bool { self == .storeSchema || self == .storeSchemaBatched }
        var isBatched: Bool { self == .ftsBatched || self == .storeSchemaBatched }
    }

    /// Rows per FTS5 batch in the batched variants.
    static let batchSize = 1_000

    /// Inserts articles `0..<count`, article `i` made by `article` (a generator's
    /// `article(_:)`), into a fresh database at `path`; returns the seconds spent in SQLite.
    static func run(_ variant: Variant, count: Int, path: String, article: (Int) -> GeneratedArticle) throws -> Double {
        if variant.isStoreSchema { _ = try ReaderStore(path: path) }
        let db = try RawDatabase(path: path)
        if !variant.isStoreSchema { try db.execute(ReaderStore.newFilePragmas) }
        try db.execute("PRAGMA journal_mode = WAL; " + ReaderStore.connectionPragmas + "; " + ReaderStore.writerPragmas)
        try db.execute("PRAGMA wal_autocheckpoint = \(ReaderStore.autocheckpointBytes / ReaderStore.newFilePageSize)")
        let now = Timestamp.format(Date())
        let source = ArticleGenerator.source
        if variant.isStoreSchema {
            try db.execute("PRAGMA foreign_keys = ON")
            // The store indexes new articles in batches itself; the per-row variant adds the
            // trigger a naive schema would have.
            if !variant.isBatched { try db.execute(ftsTrigger) }
            let insertSource = try db.prepare("INSERT INTO sources (id, key, kind, title, created_at) VALUES (?, ?, ?, ?, ?)")
            for (index, value) in [source.id, source.key, source.kind.rawValue, source.title, now].enumerated() {
                insertSource.bind(value, at: Int32(index + 1))
            }
            try insertSource.run()
        } else {
            try db.execute(plainSchema)
            if variant != .plain { try db.execute(ftsTable + "; " + ftsMerges) }
            if variant == .fts { try db.execute(ftsTrigger) }
        }
        let insert = try db.prepare("""
            INSERT INTO articles (id, source_id, guid, url, title, author, published_at, updated_at,
              summary, html, text, content_hash, first_seen_at, sort_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let fillIndex = try variant.isBatched ? db.prepare("""
            INSERT INTO articles_fts (rowid, title, author, summary, text)
            SELECT seq, title, author, summary, text FROM articles WHERE seq > ?
            """) : nil
        // In a fresh table `seq` runs 1, 2, 3…, so the rows not yet indexed are those past a count.
        var indexed = 0
        func flushIndex(through inserted: Int) throws {
            fillIndex?.bind(Int64(indexed), at: 1)
            try fillIndex?.run()
            indexed = inserted
        }

        var elapsed = Duration.zero
        var start = ContinuousClock.now
        try db.execute("BEGIN")
        elapsed += ContinuousClock.now - start
        for index in 0..<count {
            let draft = article(index).draft(source: source)
            let published = draft.published.map(Timestamp.format)
            let values: [String?] = [
                draft.id, source.id, draft.guid, draft.url, draft.title, draft.author, published, nil,
                draft.summary, draft.html, draft.text, draft.contentHash, now, published ?? now,
            ]
            start = ContinuousClock.now
            for (column, value) in values.enumerated() { insert.bind(value, at: Int32(column + 1)) }
            try insert.run()
            if variant.isBatched, (index + 1) % batchSize == 0 { try flushIndex(through: index + 1) }
            elapsed += ContinuousClock.now - start
        }
        start = ContinuousClock.now
        if variant.isBatched, indexed < count { try flushIndex(through: count) }
        try db.execute("COMMIT")
        elapsed += ContinuousClock.now - start
        return elapsed.seconds
    }

    private static let plainSchema = """
        CREATE TABLE articles (
          seq INTEGER PRIMARY KEY, id TEXT NOT NULL, source_id TEXT NOT NULL, guid TEXT NOT NULL,
          url TEXT, title TEXT NOT NULL, author TEXT, published_at TEXT, updated_at TEXT, summary TEXT,
          html TEXT NOT NULL, text TEXT NOT NULL, content_hash TEXT NOT NULL,
          first_seen_at TEXT NOT NULL, sort_at TEXT NOT NULL
        )
        """

    private static let ftsTable = """
        CREATE VIRTUAL TABLE articles_fts USING fts5(
          title, author, summary, text,
          content='articles', content_rowid='seq',
          tokenize='unicode61 remove_diacritics 2'
        )
        """

    /// The store's merge setting (its `v4-search-merges` migration).
    private static let ftsMerges = "INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 8)"

    private static let ftsTrigger = """
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
          INSERT INTO articles_fts(rowid, title, author, summary, text)
          VALUES (new.seq, new.title, new.author, new.summary, new.text);
        END
        """
}

/// Removes a database file and its WAL and shared-memory files.
func removeDatabase(at path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}
