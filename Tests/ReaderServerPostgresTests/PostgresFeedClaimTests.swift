import Foundation
@testable import ReaderServerPostgres
import Testing

/// Each due feed goes to one instance, and a claim whose instance died runs out.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresFeedClaimTests {
    @Test func twoInstancesClaimEachDueFeedOnceAndALapsedClaimComesBack() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let setup = try await PostgresSyncRepository(url: url)
        _ = try await setup.addUser(named: "alice")
        let feeds = (0..<12).map { "https://example.org/\($0)" }
        for feed in feeds {
            try await setup.database.execute("INSERT INTO feeds (url, source_key) VALUES ('\(feed)', '\(feed)')")
            // Every feed but the last has a subscriber; the last is never fetched.
            let subscribed = feed != feeds.last
            try await setup.database.execute("""
                INSERT INTO subscriptions (user_id, url, tags, subscribed, hlc)
                SELECT id, '\(feed)', '[]', \(subscribed), '0' FROM users
                """)
        }
        await setup.close()
        let one = PostgresPool(url: url), two = PostgresPool(url: url)
        let now = "2026-12-01T00:00:00.000Z", lease = "2026-12-01T00:05:00.000Z"
        // Several rounds at once, a few feeds each, as two refresh loops would.
        async let a = Self.claimAll(one, now: now, lease: lease)
        async let b = Self.claimAll(two, now: now, lease: lease)
        let (first, second) = try await (a, b)
        #expect(Set(first).isDisjoint(with: second), "a feed claimed twice: \(Set(first).intersection(second))")
        #expect(Set(first + second) == Set(feeds.dropLast()))
        #expect(try await PostgresFeedClaims.claimDue(now: now, leaseUntil: lease, limit: 50, one).isEmpty, "claimed feeds are not due")
        // The instances died before recording a fetch: after the lease every feed is due again.
        let later = "2026-12-01T00:06:00.000Z"
        let again = try await PostgresFeedClaims.claimDue(now: later, leaseUntil: "2026-12-01T00:11:00.000Z", limit: 50, two)
        #expect(Set(again) == Set(feeds.dropLast()))
        await one.close()
        await two.close()
    }

    static func claimAll(_ pool: PostgresPool, now: String, lease: String) async throws -> [String] {
        var claimed: [String] = []
        while true {
            let batch = try await PostgresFeedClaims.claimDue(now: now, leaseUntil: lease, limit: 2, pool)
            if batch.isEmpty { return claimed }
            claimed += batch
        }
    }
}
