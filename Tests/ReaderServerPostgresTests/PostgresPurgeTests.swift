import Foundation
import ReaderModels
import ReaderServer
@testable import ReaderServerPostgres
import Synchronization
import Testing

/// Tombstones older than the horizon are forgotten per user, and a cursor below the user's
/// horizon has expired, as on SQLite.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresPurgeTests {
    final class WallClock: Sendable {
        let millis = Mutex<Int64>(1_764_547_300_000)
        func advance(days: Int64) { millis.withLock { $0 += days * 86_400_000 } }
    }

    @Test func oldTombstonesGoAndTheUsersHorizonRises() async throws {
        let wall = WallClock()
        let url = try await PostgresTestCluster.freshDatabase()
        let (setup, alice) = try await PostgresPushTests.server(url)
        await setup.close()
        let repository = try await PostgresSyncRepository(url: url, tombstoneDays: 30, wallMillis: { wall.millis.withLock { $0 } })
        _ = try await repository.push(PushRequest(clientID: "laptop", mutations: [
            PostgresPushTests.subscribe("sub", true, at: 1),
            PostgresPushTests.note("c1", .create, note: "n1", base: nil, body: "gone soon", at: 2),
        ]), for: alice)
        _ = try await repository.push(PushRequest(clientID: "laptop", mutations: [
            PostgresPushTests.note("d1", .delete, note: "n1", base: 1, body: "", at: 3),
        ]), for: alice)
        let before = try await repository.changes(for: alice, since: 0, limit: 100, maxBytes: 1 << 22)
        let tombstone = try #require(before.changes.last)
        #expect(tombstone.change == Change.tombstone(.note, id: "n1"))

        #expect(try await repository.purgeTombstones() == PurgeReport(notes: 0, horizon: 0), "nothing is old yet")
        wall.advance(days: 31)
        #expect(try await repository.purgeTombstones() == PurgeReport(notes: 1, horizon: tombstone.seq))
        let after = try await repository.changes(for: alice, since: 0, limit: 100, maxBytes: 1 << 22)
        #expect(after.changes.count == before.changes.count - 1 && after.nextCursor == before.nextCursor)
        do {
            _ = try await repository.changes(for: alice, since: tombstone.seq - 1, limit: 100, maxBytes: 1 << 22)
            Issue.record("a cursor below the horizon was taken")
        } catch let error as ServerError {
            #expect(error.code == .cursorExpired)
        }
        #expect(try await PostgresUserTests.strings(repository, "SELECT count(*)::text FROM notes") == ["0"])
        #expect(try await PostgresUserTests.strings(repository, "SELECT count(*)::text FROM note_revisions") == ["0"])

        // Pushes purge by themselves, once an hour across instances: a note deleted now is
        // gone after 31 days and one more push, with no purge called.
        _ = try await repository.push(PushRequest(clientID: "laptop", mutations: [
            PostgresPushTests.note("c2", .create, note: "n2", base: nil, body: "also gone", at: 31 * 86_400_000 + 4),
            PostgresPushTests.note("d2", .delete, note: "n2", base: 1, body: "", at: 31 * 86_400_000 + 5),
        ]), for: alice)
        wall.advance(days: 31)
        let second = try await PostgresSyncRepository(url: url, tombstoneDays: 30, wallMillis: { wall.millis.withLock { $0 } })
        _ = try await second.push(PushRequest(clientID: "phone", mutations: [
            PostgresPushTests.state("s1", ["read": .bool(true)], at: 62 * 86_400_000),
        ]), for: alice)
        #expect(try await PostgresUserTests.strings(repository, "SELECT count(*)::text FROM notes") == ["0"])
        await second.close()
        await repository.close()
    }
}
