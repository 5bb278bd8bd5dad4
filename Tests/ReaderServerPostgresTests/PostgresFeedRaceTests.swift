import Foundation
import LoopbackHTTP
import PostgresNIO
import ReaderModels
import ReaderServer
@testable import ReaderServerPostgres
import Testing

/// The two races the session-7 review found in the feed writers on PostgreSQL, each staged
/// with a second transaction the test holds open on a connection of its own, so the
/// interleaving is forced rather than hoped for:
///
/// - a fetch written while another transaction takes the same locks in the other order is
///   chosen as a deadlock's victim (40P01) and is run again, not recorded as a failure;
/// - a subscription racing a refresh that moves another feed to the same URL writes its
///   articles under the moved feed's source, not under a second one.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent), .serialized)
struct PostgresFeedRaceTests {
    static func rss(_ name: String) -> RoutedServer.Route { PostgresFeedRefreshTests.rss(name) }

    /// Runs `body` in a transaction on a connection of its own, outside the repository's pool.
    static func holding<T: Sendable>(
        _ url: PostgresURL, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) -> Task<T, any Error> {
        Task {
            let pool = PostgresPool(url: url, maxConnections: 1)
            do {
                let result = try await pool.transaction(body)
                await pool.close()
                return result
            } catch {
                await pool.close()
                throw error
            }
        }
    }

    /// Waits until another backend of this test's database waits for a lock (a bounded
    /// number of looks, 20 ms apart); other tests' databases share the cluster.
    static func untilSomeoneWaits(_ connection: PostgresConnection, _ logger: Logger) async throws {
        for _ in 0..<1500 {
            for try await waiting in try await connection.query(
                """
                SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE NOT l.granted AND a.datname = current_database() AND l.pid <> pg_backend_pid()
                """, logger: logger
            ).decode(Int64.self) where waiting > 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RepositoryError("no transaction came to wait for the test's lock")
    }

    @Test func aFetchChosenAsADeadlockVictimIsRunAgain() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let repository = try await PostgresSyncRepository(url: url, refreshIntervalSeconds: 0)
        let web = try RoutedServer(["/feed.xml": Self.rss("f")])
        let feed = web.url("/feed.xml").absoluteString
        _ = try await repository.addUser(named: "ada")
        let aggregator = try FeedAggregator(repository: repository, timeLimit: .seconds(10), allowPrivateNetworks: true)
        _ = try await aggregator.add(user: "ada", url: feed)
        let source = "source " + Fingerprint.sourceID(key: feed)

        // The other transaction holds ada's change feed, waits until the fetch's write waits
        // for it (holding the source's lock), then asks for the source's lock: a cycle.
        let (held, holding) = AsyncStream<Void>.makeStream()
        let other = Self.holding(url) { connection, logger in
            try await connection.run(
                "SELECT 1 FROM change_feeds c JOIN users u ON u.id = c.user_id WHERE u.name = 'ada' FOR UPDATE OF c", logger: logger
            )
            holding.finish()
            // The waiter whose deadlock_timeout runs out first finds the cycle and is undone:
            // the fetch (1 s), never this transaction, however slow the machine.
            try await connection.query("SET LOCAL deadlock_timeout = '30s'", logger: logger)
            try await Self.untilSomeoneWaits(connection, logger)
            try await connection.run("SELECT pg_advisory_xact_lock(hashtextextended(\(source), 0))", logger: logger)
            return true
        }
        for await _ in held {}
        let report = try await aggregator.refresh()
        #expect(try await other.value, "the other transaction committed")
        #expect(report.failed == 0 && report.notModified == 1, "the fetch was written: \(report.line)")
        #expect(repository.transactionsRunAgain.withLock { $0 } == 1)
        let stored = try #require(try await repository.feeds().first)
        #expect(stored.lastStatus == 304 && stored.lastError == nil)
        await repository.close()
    }

    @Test func aSubscriptionRacingAMoveToItsURLKeepsTheMovedFeedsSource() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let repository = try await PostgresSyncRepository(url: url, refreshIntervalSeconds: 0)
        let web = try RoutedServer(["/old.xml": Self.rss("moving"), "/new.xml": Self.rss("moving")])
        let old = web.url("/old.xml").absoluteString, new = web.url("/new.xml").absoluteString
        _ = try await repository.addUser(named: "ada")
        _ = try await repository.addUser(named: "bob")
        let aggregator = try FeedAggregator(repository: repository, timeLimit: .seconds(10), allowPrivateNetworks: true)
        _ = try await aggregator.add(user: "bob", url: old)

        // A refresh elsewhere moving the old feed to the new URL, not yet committed when ada
        // subscribes to the new URL: her first read finds no feed there.
        let (moved, moving) = AsyncStream<Void>.makeStream()
        let move = Self.holding(url) { connection, logger in
            try await connection.query("UPDATE feeds SET url = \(new) WHERE url = \(old)", logger: logger)
            moving.finish()
            try await Self.untilSomeoneWaits(connection, logger)
            return true
        }
        for await _ in moved {}
        // The test's transaction holds no lock the subscription needs before its insert of
        // the feed row, which waits for the move.
        let report = try await aggregator.add(user: "ada", url: new)
        #expect(try await move.value)
        #expect(!report.alreadySubscribed)
        // Every article is the moved feed's: one keyed by the new URL would be a second
        // source's, in nobody's library, fetched again and again.
        var sources: [String] = []
        for try await source in try await repository.database.client.query(
            "SELECT DISTINCT source_id FROM articles", logger: repository.database.logger
        ).decode(String.self) { sources.append(source) }
        #expect(sources == [Fingerprint.sourceID(key: old)], "keyed as the feed that moved there")
        var held: [String] = []
        for try await source in try await repository.database.client.query("""
            SELECT DISTINCT a.source_id FROM articles a JOIN library l ON l.article_id = a.id
            JOIN users u ON u.id = l.user_id WHERE u.name = 'ada'
            """, logger: repository.database.logger).decode(String.self) { held.append(source) }
        #expect(held == sources, "ada holds them")
        #expect(repository.transactionsRunAgain.withLock { $0 } == 1)
        await repository.close()
    }
}
