import Foundation
import GRDB
import LoopbackHTTP
import PostgresSupport
import Testing

/// `reader-server users password NAME`: the API password for Google Reader API apps, read
/// from standard input, refused when empty or too long, stored only as a scrypt hash.
@Suite struct ServerPasswordCommandTests {
    static let server = TestServer.binary("reader-server")

    static func storedHash(_ db: String) throws -> String? {
        let queue = try DatabaseQueue(path: db)
        defer { try? queue.close() }
        return try queue.read { db in try String.fetchOne(db, sql: "SELECT greader_password FROM users WHERE name = 'ada'") }
    }

    @Test(.sqliteServerOnly("reads the stored hash from the SQLite file; PostgresGReaderCommandLineTests covers users password --database"))
    func setsAHashedPasswordFromStandardInputAndRefusesEmptyOrLongOnes() async throws {
        let folder = try TestFolder.make("users-password")
        let db = folder.appendingPathComponent("server.sqlite").path
        _ = try await TestServer.run(Self.server, ["users", "add", "ada", "--db", db])
        let arguments = ["users", "password", "ada", "--db", db]

        for (input, message) in [("", "no password on standard input"), ("\n", "no password on standard input"),
                                 (String(repeating: "p", count: 1025) + "\n", "longer than 1024 bytes")] {
            let refused = try await ChildProcess.run(Self.server, arguments, input: input)
            #expect(refused.status == 1 && refused.output.contains("reader-server: ") && refused.output.contains(message), "\(refused)")
        }
        #expect(try Self.storedHash(db) == nil, "nothing refused was stored")

        let set = try await ChildProcess.run(Self.server, arguments, input: "tide & salt\n")
        #expect(set.status == 0 && set.output.isEmpty, "\(set)")
        let stored = try #require(try Self.storedHash(db))
        #expect(stored.hasPrefix("scrypt$") && !stored.contains("tide"))

        let nobody = try await ChildProcess.run(Self.server, ["users", "password", "nobody", "--db", db], input: "x\n")
        #expect(nobody.status == 1 && nobody.output.contains("no user named nobody"), "\(nobody)")
    }
}
