import Foundation
import GRDB
import ReaderHTTP
import ReaderModels
import Synchronization

/// The embedded storage engine: one SQLite file in WAL mode through a GRDB `DatabasePool`,
/// so pulls read concurrently while pushes and imports write one at a time.
public final class SQLiteSyncRepository: SyncRepository {
    let pool: DatabasePool
    let clock: ServerClock
    /// How long a tombstone stays in the change feed, in milliseconds.
    let tombstoneMillis: Int64
    /// How long fetched and imported articles are kept.
    let retention: ServerRetention
    /// When the last purge ran (wall millis); pushes purge at most once an hour.
    let lastPurge = Mutex<Int64>(0)

    static let purgeInterval: Int64 = 3_600_000

    /// Opens (creating and migrating when needed) the database at `path`.
    ///
    /// - Parameters:
    ///   - tombstoneDays: how long tombstones stay in the change feed.
    ///   - retention: how long articles are kept (applied by ``applyRetention()``).
    ///   - wallMillis: the wall clock in milliseconds since 1970 (nil: the system clock);
    ///     tests move it by hand.
    public convenience init(
        path: String, tombstoneDays: Int = 30, retention: ServerRetention = .standard,
        wallMillis: (@Sendable () -> Int64)? = nil
    ) throws {
        // Everything that can throw happens before the designated initialiser: Swift 6.3's
        // optimiser crashes (release builds only) on an initialiser that can throw after
        // `lastPurge`, a noncopyable Mutex, has been initialised.
        let (pool, saved) = try Self.open(path)
        self.init(
            pool: pool, clock: ServerClock(last: saved, wallMillis: wallMillis ?? ServerClock.systemMillis),
            tombstoneDays: tombstoneDays, retention: retention
        )
    }

    private init(pool: DatabasePool, clock: ServerClock, tombstoneDays: Int, retention: ServerRetention) {
        self.pool = pool
        self.clock = clock
        self.retention = retention
        tombstoneMillis = Int64(max(tombstoneDays, 0)) * 86_400_000
    }

    /// Opens and migrates the database at `path`, with the server clock's saved stamp.
    private static func open(_ path: String) throws -> (DatabasePool, HLC?) {
        var configuration = Configuration()
        // Another process (`reader-server articles import`) may hold the write lock for a
        // while; wait for it rather than fail.
        configuration.busyMode = .timeout(30)
        configuration.label = "reader-server"
        // Server processes opening the same new file at once (admin commands started
        // together, `serve` beside `users add`) take turns at recognising, creating and
        // migrating it: half-created, it looks like nobody's database.
        let turn = OpeningTurn(folderOf: path)
        defer { turn.end() }
        try checkOwnership(of: path)
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            try migrate(pool)
            let saved = try pool.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM server_state WHERE key = 'clock'")
            }
            return (pool, saved.flatMap(HLC.init))
        } catch {
            throw RepositoryError("cannot open the server database \(path): \(describe(error))")
        }
    }

    /// Brings the database to the newest schema, alongside other processes that may be
    /// doing the same to the same new file (admin commands started at once, `serve` and
    /// `users add`). GRDB reads which migrations are applied, then runs the others one
    /// transaction each; another process can commit one in between, and this one's run of it
    /// then fails ("table … already exists") and rolls back. Migrating again starts from what
    /// is applied now. It gives up, with the error, when a round made no progress.
    static func migrate(_ pool: DatabasePool) throws {
        var applied = try pool.read { try migrator.appliedIdentifiers($0) }
        while true {
            do {
                try migrator.migrate(pool)
                return
            } catch {
                let now = try pool.read { try migrator.appliedIdentifiers($0) }
                guard now.count > applied.count else { throw error }
                applied = now
            }
        }
    }

    /// A fresh stamp of the server's clock.
    public func serverStamp() async -> HLC {
        clock.tick()
    }

    /// The current wall time in the text form the database stores.
    var nowText: String { Timestamp.format(millis: clock.now()) }

    /// A database failure in words, without SQL: the server never shows SQL to a client, and
    /// the command line shows a person what they can act on.
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return "the database is locked by another process"
            case .SQLITE_FULL: return "the disk is full"
            case .SQLITE_CANTOPEN: return "the file cannot be opened or created"
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: return "the file is not a reader-server database"
            case .SQLITE_READONLY: return "the database is read-only"
            default: return "SQLite error \(error.resultCode.rawValue)" + (error.message.map { ": \($0)" } ?? "")
            }
        }
        return "\(error)"
    }

    /// Saves the clock so a restarted server never issues a stamp below one it gave out.
    func saveClock(_ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO server_state (key, value) VALUES ('clock', ?)",
            arguments: [clock.last.description]
        )
    }

    /// The highest change sequence a purge removed: a non-zero cursor below it has expired.
    static func purgedThrough(_ db: Database) throws -> Int64 {
        try String.fetchOne(db, sql: "SELECT value FROM server_state WHERE key = 'purged_through'")
            .flatMap { Int64($0) } ?? 0
    }
}

/// An exclusive `flock` on the folder of a database while it is opened, so that processes on
/// one machine opening it at once take turns. A lock on the folder, not the file: SQLite
/// holds POSIX locks on the file, and closing any other descriptor of it in this process
/// would drop them. Best effort: where the folder cannot be locked within 30 seconds (or
/// opened at all), opening goes on, and the migration's own retry still copes.
struct OpeningTurn {
    private let descriptor: Int32

    init(folderOf path: String) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        self.descriptor = descriptor
        guard descriptor >= 0 else { return }
        let deadline = ContinuousClock.now + .seconds(30)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0, errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline {
            usleep(10_000)
        }
    }

    /// Ends the turn (closing the descriptor releases the lock).
    func end() {
        if descriptor >= 0 { close(descriptor) }
    }
}
