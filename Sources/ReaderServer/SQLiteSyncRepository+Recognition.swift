import Foundation
import GRDB
import GRDBSQLite
import ReaderModels

extension SQLiteSyncRepository {
    /// `PRAGMA application_id` of a reader-server database, "RSRV" in ASCII; set by the
    /// `v3-application-id` migration. A `reader` client database has another id.
    static let applicationID: UInt32 = 0x5253_5256

    /// Returns when `path` is missing, empty, or a reader-server database (one made by an
    /// earlier version, without the application id, included); throws otherwise. Never
    /// writes: opening a file for writing switches it to WAL and adds the migrations table,
    /// so another program's file is refused first, with its bytes untouched.
    static func checkOwnership(of path: String) throws {
        let refused = RepositoryError(
            "cannot open the server database \(path): the file is not a reader-server database; it was left unchanged"
        )
        // A FIFO would block the read below, and a device is no database.
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if let type = (try? FileManager.default.attributesOfItem(atPath: target))?[.type] as? FileAttributeType,
           type != .typeRegular {
            throw refused
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        let bytes = [UInt8]((try? handle.read(upToCount: SQLiteFileHeader.size)) ?? Data())
        try? handle.close()
        if bytes.isEmpty { return }
        guard let header = SQLiteFileHeader(bytes) else { throw refused }
        if header.applicationID == applicationID { return }
        // Earlier versions opened every database as a pool, which switched it to WAL: a
        // file in another journal mode, or with another program's id, is not ours.
        guard header.applicationID == 0, header.isWAL, isServerDatabase(path: path) else { throw refused }
    }

    /// Whether the WAL database at `path` has the server's application id, ran the
    /// server's first migration, or holds nothing at all yet. The header of the file may not say yet: what was written
    /// since the last checkpoint, the id included, is in the `-wal` file beside it.
    ///
    /// With no `-wal` file, the file is read with SQLite's `immutable` flag, which takes no
    /// lock and makes no `-wal` or `-shm` file, so looking at another program's database
    /// leaves nothing behind. With one, it is read read-only through it.
    private static func isServerDatabase(path: String) -> Bool {
        let hasWAL = FileManager.default.fileExists(atPath: path + "-wal")
        let uri = URL(fileURLWithPath: path).absoluteString + (hasWAL ? "?mode=ro" : "?immutable=1")
        var connection: OpaquePointer?
        defer { sqlite3_close(connection) }
        guard sqlite3_open_v2(uri, &connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil) == SQLITE_OK else { return false }
        sqlite3_busy_timeout(connection, 5000)
        return integer(connection, "PRAGMA application_id") == Int64(Int32(bitPattern: applicationID))
            || integer(connection, "SELECT 1 FROM grdb_migrations WHERE identifier = 'v1-sync-server'") == 1
            // A WAL database with nothing in it yet: another server process creating this
            // file at the same moment, before its first migration commits. It holds nothing
            // anyone could lose.
            || integer(connection, "SELECT count(*) FROM sqlite_schema") == 0
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
