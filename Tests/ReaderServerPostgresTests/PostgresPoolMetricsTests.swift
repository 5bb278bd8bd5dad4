import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresSupport
import ReaderServer
@testable import ReaderServerPostgres
import Testing

/// `/metrics` on PostgreSQL shows the pool's use: connections leased, requests waiting for
/// one, and the most the pool opens, read from a real cluster's pool at the scrape.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresPoolMetricsTests {
    /// The value of an unlabelled sample in a Prometheus exposition.
    static func sample(_ name: String, in text: String) -> Double? {
        text.split(separator: "\n").first(where: { $0.hasPrefix(name + " ") }).flatMap { Double($0.dropFirst(name.count + 1)) }
    }

    @Test func aScrapeShowsLeasedAndWaitingConnections() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let repository = try await PostgresSyncRepository(url: url, maxConnections: 1)
        // The router alone: the whole application purges tombstones before it serves, which
        // would wait for the one connection this test holds.
        let app = Application(router: buildRouter(repository, accessLog: AccessLogSink(write: { _ in })))
        let pool = repository.database
        // One connection held by a lease that waits for `release`, a second lease queued behind it.
        let (held, holding) = AsyncStream<Void>.makeStream()
        let (release, releasing) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await pool.lease { connection in
                holding.yield()
                for await _ in release { break }
                return 1
            }
        }
        for await _ in held { break }
        let queued = Task { try await pool.lease { _ in 2 } }
        // The queued lease is counted as soon as it asks; bounded, in case it never does.
        for _ in 0..<10_000 where pool.leaseCounts.waiting == 0 { await Task.yield() }
        try await app.test(.router) { client in
            let busy = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(Self.sample("reader_db_pool_max_connections", in: busy) == 1)
            #expect(Self.sample("reader_db_pool_in_use", in: busy) == 1)
            #expect(Self.sample("reader_db_pool_waiting", in: busy) == 1)
            releasing.finish()
            #expect(try await holder.value == 1)
            #expect(try await queued.value == 2)
            let idle = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(Self.sample("reader_db_pool_in_use", in: idle) == 0)
            #expect(Self.sample("reader_db_pool_waiting", in: idle) == 0)
        }
        #expect(pool.leaseCounts == .init(inUse: 0, waiting: 0, max: 1))
        await repository.close()
    }
}
