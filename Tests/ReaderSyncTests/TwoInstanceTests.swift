import Foundation
import LoopbackHTTP
import PostgresSupport
import ReaderStore
import ReaderSync
import Testing

/// Issue 15 §2: two `reader-server serve --database` processes on one PostgreSQL database,
/// devices syncing through either at random, one instance killed with SIGKILL while every
/// device syncs through it, then started again: every device's export converges, and every
/// mutation a device saw acknowledged is in the database.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct TwoInstanceTests {
    /// What one sync did: the mutations it saw acknowledged (gone from the outbox), and
    /// whether it failed.
    struct Outcome: Sendable {
        var acknowledged: Set<String>
        var error: String?
    }

    /// Syncs `device` through whichever instance its engine names; a failure is an outcome
    /// here, not a throw (an instance may be gone).
    static func sync(_ device: Device) async throws -> Outcome {
        let before = Set(try device.store.pendingMutations().map(\.id))
        var error: String?
        do { try await device.sync() } catch let failure { error = "\(failure)" }
        let after = Set(try device.store.pendingMutations().map(\.id))
        return Outcome(acknowledged: before.subtracting(after), error: error)
    }

    @Test func devicesSyncingThroughEitherInstanceConvergeWhenOneIsKilledUnderLoad() async throws {
        let seed = testSeed()
        var rng = SeededGenerator(seed: seed)
        let database = try await PostgresTestCluster.freshDatabase().description
        let first = try await TestServer(database: database)
        let token = try await first.addUser("alice")
        var second = try await TestServer(sharing: first)
        let devices = try (0..<3).map { try Device("device\($0)", server: first, token: token) }
        var throughSecond = try devices.map { try Device(reopening: $0, url: second.url, token: token) }
        for device in devices { try await device.sync() }
        let articleIDs = try devices[0].store.articles().map(\.id)
        #expect(!articleIDs.isEmpty, "the samples hold articles")

        var acknowledged = Set<String>()
        var failedWhileKilled: [String] = []
        let rounds = operationCount(default: 12)
        let killRound = Int.random(in: 2..<max(rounds - 2, 3), using: &rng)
        for round in 0..<rounds {
            for _ in 0..<4 {
                let index = Int.random(in: 0..<devices.count, using: &rng)
                try RandomEdits.apply(to: devices[index].store, articleIDs: articleIDs, using: &rng)
            }
            if round == killRound {
                // Load: every device syncs through the second instance at once, and it is
                // killed meanwhile, after a random moment.
                let pause = Duration.milliseconds(Int.random(in: 0...80, using: &rng))
                let victim = second
                let outcomes = try await withThrowingTaskGroup(of: Outcome?.self) { group in
                    for device in throughSecond {
                        group.addTask { try await Self.sync(device) }
                    }
                    group.addTask {
                        try await Task.sleep(for: pause)
                        let ended = await victim.kill()
                        #expect(ended == .signalled(SIGKILL), "the second instance ended with \(ended), not the kill")
                        return nil
                    }
                    return try await group.reduce(into: [Outcome]()) { if let outcome = $1 { $0.append(outcome) } }
                }
                for outcome in outcomes {
                    acknowledged.formUnion(outcome.acknowledged)
                    if let error = outcome.error { failedWhileKilled.append(error) }
                }
                second = try await TestServer(sharing: first)
                throughSecond = try devices.map { try Device(reopening: $0, url: second.url, token: token) }
            } else {
                let index = Int.random(in: 0..<devices.count, using: &rng)
                let device = Bool.random(using: &rng) ? devices[index] : throughSecond[index]
                let outcome = try await Self.sync(device)
                #expect(outcome.error == nil, "round \(round): \(outcome.error ?? ""); seed \(seed)")
                acknowledged.formUnion(outcome.acknowledged)
            }
        }

        // Everyone pushes, then everyone pulls what the others pushed, through either instance.
        for pass in 0..<2 {
            for (index, device) in devices.enumerated() {
                let outcome = try await Self.sync((index + pass).isMultiple(of: 2) ? device : throughSecond[index])
                #expect(outcome.error == nil, "final sync: \(outcome.error ?? ""); seed \(seed)")
                acknowledged.formUnion(outcome.acknowledged)
            }
        }
        for device in devices { #expect(try device.store.status().pendingMutations == 0, "seed \(seed)") }
        let exports = try devices.map { try $0.export() }
        for (index, export) in exports.enumerated().dropFirst() {
            #expect(export == exports[0], "device\(index) differs from device0; replay with READER_SYNC_SEED=\(seed)")
        }
        let newcomer = try Device("newcomer", server: second, token: token)
        try await newcomer.sync()
        #expect(try newcomer.export() == exports[0], "a fresh device differs; replay with READER_SYNC_SEED=\(seed)")

        let applied = try await first.appliedMutationIDs()
        let lost = acknowledged.subtracting(applied)
        #expect(lost.isEmpty, "\(lost.count) acknowledged mutations are not in the database; seed \(seed)")
        #expect(!acknowledged.isEmpty)
        // Not asserted (it depends on timing): whether the kill met a sync in flight.
        print("TwoInstanceTests: seed \(seed), killed in round \(killRound); syncs that failed with it: \(failedWhileKilled.count)")
    }
}
