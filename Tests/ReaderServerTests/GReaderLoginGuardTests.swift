@testable import ReaderServer
import Synchronization
import Testing

/// The login guard's memory is bounded, and filling it does not open a closed name.
@Suite struct GReaderLoginGuardTests {
    @Test func aFullTableForgetsOpenNamesFirstAndKeepsClosedOnes() {
        let clock = ManualClock()
        let guardian = GReaderLoginGuard(nowMillis: { clock.millis })
        for _ in 0...GReaderLoginGuard.freeFailures { guardian.failed("ada") }
        #expect(guardian.wait(for: "ada") == 1)
        for index in 0..<GReaderLoginGuard.maxNames { guardian.failed("guess-\(index)") }
        #expect(guardian.wait(for: "ada") == 1, "a closed name stays closed when the table fills")
        for _ in 0..<GReaderLoginGuard.freeFailures { guardian.failed("late") }
        guardian.failed("late")
        #expect(guardian.wait(for: "late") == 1, "after the open names were forgotten there is room again")
        guardian.succeeded("ada")
        #expect(guardian.wait(for: "ada") == nil)
        clock.advance(days: 1)
        #expect(guardian.wait(for: "late") == nil)
    }
}
