import Foundation
import PostgresNIO
import ReaderServer
@testable import ReaderServerPostgres
import Testing

/// Users and their tokens on PostgreSQL, by the same rules as on SQLite.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresUserTests {
    @Test func aTokenNamesItsUserAndNoOneElse() async throws {
        let repository = try await PostgresSyncRepository(url: try await PostgresTestCluster.freshDatabase())
        let alice = try await repository.addUser(named: "alice")
        let bob = try await repository.addUser(named: "bob")
        #expect(alice.count == 64 && alice != bob)
        #expect(try await repository.authenticate(token: alice)?.name == "alice")
        #expect(try await repository.authenticate(token: bob)?.name == "bob")
        let wrong = String(alice.dropLast()) + (alice.hasSuffix("0") ? "1" : "0")
        #expect(try await repository.authenticate(token: wrong) == nil)
        #expect(try await repository.authenticate(token: "") == nil)
        #expect(try await repository.users().map(\.name) == ["alice", "bob"])
        // Only the hash is stored.
        let stored = try await Self.strings(repository, "SELECT token_hash FROM users")
        #expect(!stored.contains(alice) && stored.allSatisfy { $0.count == 64 })
        await repository.close()
    }

    @Test func namesAreCheckedAndUnique() async throws {
        let repository = try await PostgresSyncRepository(url: try await PostgresTestCluster.freshDatabase())
        _ = try await repository.addUser(named: "alice")
        for name in ["", "two words", "tab\there", String(repeating: "n", count: 65)] {
            await #expect(throws: RepositoryError.self) { try await repository.addUser(named: name) }
        }
        await #expect(throws: RepositoryError("a user named alice already exists")) { try await repository.addUser(named: "alice") }
        await repository.close()
    }

    /// Two instances adding the same name at once: the unique index lets exactly one in.
    @Test func twoInstancesCannotBothAddOneName() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let first = try await PostgresSyncRepository(url: url)
        let second = try await PostgresSyncRepository(url: url)
        async let a: String? = try? first.addUser(named: "carol")
        async let b: String? = try? second.addUser(named: "carol")
        let tokens = await [a, b].compactMap { $0 }
        #expect(tokens.count == 1)
        #expect(try await first.users().map(\.name) == ["carol"])
        await first.close()
        await second.close()
    }

    /// Removing a user takes their change feed and every row of theirs with it.
    @Test func removingAUserTakesAllTheirRows() async throws {
        let repository = try await PostgresSyncRepository(url: try await PostgresTestCluster.freshDatabase())
        let token = try await repository.addUser(named: "dave")
        _ = try await repository.addUser(named: "erin")
        let dave = try #require(try await repository.authenticate(token: token))
        try await repository.database.transaction { connection, logger in
            _ = try await PostgresChangeFeed.record(user: dave.id, entity: "note", id: "n1", at: "2026-12-01T00:00:00.000Z", connection, logger)
        }
        try await repository.removeUser(named: "dave")
        #expect(try await repository.users().map(\.name) == ["erin"])
        #expect(try await repository.authenticate(token: token) == nil)
        #expect(try await Self.strings(repository, "SELECT count(*)::text FROM changes") == ["0"])
        #expect(try await Self.strings(repository, "SELECT count(*)::text FROM change_feeds") == ["1"])
        await #expect(throws: RepositoryError("no user named dave")) { try await repository.removeUser(named: "dave") }
        await repository.close()
    }

    /// A database nobody can reach is one line that names it, without the password.
    @Test func anUnreachableDatabaseIsOneLine() async throws {
        var url = try await PostgresTestCluster.server.value
        url.port = 1
        url.password = "secret"
        do {
            _ = try await PostgresSyncRepository(url: url)
            Issue.record("connected to port 1")
        } catch let error as RepositoryError {
            #expect(error.message.hasPrefix("cannot open the server database postgres://"))
            #expect(!error.message.contains("secret") && !error.message.contains("\n"))
        }
    }

    static func strings(_ repository: PostgresSyncRepository, _ sql: String) async throws -> [String] {
        var found: [String] = []
        let rows = try await repository.database.client.query(PostgresQuery(unsafeSQL: sql), logger: repository.database.logger)
        for try await text in rows.decode(String.self) { found.append(text) }
        return found
    }
}
