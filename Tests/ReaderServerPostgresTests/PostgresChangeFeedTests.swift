import Foundation
import PostgresNIO
@testable import ReaderServerPostgres
import Synchronization
import Testing

/// The per-user change feed stays gap-free when two instances write one user's feed at
/// once and their transactions commit in any order (issue 15, section 2): a puller that
/// follows it while they write never sees a number after one it has not seen.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresChangeFeedTests {
    struct Rollback: Error {}

    @Test func aPullerFollowingConcurrentWritersOnTwoInstancesSkipsNothing() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let setup = try await PostgresSyncRepository(url: url)
        let token = try await setup.addUser(named: "alice")
        let user = try #require(try await setup.authenticate(token: token)).id
        await setup.close()
        let instances = [PostgresPool(url: url, maxConnections: 4), PostgresPool(url: url, maxConnections: 4)]
        let writersPerInstance = 4, transactionsPerWriter = 12
        // Seeded, so a failure can be run again as it was.
        let seed = UInt64.random(in: 1...UInt64.max)

        let writersDone = Flag()
        let committed = try await withThrowingTaskGroup(of: [String].self) { group in
            for (index, instance) in instances.enumerated() {
                for writer in 0..<writersPerInstance {
                    group.addTask {
                        var random = SplitMix(seed: seed &+ UInt64(index * 100 + writer))
                        var ids: [String] = []
                        for number in 0..<transactionsPerWriter {
                            let id = "i\(index)-w\(writer)-t\(number)"
                            // Every fifth transaction rolls back after taking its numbers:
                            // they must be handed out again, leaving no hole.
                            let rollsBack = random.next() % 5 == 0
                            let pause = Double(random.next() % 8) / 1000
                            do {
                                try await instance.transaction { connection, logger in
                                    try await PostgresChangeFeed.record(user: user, entity: "note", id: id + "a", at: "t", connection, logger)
                                    // Hold the feed a while, so transactions queue and commit out of start order.
                                    try await connection.query("SELECT pg_sleep(\(pause))", logger: logger)
                                    try await PostgresChangeFeed.record(user: user, entity: "note", id: id + "b", at: "t", connection, logger)
                                    if rollsBack { throw Rollback() }
                                }
                                ids += [id + "a", id + "b"]
                            } catch is Rollback {}
                        }
                        return ids
                    }
                }
            }
            // The puller, on the first instance, one page per statement (one snapshot each).
            group.addTask {
                var cursor: Int64 = 0
                var seen: [String] = []
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline {
                    // Read before the page: a page read after every writer finished is the last.
                    let finished = writersDone.isSet
                    let page = try await Self.page(instances[0], user: user, after: cursor)
                    for (offset, row) in page.enumerated() {
                        #expect(row.seq == cursor + Int64(offset) + 1, "seed \(seed): after \(cursor + Int64(offset)) came \(row.seq)")
                    }
                    if let last = page.last {
                        cursor = last.seq
                        seen += page.map(\.id)
                    }
                    if page.isEmpty {
                        if finished { break }
                        try await Task.sleep(for: .milliseconds(2))
                    }
                }
                return ["puller"] + seen
            }
            var committed: [String] = []
            var pulled: [String] = []
            var writersLeft = instances.count * writersPerInstance
            for try await ids in group {
                if ids.first == "puller" {
                    pulled = Array(ids.dropFirst())
                } else {
                    committed += ids
                    writersLeft -= 1
                    if writersLeft == 0 { writersDone.set() }
                }
            }
            #expect(Set(pulled).isSuperset(of: committed), "seed \(seed): the puller missed \(Set(committed).subtracting(pulled).sorted().prefix(5))")
            return committed
        }
        // Whatever rolled back gave its numbers back: the feed is 1...N with no hole.
        let all = try await Self.page(instances[0], user: user, after: 0, limit: 10_000)
        #expect(all.map(\.seq) == Array(1...Int64(committed.count)))
        let bounds = try await instances[0].transaction { connection, logger in
            try await PostgresChangeFeed.bounds(of: user, connection, logger)
        }
        #expect(bounds.last == Int64(committed.count) && bounds.purged == 0)
        for instance in instances { await instance.close() }
    }

    static func page(_ pool: PostgresPool, user: Int64, after cursor: Int64, limit: Int = 25) async throws -> [(seq: Int64, id: String)] {
        let rows = try await pool.client.query(
            "SELECT seq, entity_id FROM changes WHERE user_id = \(user) AND seq > \(cursor) ORDER BY seq LIMIT \(limit)",
            logger: pool.logger
        )
        var page: [(seq: Int64, id: String)] = []
        for try await (seq, id) in rows.decode((Int64, String).self) { page.append((seq, id)) }
        return page
    }
}

/// Set once, read from any task.
final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

/// A small seeded generator (SplitMix64), so a failing interleaving's choices can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
