@testable import ReaderServer
import Synchronization
import Testing

/// Pages are built at most `maxConcurrentPages` at a time, whatever the number of pulls.
@Suite struct PageGateTests {
    final class Counts: Sendable {
        let state = Mutex((running: 0, most: 0, done: 0))
    }

    @Test func noMoreThanThePermitsRunAtOnceAndEveryOneRuns() async throws {
        let gate = PageGate(permits: 2)
        let counts = Counts()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await gate.run {
                        counts.state.withLock { $0.running += 1; $0.most = max($0.most, $0.running) }
                        for _ in 0..<20 { await Task.yield() }
                        counts.state.withLock { $0.running -= 1; $0.done += 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = counts.state.withLock { $0 }
        #expect(final.most <= 2 && final.done == 40 && final.running == 0)
    }

    @Test func aFailingBuildGivesItsPermitBack() async throws {
        struct Failure: Error {}
        let gate = PageGate(permits: 1)
        await #expect(throws: Failure.self) { try await gate.run { throw Failure() } }
        #expect(try await gate.run { 7 } == 7, "the permit came back")
    }
}
