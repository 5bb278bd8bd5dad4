import Foundation
import GRDB
import LoopbackHTTP
@testable import ReaderServer
import Testing

/// The server opens its own databases, old and new, and refuses any other file without
/// writing a byte to it.
@Suite struct RepositoryFileTests {
    /// The bytes of `path` and of its `-wal` and `-shm` companions (nil: no such file).
    static func fingerprint(_ path: String) -> [Data?] {
        ["", "-wal", "-shm"].map { FileManager.default.contents(atPath: path + $0) }
    }

    /// The application id in the header of the file at `path`.
    static func applicationID(_ path: String) throws -> UInt32 {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)).prefix(100))
        return bytes[68..<72].reduce(0) { $0 << 8 | UInt32($1) }
    }

    @Test func anotherProgramsDatabaseIsRefusedInOneLineAndLeftByteForByte() throws {
        let folder = try TestFolder.make("foreign")
        for journal in ["delete", "wal"] {
            let path = folder.appendingPathComponent("other-app-\(journal).sqlite").path
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = \(journal)")
                // Tables named like the server's: migrating this file would fail, not just add.
                try db.execute(sql: "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
            }
            try queue.close()
            let before = Self.fingerprint(path)
            #expect(before[0] != nil && before[1] == nil && before[2] == nil)
            #expect(throws: RepositoryError(
                "cannot open the server database \(path): the file is not a reader-server database; it was left unchanged"
            )) {
                try SQLiteSyncRepository(path: path)
            }
            #expect(Self.fingerprint(path) == before, "\(journal): the file was changed")
        }
    }

    @Test func aDatabaseOfAnEarlierVersionOpensAndGetsTheID() async throws {
        let server = try TestServer()
        _ = try await server.addUser("alice")
        let path = server.folder.appendingPathComponent("server.sqlite").path
        try await server.repository.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA application_id = 0; DELETE FROM grdb_migrations WHERE identifier = 'v3-application-id'")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        try server.repository.pool.close()
        #expect(try Self.applicationID(path) == 0)
        let reopened = try SQLiteSyncRepository(path: path)
        #expect(try await reopened.users().map(\.name) == ["alice"])
        #expect(try await reopened.pool.read { try Int.fetchOne($0, sql: "PRAGMA application_id") } == 0x5253_5256)
    }
}
