import Foundation
import PostgresNIO
@testable import ReaderServerPostgres
import Testing

/// The trap of sequence numbers versus commit order (issue 15, section 2), replayed step by
/// step: with a shared SEQUENCE a puller skips a change for good; with the per-user feed
/// the later writer waits for the earlier one's commit, and nothing is skipped.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresCommitOrderTests {
    /// Runs `body` in a transaction on `pool` that stays open, after `body`, until `release` yields.
    static func held(
        _ pool: PostgresPool, release: AsyncStream<Void>, took: AsyncStream<Int64>.Continuation,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Int64
    ) -> Task<Int64, any Error> {
        Task {
            try await pool.transaction { connection, logger in
                let number = try await body(connection, logger)
                took.yield(number)
                for await _ in release { break }
                return number
            }
        }
    }

    static func numbers(_ pool: PostgresPool, _ sql: String) async throws -> [Int64] {
        var found: [Int64] = []
        for try await number in try await pool.client.query(PostgresQuery(unsafeSQL: sql), logger: pool.logger).decode(Int64.self) {
            found.append(number)
        }
        return found
    }

    @Test func aSharedSequenceLetsAPullerSkipAChange() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let pool = PostgresPool(url: url, maxConnections: 4)
        try await pool.execute("CREATE SEQUENCE naive")
        try await pool.execute("CREATE TABLE naive_changes (seq bigint PRIMARY KEY)")
        let (release, releaser) = AsyncStream<Void>.makeStream()
        let (took, taken) = AsyncStream<Int64>.makeStream()
        // Writer one takes number 1 and has not committed yet.
        let first = Self.held(pool, release: release, took: taken) { connection, logger in
            for try await seq in try await connection.query(
                "INSERT INTO naive_changes VALUES (nextval('naive')) RETURNING seq", logger: logger
            ).decode(Int64.self) { return seq }
            return 0
        }
        var numbers = took.makeAsyncIterator()
        #expect(await numbers.next() == 1)
        // Writer two takes number 2 and commits at once: nothing makes it wait.
        try await pool.execute("INSERT INTO naive_changes VALUES (nextval('naive'))")
        let seen = try await Self.numbers(pool, "SELECT seq FROM naive_changes WHERE seq > 0 ORDER BY seq")
        #expect(seen == [2], "the puller sees 2 and moves its cursor past 1")
        releaser.yield()
        releaser.finish()
        _ = try await first.value
        // Number 1 is committed now, below the cursor: that puller never sees it.
        #expect(try await Self.numbers(pool, "SELECT seq FROM naive_changes WHERE seq > 2 ORDER BY seq").isEmpty)
        #expect(try await Self.numbers(pool, "SELECT seq FROM naive_changes ORDER BY seq") == [1, 2])
        await pool.close()
    }

    @Test func theUsersFeedMakesTheLaterWriterWaitForTheEarlierCommit() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let setup = try await PostgresSyncRepository(url: url)
        let user = try #require(try await setup.authenticate(token: try await setup.addUser(named: "alice"))).id
        await setup.close()
        let one = PostgresPool(url: url, maxConnections: 2), two = PostgresPool(url: url, maxConnections: 2)
        let (release, releaser) = AsyncStream<Void>.makeStream()
        let (took, taken) = AsyncStream<Int64>.makeStream()
        let first = Self.held(one, release: release, took: taken) { connection, logger in
            try await PostgresChangeFeed.record(user: user, entity: "note", id: "first", at: "t", connection, logger)
        }
        var numbers = took.makeAsyncIterator()
        #expect(await numbers.next() == 1)
        // The second instance's writer starts now and must wait at the user's feed row.
        let second = Task {
            try await two.transaction { connection, logger in
                try await PostgresChangeFeed.record(user: user, entity: "note", id: "second", at: "t", connection, logger)
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        let page = "SELECT seq FROM changes WHERE user_id = \(user) AND seq > 0 ORDER BY seq"
        #expect(try await Self.numbers(one, page).isEmpty, "neither writer has committed")
        releaser.yield()
        releaser.finish()
        #expect(try await first.value == 1)
        #expect(try await second.value == 2, "numbered after the first committed")
        #expect(try await Self.numbers(one, page) == [1, 2])
        await one.close()
        await two.close()
    }
}
