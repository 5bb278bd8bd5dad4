import Foundation
import GRDB
import GRDBSQLite
import ReaderModels

/// Telling a reader database from any other file before the store opens it for writing:
/// opening a file for writing switches it to WAL and adds the migrations table, so a file
/// another program made is refused first, with its bytes untouched.
enum StoreFile {
    /// `PRAGMA application_id` of a reader database, "READ" in ASCII; set by the
    /// `v5-application-id` migration.
    static let applicationID: UInt32 = 0x5245_4144

    /// The migration every reader database ran first: how a database made before the
    /// application id existed is recognised.
    static let firstMigration = "v1-content"

    /// `PRAGMA auto_vacuum` of a database whose freed pages go back to the file system on
    /// `PRAGMA incremental_vacuum` (pruning runs it). It can only be set before the first
    /// table exists, or by a `VACUUM` (see `ReaderStore.prune`).
    static let incrementalVacuum = 2

    /// Returns when `path` is missing, empty, or a reader database (one made by an earlier
    /// version, without the application id, included); throws otherwise. Never writes.
    static func checkOwnership(of path: String) throws {
        let refused = StoreError.database("\(path) is not a reader database; it was left unchanged")
        // A FIFO would block the read below, and a device is no database.
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if let type = (try? FileManager.default.attributesOfItem(atPath: target))?[.type] as? FileAttributeType,
           type != .typeRegular {
            throw refused
        }
        guard let size = (try? FileManager.default.attributesOfItem(atPath: target))?[.size] as? NSNumber else { return }
        if size.intValue == 0 { return }
        guard let bytes = header(of: path, count: min(size.intValue, SQLiteFileHeader.size)) else { throw refused }
        guard let header = SQLiteFileHeader(bytes) else { throw refused }
        if header.applicationID == applicationID { return }
        // Earlier versions opened every database as a pool, which switched it to WAL: a
        // file in another journal mode, or with another program's id, is not ours.
        guard header.applicationID == 0, header.isWAL else { throw refused }
        guard isReaderDatabase(path: path) else { throw refused }
    }

    /// The first `count` bytes of the file at `path`, read through SQLite's own handle on it
    /// (opened read-only, no statement run, so nothing is written and no `-wal` or `-shm`
    /// file is made). Not through a `FileHandle`: closing a descriptor of the process's own
    /// on a file drops every POSIX lock the process holds on it, SQLite's included, and with
    /// another store open on the file in the process, a connection closing later took itself
    /// for the last one and removed the WAL under the other (`reader-bench search
    /// --database` left a corrupt file). SQLite's Unix VFS keeps such a descriptor open
    /// until the file's locks are gone.
    static func header(of path: String, count: Int) -> [UInt8]? {
        let uri = URL(fileURLWithPath: path).absoluteString + "?mode=ro"
        var connection: OpaquePointer?
        defer { sqlite3_close(connection) }
        guard sqlite3_open_v2(uri, &connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil) == SQLITE_OK else { return nil }
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(connection, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK,
              let file, let read = file.pointee.pMethods?.pointee.xRead else { return nil }
        var bytes = [UInt8](repeating: 0, count: count)
        let code = bytes.withUnsafeMutableBytes { read(file, $0.baseAddress, Int32(count), 0) }
        return code == SQLITE_OK ? bytes : nil
    }

    /// Whether the WAL database at `path` has the reader's application id or ran the
    /// reader's first migration. The header of the file may not say yet: what was written
    /// since the last checkpoint, the id included, is in the `-wal` file beside it.
    ///
    /// With no `-wal` file, the file is read with SQLite's `immutable` flag, which takes no
    /// lock and makes no `-wal` or `-shm` file, so looking at another program's database
    /// leaves nothing behind. With one, it is read read-only through it.
    static func isReaderDatabase(path: String) -> Bool {
        let hasWAL = FileManager.default.fileExists(atPath: path + "-wal")
        let uri = URL(fileURLWithPath: path).absoluteString + (hasWAL ? "?mode=ro" : "?immutable=1")
        var connection: OpaquePointer?
        defer { sqlite3_close(connection) }
        guard sqlite3_open_v2(uri, &connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil) == SQLITE_OK else { return false }
        sqlite3_busy_timeout(connection, 5000)
        return integer(connection, "PRAGMA application_id") == Int64(Int32(bitPattern: applicationID))
            || integer(connection, "SELECT 1 FROM grdb_migrations WHERE identifier = '\(firstMigration)'") == 1
    }

    /// The first column of the first row of `sql`; nil when there is none or the query fails.
    private static func integer(_ connection: OpaquePointer?, _ sql: String) -> Int64? {
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK,
              sqlite3_step(statement) == SQLITE_ROW else { return nil }
        return sqlite3_column_int64(statement, 0)
    }
}
