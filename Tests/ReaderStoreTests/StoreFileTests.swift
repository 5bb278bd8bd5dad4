import Foundation
import GRDB
import LoopbackHTTP
@testable import ReaderStore
import Testing

/// Opening a file that is not a reader database refuses it without writing a byte; a
/// reader database, old or new, opens.
@Suite struct StoreFileTests {
    /// The bytes of `path` and of its `-wal` and `-shm` companions (nil: no such file).
    static func fingerprint(_ path: String) -> [Data?] {
        ["", "-wal", "-shm"].map { FileManager.default.contents(atPath: path + $0) }
    }

    /// The application id in the header of the file at `path`.
    static func applicationID(_ path: String) throws -> UInt32 {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)).prefix(100))
        return bytes[68..<72].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// A database another program made: a table of its own, in `journal` mode.
    static func foreignDatabase(in folder: URL, journal: String, applicationID: Int32 = 0) throws -> String {
        let path = folder.appendingPathComponent("other-app-\(journal).sqlite").path
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = \(journal)")
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('bread')")
        }
        try queue.close()
        return path
    }

    @Test func anotherProgramsDatabaseIsRefusedAndLeftByteForByte() throws {
        let folder = try TestFolder.make("foreign")
        let foreign = [
            try Self.foreignDatabase(in: folder, journal: "delete"),
            try Self.foreignDatabase(in: folder, journal: "wal"),
            try Self.foreignDatabase(in: folder, journal: "truncate", applicationID: 0x1234),
        ]
        for path in foreign {
            let before = Self.fingerprint(path)
            #expect(before[0] != nil && before[1] == nil && before[2] == nil, "\(path): no -wal or -shm to begin with")
            #expect(throws: StoreError.database("\(path) is not a reader database; it was left unchanged")) {
                try ReaderStore(path: path)
            }
            #expect(Self.fingerprint(path) == before, "\(path) was changed")
        }
    }

    @Test func aTextFileIsRefusedAndLeftAsItWas() throws {
        let test = try TestStore()
        let path = try test.file("notes.txt", String(repeating: "this is not sqlite\n", count: 200))
        let before = Self.fingerprint(path)
        #expect(throws: StoreError.database("\(path) is not a reader database; it was left unchanged")) {
            try ReaderStore(path: path)
        }
        #expect(Self.fingerprint(path) == before)
    }

    @Test func aNewDatabaseCarriesTheReaderApplicationID() throws {
        let test = try TestStore()
        #expect(try test.store.pool.read { try Int.fetchOne($0, sql: "PRAGMA application_id") } == 0x5245_4144)
    }

    /// What an earlier version left: WAL, every table, no application id, no v5 migration,
    /// all of it in the file itself, with its `-wal` file (empty) beside it or not.
    @Test(arguments: [true, false])
    func aDatabaseOfAnEarlierVersionOpensAndGetsTheID(keepingTheWALFile: Bool) throws {
        let test = try TestStore()
        let ids = try test.seed([("Kept", "Still here after the upgrade.")])
        try test.store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA application_id = 0; DELETE FROM grdb_migrations WHERE identifier = 'v5-application-id'")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        try test.store.pool.close()
        if !keepingTheWALFile {
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: test.store.path + suffix) }
        }
        #expect(try Self.applicationID(test.store.path) == 0)
        let reopened = try ReaderStore(path: test.store.path)
        #expect(try reopened.article(id: ids[0]).title == "Kept")
        #expect(try reopened.pool.read { try Int.fetchOne($0, sql: "PRAGMA application_id") } == 0x5245_4144)
    }

    @Test func aMissingFolderIsAnErrorWhenItMayNotBeMade() throws {
        let folder = TestFolder.url("absent").appendingPathComponent("deeper")
        #expect(throws: StoreError.database("the folder \(folder.path) for the database does not exist")) {
            try ReaderStore(path: folder.appendingPathComponent("reader.sqlite").path, createFolder: false)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.deletingLastPathComponent().path))
    }

    /// A second store opened and dropped on a file while the first is open leaves the first's
    /// locks alone: reading the header through a descriptor of its own dropped them, so a
    /// `reader` process closing next took itself for the last user of the file, moved the WAL
    /// into it and removed it under the first store (the pattern of `reader-bench search`).
    @Test func aSecondStoreOnTheSameFileLeavesItSound() throws {
        let test = try TestStore()
        let path = test.folder.appendingPathComponent("reader.sqlite").path
        try test.seed((0..<300).map { (title: "Tide table \($0)", text: "Harbour notes for day \($0), ferries and tides.") })
        _ = try ReaderStore(path: path).status()
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("reader").path), folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        let reader = try ChildProcess(folder.appendingPathComponent("reader"), ["status", "--db", path])
        #expect(reader.wait() == .exited(0))
        try test.seed((300..<600).map { (title: "Tide table \($0)", text: "More notes for day \($0).") })
        #expect(try test.store.status().articles == 600)
        try test.store.pool.close()
        let integrity = try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
        #expect(try ReaderStore(path: path).status().articles == 600)
    }
}
