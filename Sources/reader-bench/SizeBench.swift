import Foundation
import GRDBSQLite
import ReaderFeeds
import ReaderStore

/// The size of a store's database beside its floor: the same articles as raw rows plus an
/// FTS5 index, built by raw SQLite in the same run from the rows the store holds.
///
/// The floor keeps each article's body once, as its sanitised HTML (every store column but
/// `text`, which the HTML gives back), and a contentless FTS5 index (`content=''`: the index
/// alone, no copy of the text) over title, author, summary and text with the store's
/// tokenizer, merge setting and page size, filled 1,000 rows per statement as the store
/// fills its own.
/// No other index, no user tables. Sizes are of the file and its WAL after the writer closed
/// (the floor is checkpointed first), in MiB.
enum SizeBench {
    /// The goal: the store's database at most this many times its floor.
    static let ratioGoal = 1.15

    static func explain() {
        Report.note("size: the database file (+ WAL) after the writer closed, against the floor = the same articles as raw rows "
            + "(body once, as HTML) + a contentless FTS5 index, built by raw SQLite from the store's own rows")
    }

    /// Builds the floor for the articles in the store database at `database` and prints both
    /// sizes, their ratio, and where the store's bytes go.
    static func report(_ family: String, count: Int, database: String, workdir: String) throws {
        let floorPath = workdir + "/size-floor.sqlite"
        removeDatabase(at: floorPath)
        defer { removeDatabase(at: floorPath) }
        let rows = try buildFloor(from: database, at: floorPath)
        let store = fileBytes(database)
        let floor = fileBytes(floorPath)
        let ratio = Double(store) / Double(floor)
        Report.line(family, count, "database size", Report.megabytes(store),
                    "floor \(Report.megabytes(floor)) for \(Report.grouped(rows)) articles; ratio \(Report.fixed(ratio, 2))x",
                    goal: Goal(text: "≤ \(Report.fixed(ratioGoal, 2))x", met: ratio <= ratioGoal))
        if let parts = try? breakdown(database) {
            Report.line(family, count, "database size, by part", "", parts)
        }
    }

    /// The bytes of the database at `path` and of its WAL, if one is left.
    static func fileBytes(_ path: String) -> Int {
        ["", "-wal"].reduce(0) { total, suffix in
            total + ((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? NSNumber)?.intValue ?? 0)
        }
    }

    /// Copies every article of the store at `source` into a floor database at `path`; returns
    /// how many.
    private static func buildFloor(from source: String, at path: String) throws -> Int {
        let floor = try RawDatabase(path: path)
        try floor.execute("PRAGMA page_size = \(ReaderStore.newFilePageSize)")
        try floor.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -8000")
        try floor.execute("""
            CREATE TABLE articles (
              seq INTEGER PRIMARY KEY, id TEXT NOT NULL, source_id TEXT NOT NULL, guid TEXT NOT NULL,
              url TEXT, title TEXT NOT NULL, author TEXT, published_at TEXT, updated_at TEXT, summary TEXT,
              html TEXT NOT NULL, content_hash TEXT NOT NULL, first_seen_at TEXT NOT NULL, sort_at TEXT NOT NULL
            );
            CREATE VIRTUAL TABLE articles_fts USING fts5(
              title, author, summary, text, content='', tokenize='unicode61 remove_diacritics 2'
            );
            INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 8);
            CREATE TEMP TABLE pending (seq INTEGER PRIMARY KEY, title TEXT, author TEXT, summary TEXT, text TEXT);
            """)
        let insert = try floor.prepare("""
            INSERT INTO articles (seq, id, source_id, guid, url, title, author, published_at, updated_at, summary,
              html, content_hash, first_seen_at, sort_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let stage = try floor.prepare("INSERT INTO pending (seq, title, author, summary, text) VALUES (?, ?, ?, ?, ?)")
        let index = try floor.prepare("""
            INSERT INTO articles_fts (rowid, title, author, summary, text) SELECT seq, title, author, summary, text FROM pending
            """)
        let clear = try floor.prepare("DELETE FROM pending")

        let store = try StoreRows(path: source, sql: """
            SELECT seq, id, source_id, guid, url, title, author, published_at, updated_at, summary,
              html, content_hash, first_seen_at, sort_at, text FROM articles ORDER BY seq
            """)
        var count = 0
        try floor.execute("BEGIN")
        while store.next() {
            let seq = store.int64(0)
            insert.bind(seq, at: 1)
            for column in 1..<14 { insert.bind(store.text(Int32(column)), at: Int32(column + 1)) }
            try insert.run()
            let html = store.text(10) ?? ""
            let text = store.text(14) ?? HTMLText.sanitize(html).text
            stage.bind(seq, at: 1)
            stage.bind(store.text(5), at: 2)
            stage.bind(store.text(6), at: 3)
            stage.bind(store.text(9), at: 4)
            stage.bind(text, at: 5)
            try stage.run()
            count += 1
            if count % RawFloor.batchSize == 0 {
                try index.run()
                try clear.run()
            }
        }
        try index.run()
        try clear.run()
        try floor.execute("COMMIT; PRAGMA wal_checkpoint(TRUNCATE)")
        return count
    }

    /// Where the store's bytes go, by SQLite's `dbstat`: its articles table, its search
    /// index, its other indexes, and free pages.
    private static func breakdown(_ path: String) throws -> String {
        let rows = try StoreRows(path: path, sql: """
            SELECT CASE WHEN name = 'articles' THEN 'rows'
                        WHEN name LIKE 'articles_fts%' THEN 'search index'
                        WHEN name IN ('articles_source', 'articles_sort', 'sqlite_autoindex_articles_1') THEN 'article indexes'
                        ELSE 'other' END AS part, sum(pgsize)
            FROM dbstat GROUP BY part ORDER BY 2 DESC
            """)
        var parts: [String] = []
        while rows.next() { parts.append("\(rows.text(0) ?? "?") \(Report.megabytes(Int(rows.int64(1))))") }
        let free = try StoreRows(path: path, sql: "SELECT freelist_count * page_size FROM pragma_freelist_count, pragma_page_size")
        if free.next() { parts.append("free pages \(Report.megabytes(Int(free.int64(0))))") }
        return parts.joined(separator: ", ")
    }
}

/// A read-only query over a database, stepped row by row through the C API.
private final class StoreRows {
    private var handle: OpaquePointer?
    private var statement: OpaquePointer?

    init(path: String, sql: String) throws {
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY, nil) == SQLITE_OK,
              sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK
        else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_finalize(statement)
            sqlite3_close_v2(handle)
            throw BenchError("cannot read \(path): \(message)")
        }
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close_v2(handle)
    }

    func next() -> Bool { sqlite3_step(statement) == SQLITE_ROW }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: bytes)
    }
}

extension RawDatabase {
    /// Registers the store's `reader_article_text(html, text)` on this connection, so a raw
    /// query that reads the store's search content (FTS5 `snippet`) derives the text as the
    /// store does.
    func addArticleTextFunction() throws {
        let code = sqlite3_create_function_v2(
            handle, "reader_article_text", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, _, values in
                guard let values else { return }
                let stored = sqlite3_value_text(values[1])
                let text = stored.map { String(cString: $0) }
                    ?? HTMLText.sanitize(sqlite3_value_text(values[0]).map { String(cString: $0) } ?? "").text
                let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
                sqlite3_result_text(context, text, -1, transient)
            }, nil, nil, nil
        )
        guard code == SQLITE_OK else { throw BenchError("\(path): cannot add reader_article_text: \(errorMessage)") }
    }
}
