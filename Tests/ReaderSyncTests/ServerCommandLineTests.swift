import Foundation
import GRDB
import LoopbackHTTP
import PostgresSupport
import ReaderStore
import Testing

/// The `reader-server` binary's own promises: the connection limits in `serve --help` and
/// their bounds, and databases that are not its own refused in one line and left unchanged.
@Suite struct ServerCommandLineTests {
    static let server = TestServer.binary("reader-server")

    @Test func serveHelpShowsTheTimeoutsAndTheCapWithTheirDefaults() async throws {
        let help = try await TestServer.run(Self.server, ["serve", "--help"])
        for option in ["--header-timeout <seconds>", "--body-timeout <seconds>", "--idle-timeout <seconds>", "--max-connections"] {
            #expect(help.contains(option), "\(option) is not in serve --help")
        }
        let flattened = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for value in ["(default: 10.0)", "(default: 60.0)", "(default: 512)"] {
            #expect(flattened.contains(value), "\(value) is not in serve --help")
        }
    }

    @Test func connectionLimitsOutsideTheirBoundsAreUsageErrors() async throws {
        let folder = try TestFolder.make("serve-options")
        let db = folder.appendingPathComponent("server.sqlite").path
        for arguments in [
            ["--header-timeout", "0"], ["--body-timeout", "-1"], ["--idle-timeout", "86401"],
            ["--max-connections", "0"], ["--max-connections", "1000001"],
        ] {
            await #expect(throws: TestFailure.self, "\(arguments)") {
                try await TestServer.run(Self.server, ["serve", "--db", db, "--port", "0"] + arguments)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: db), "a refused serve made its database")
    }

    @Test(.sqliteServerOnly("what --db does with a SQLite file that is not a server's; PostgresCommandLineTests covers --database"))
    func aClientDatabaseAndAnotherProgramsAreRefusedUnchanged() async throws {
        let folder = try TestFolder.make("foreign")
        let client = folder.appendingPathComponent("client.sqlite").path
        _ = try ReaderStore(path: client)
        let other = folder.appendingPathComponent("other.sqlite").path
        let queue = try DatabaseQueue(path: other)
        try await queue.write { db in try db.execute(sql: "CREATE TABLE users (id INTEGER PRIMARY KEY)") }
        try queue.close()
        for path in [client, other] {
            let before = ["", "-wal", "-shm"].map { FileManager.default.contents(atPath: path + $0) }
            do {
                try await TestServer.run(Self.server, ["users", "list", "--db", path])
                Issue.record("\(path) was opened")
            } catch let failure as TestFailure {
                #expect(failure.description.hasSuffix(
                    "exited 1: reader-server: cannot open the server database \(path): the file is not a reader-server database; it was left unchanged\n"
                ), "\(failure)")
            }
            #expect(["", "-wal", "-shm"].map { FileManager.default.contents(atPath: path + $0) } == before, "\(path) was changed")
        }
    }

    @Test(.sqliteServerOnly("the client opening a server's SQLite file; a PostgreSQL database is no file the client could open"))
    func aServerDatabaseIsRefusedByTheClient() async throws {
        let folder = try TestFolder.make("server-db")
        let path = folder.appendingPathComponent("server.sqlite").path
        _ = try await TestServer.run(Self.server, ["users", "add", "ada", "--db", path])
        #expect(throws: StoreError.database("\(path) is not a reader database; it was left unchanged")) {
            try ReaderStore(path: path)
        }
    }
}

/// `articles import --user` and `serve --keep-per-feed`, on the real binaries.
@Suite struct ServerLibraryCommandLineTests {
    static let server = TestServer.binary("reader-server")

    @Test func anImportWithoutAUserIsRefusedNamingTheOption() async throws {
        let server = try await TestServer(imports: [])
        _ = try await server.addUser("ada")
        do {
            try await TestServer.run(Self.server, ["articles", "import"] + server.databaseArguments + TestServer.samples)
            Issue.record("an import without --user was accepted")
        } catch let failure as TestFailure {
            #expect(failure.description.contains("--user NAME"), "\(failure)")
        }
        await #expect(throws: TestFailure.self, "an unknown user") {
            try await TestServer.run(Self.server, ["articles", "import"] + server.databaseArguments + ["--user", "nobody"] + TestServer.samples)
        }
        #expect(try await server.stored("SELECT count(*) FROM articles") == ["0"], "a refused import stored articles")
    }

    /// A server restarted with a cap of one article a feed prunes the feed it fetches as it
    /// starts, and the device follows with tombstones, keeping its star.
    @Test func serveAppliesItsRetentionAndDevicesFollow() async throws {
        let feeds = try RoutedServer(["/feed.xml": .body(PerUserLibraryTests.rss("tide", count: 4), contentType: "application/rss+xml")])
        let first = try await TestServer(imports: [], extraArguments: ["--refresh-interval", "0"])
        let ada = try await first.addUser("ada")
        let phone = try Device("phone", server: first, token: ada)
        try phone.store.subscribeFeed(url: feeds.url("/feed.xml").absoluteString)
        try await phone.sync()
        try await PerUserLibraryTests.refresh(first)
        try await phone.sync()
        let before = try phone.articleIDs()
        #expect(before.count == 4)
        let starred = try #require(before.sorted().first)
        try phone.store.markStarred([starred])
        try await phone.sync()

        let capped = try await TestServer(extraArguments: ["--refresh-interval", "0", "--keep-per-feed", "1"], sharing: first)
        let device = try Device(reopening: phone, url: capped.url, token: ada)
        // The pass runs as the server starts; sync until its tombstones have arrived.
        let deadline = ContinuousClock.now + .seconds(30)
        while try phone.articleIDs().count > 2, ContinuousClock.now < deadline {
            try await device.sync()
            try await Task.sleep(for: .milliseconds(100))
        }
        let after = try phone.articleIDs()
        #expect(after.contains(starred), "the starred article stays")
        #expect(after.count <= 2, "the newest article and the starred one, not \(after.count)")
    }
}
