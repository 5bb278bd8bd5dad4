import Foundation
import GRDB
import ReaderModels

/// What the store takes from the world, injected so tests can pin it down.
public struct StoreEnvironment: Sendable {
    /// The wall clock.
    public var now: @Sendable () -> Date
    /// Makes ids for new notes and mutations.
    public var makeID: @Sendable () -> String

    public init(now: @escaping @Sendable () -> Date, makeID: @escaping @Sendable () -> String) {
        self.now = now
        self.makeID = makeID
    }

    /// The system clock and random UUIDs.
    public static let live = StoreEnvironment(now: { Date() }, makeID: { UUID().uuidString.lowercased() })
}

/// The local store: a SQLite database (WAL, foreign keys on) holding articles, the user's
/// reading state and notes, subscriptions, and the outbox of changes not yet pushed.
///
/// Reads may run on any thread; writes are serialised by SQLite. User data is changed only
/// through `apply(_:)`, which writes the change and its outbox row in one transaction.
///
/// Its methods are synchronous: they block the calling thread while SQLite works, which
/// suits a command-line tool. From a main actor or any other task, use ``async``, the
/// same operations through GRDB's async API, which suspend the task instead.
public final class ReaderStore: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    let environment: StoreEnvironment
    let observers = ChangeObservers()

    /// Opens (creating it if needed) and migrates the database at `path`.
    ///
    /// A file that is not a reader database is refused before anything is written to it.
    ///
    /// - Parameters:
    ///   - path: the database file.
    ///   - environment: the clock and the id generator; tests inject fixed ones.
    ///   - createFolder: whether a missing folder for `path` is created; when false,
    ///     a missing folder is an error that names it.
    public init(path: String, environment: StoreEnvironment = .live, createFolder: Bool = true) throws {
        self.path = path
        self.environment = environment
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard createFolder else {
                throw StoreError.database("the folder \(folder) for the database does not exist")
            }
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreError.database("cannot create the folder \(folder) for the database: check that the path is right and writable")
            }
        } else if !isFolder.boolValue {
            throw StoreError.database("\(folder) is not a folder, so it cannot hold the database \(path)")
        }
        try StoreFile.checkOwnership(of: path)
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        config.label = "reader"
        // The page size and incremental vacuum can only be chosen before the file exists (WAL
        // mode, set next, writes its header): an older database keeps 4 KB pages, and
        // switches on incremental vacuum at its first prune.
        let isNew = ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0) == 0
        config.prepareDatabase { db in
            if isNew, !db.configuration.readonly { try db.execute(sql: Self.newFilePragmas) }
            try db.execute(sql: Self.connectionPragmas)
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.autocheckpointPages(db))")
            if !db.configuration.readonly { try db.execute(sql: Self.writerPragmas) }
            db.add(function: ArticleText.function)
            SearchRank.register(db)
            try PrefixExpansion.register(db)
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Schema.migrator.migrate(pool)
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// What a new database file is made with, before its first page is written:
    /// - 16 KB pages rather than SQLite's 4 KB. An article's row (its HTML, some 3-4 KB) fits
    ///   in one page instead of spilling into an overflow page, and the search index's
    ///   segments take fewer pages. `reader-bench feeds` (50 feeds of 200 articles), with
    ///   the CLI's 3 MB SQLite heap: a first refresh in 10-20% less CPU and a file 6%
    ///   smaller; with a 1.5 MB heap, which holds only some 90 such pages, no faster. A
    ///   Python script over the same inserts found look-ups by id and searches no slower,
    ///   and 32 or 64 KB pages no faster to write and slower to look up.
    /// - incremental vacuum, so that pruning can give space back without rewriting the file.
    package static let newFilePragmas = "PRAGMA page_size = \(newFilePageSize); PRAGMA auto_vacuum = INCREMENTAL"

    /// The page size of a database this version makes (`newFilePragmas`).
    package static let newFilePageSize = 16_384

    /// What every connection is set to. Defaults that suit a phone as well as a laptop:
    /// - an 8 MB page cache for reading (the writer's is smaller, see `writerPragmas`);
    /// - WAL synced at checkpoints: a crash loses no committed transaction, a power cut may
    ///   lose the last.
    ///
    /// Each connection also checkpoints by itself once the WAL holds `autocheckpointBytes`.
    /// `reader-bench` gives its raw-SQLite floor the same settings, so the two stay comparable.
    package static let connectionPragmas = "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -8000"

    /// The write-ahead log's size at which a commit checkpoints it: 32 MB rather than
    /// SQLite's 1,000 pages. A refresh or a first sync commits many transactions that
    /// rewrite the same index pages, and each checkpoint copies them into the database
    /// again. `reader-bench feeds` measured 20% fewer page writes, 37% fewer page reads and
    /// a first refresh of 50 feeds 0.5 s faster (with the search index's merge setting, see
    /// `Schema`). The WAL file may reach that size during bulk writes; it is removed when the
    /// store closes.
    package static let autocheckpointBytes = 32 << 20

    /// The page size of the database `db` is connected to: 4 KB in a file made by an earlier
    /// version, `newFilePageSize` in a new one.
    /// SQLite's default, 4 KB, should the PRAGMA fail.
    static func pageSize(_ db: Database) -> Int {
        max(512, (try? Int.fetchOne(db, sql: "PRAGMA page_size")) ?? 4096)
    }

    /// `autocheckpointBytes` in pages of the database `db` is connected to.
    static func autocheckpointPages(_ db: Database) -> Int32 {
        Int32(autocheckpointBytes / pageSize(db))
    }

    /// What the writer connection is set to besides: a 2 MB page cache. The writer appends
    /// (new rows, new index segments) and its transactions are short, so a larger cache
    /// mostly holds pages it will not touch again; the 8 MB it had was the largest part of
    /// a big import's memory. `reader-bench`'s import child, 200,000 articles, alternated
    /// runs on one binary: peak RSS 46.6-46.8 MB with 8 MB and 40.3-40.5 MB with 2 MB, in
    /// 39.7-42.1 s and 40.6-41.1 s; a first refresh of 50 feeds neither slower nor larger.
    package static let writerPragmas = "PRAGMA cache_size = -2000"

    /// Runs a read, turning database failures into `StoreError`.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch { throw StoreError.wrap(error, path: path) }
    }

    /// Runs a write transaction, turning database failures into `StoreError`.
    ///
    /// SQLite tells GRDB of no change to a `WITHOUT ROWID` table (`article_states`,
    /// `subscriptions`), so a transaction that changed anything says so itself: the query
    /// observations over those tables (``observeUnreadCount(feedID:)``) then read again.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write { db in try Self.reportingChanges(db, body) }
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Runs a read through GRDB's async API: the caller's task is suspended, not its
    /// thread, while a reader connection works on GRDB's own queue.
    func asyncRead<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.read(body) } catch { throw StoreError.wrap(error, path: path) }
    }

    /// Runs a write transaction through GRDB's async API (see `asyncRead(_:)`), reporting
    /// changes as `write(_:)` does.
    func asyncWrite<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write { db in try Self.reportingChanges(db, body) }
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Runs `body` in a write transaction and, when it changed anything, tells GRDB of the
    /// tables SQLite does not report.
    private static func reportingChanges<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        let before = db.totalChangesCount
        let result = try body(db)
        if db.totalChangesCount != before { try reportUnreportedTables(db) }
        return result
    }

    /// Tells GRDB that the tables SQLite does not report may have changed in this transaction.
    static func reportUnreportedTables(_ db: Database) throws {
        for table in unreportedTables { try db.notifyChanges(in: Table(table)) }
    }

    /// The tables whose changes SQLite does not report (they are `WITHOUT ROWID`).
    static let unreportedTables = ["article_states", "subscriptions"]

    /// The current time in the store's text form.
    func nowText() -> String { Timestamp.format(environment.now()) }
}
