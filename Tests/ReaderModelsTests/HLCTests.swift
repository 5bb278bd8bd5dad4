import ReaderModels
import Testing

@Suite struct HLCTests {
    @Test func textFormSortsLikeTheValue() throws {
        let stamps = [
            HLC(wallMillis: 5, counter: 0, node: "b"), HLC(wallMillis: 5, counter: 0, node: "a"),
            HLC(wallMillis: 1_764_000_000_000, counter: 2, node: "a"), HLC(wallMillis: 5, counter: 17, node: "a"),
            HLC(wallMillis: 40, counter: 0, node: "a"),
        ]
        #expect(stamps.sorted().map(\.description) == stamps.map(\.description).sorted())
        for stamp in stamps { #expect(HLC(stamp.description) == stamp) }
        #expect(HLC("garbage") == nil)
        #expect(HLC(wallMillis: 1_764_000_000_000, counter: 255, node: "dev").description == "0001764000000000-00ff-dev")
    }

    @Test func tickIsMonotonicEvenWhenTheWallClockGoesBack() {
        var clock = HybridClock(node: "a")
        var last = HLC.zero
        for wall: Int64 in [100, 100, 100, 90, 50, 101, 101, 200] {
            let stamp = clock.tick(wallMillis: wall)
            #expect(stamp > last)
            last = stamp
        }
        #expect(last == HLC(wallMillis: 200, counter: 0, node: "a"))
    }

    @Test func receivingAStampFromTheFutureMovesPastIt() {
        var fast = HybridClock(node: "fast")
        var slow = HybridClock(node: "slow")
        // The fast device's clock is six hours ahead.
        let sixHours: Int64 = 6 * 3600 * 1000
        let remote = fast.tick(wallMillis: 1_000_000 + sixHours)
        slow.receive(remote, wallMillis: 1_000_000)
        let reply = slow.tick(wallMillis: 1_000_001)
        #expect(reply > remote, "a causally later event orders after what it has seen")
    }

    @Test func counterCarriesIntoTheNextMillisecond() {
        var clock = HybridClock(node: "a", last: HLC(wallMillis: 10, counter: 0xFFFF, node: "a"))
        let next = clock.tick(wallMillis: 10)
        #expect(next == HLC(wallMillis: 11, counter: 0, node: "a"))
    }

    /// Same inputs, any order of arrival: every replica ends on the same largest stamp.
    @Test func receiveIsOrderIndependentForTheMaximum() {
        let stamps = (0..<20).map { HLC(wallMillis: Int64(($0 * 7919) % 101), counter: $0 % 3, node: "n\($0 % 4)") }
        var forward = HybridClock(node: "x")
        var backward = HybridClock(node: "x")
        for stamp in stamps { forward.receive(stamp, wallMillis: 0) }
        for stamp in stamps.reversed() { backward.receive(stamp, wallMillis: 0) }
        #expect(forward.last > stamps.max()!)
        #expect(backward.last > stamps.max()!)
        #expect(forward.last.wallMillis == backward.last.wallMillis)
    }
}
