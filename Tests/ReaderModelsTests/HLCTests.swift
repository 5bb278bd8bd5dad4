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

    @Test func receivingAStampFromTheFutureMovesPastIt() throws {
        var fast = HybridClock(node: "fast")
        var slow = HybridClock(node: "slow")
        // The fast device's clock is six hours ahead.
        let sixHours: Int64 = 6 * 3600 * 1000
        let remote = fast.tick(wallMillis: 1_000_000 + sixHours)
        try slow.receive(remote, wallMillis: 1_000_000)
        let reply = slow.tick(wallMillis: 1_000_001)
        #expect(reply > remote, "a causally later event orders after what it has seen")
    }

    @Test func counterCarriesIntoTheNextMillisecond() {
        var clock = HybridClock(node: "a", last: HLC(wallMillis: 10, counter: 0xFFFF, node: "a"))
        let next = clock.tick(wallMillis: 10)
        #expect(next == HLC(wallMillis: 11, counter: 0, node: "a"))
    }

    /// Same inputs, any order of arrival: every replica ends on the same largest stamp.
    @Test func receiveIsOrderIndependentForTheMaximum() throws {
        let stamps = (0..<20).map { HLC(wallMillis: Int64(($0 * 7919) % 101), counter: $0 % 3, node: "n\($0 % 4)") }
        var forward = HybridClock(node: "x")
        var backward = HybridClock(node: "x")
        for stamp in stamps { try forward.receive(stamp, wallMillis: 0) }
        for stamp in stamps.reversed() { try backward.receive(stamp, wallMillis: 0) }
        #expect(forward.last > stamps.max()!)
        #expect(backward.last > stamps.max()!)
        #expect(forward.last.wallMillis == backward.last.wallMillis)
    }

    /// Every stamp, however it was made, has a text form that parses back to it.
    @Test func everyStampsTextFormParsesBack() throws {
        let stamps = [
            HLC(wallMillis: .max, counter: .max, node: "x"), HLC(wallMillis: .min, counter: .min, node: "x"),
            HLC(wallMillis: HLC.maxWallMillis + 1, counter: HLC.maxCounter + 1, node: "x"),
            HLC(wallMillis: 1, counter: 1, node: "nul\u{0}inside"), HLC(wallMillis: 1, counter: 1, node: String(repeating: "n", count: 500)),
            HLC(wallMillis: 1, counter: 1, node: "Å space\u{7F}"), .zero,
        ]
        for stamp in stamps {
            let text = stamp.description
            #expect(text.utf8.count <= 22 + HLC.maxNodeBytes)
            #expect(HLC(text) == stamp, "\(text) parses back")
        }
        #expect(HLC(wallMillis: .max, counter: .max, node: "x").description == "9999999999999999-ffff-x")
        #expect(HLC(wallMillis: -5, counter: -1, node: "x").description == "0000000000000000-0000-x")
        #expect(HLC(wallMillis: 1, counter: 1, node: "nul\u{0}Å").node == "nul__")
    }

    @Test func parsingRefusesAnythingButTheCanonicalForm() {
        let refused = [
            "10000000000000000-0002-server", // 17 digits: what an overflowed clock printed
            "-000000000000001-0000-x", "+000000000000001-0000-x", "000000000000001 -0000-x",
            "0000000000000001--fff-x", "0000000000000001-+fff-x", "0000000000000001-00FF-x", "0000000000000001-0000x",
            "0000000000000001-0000-keep\u{0}cut", "0000000000000001-0000-two words", "0000000000000001-0000-Å",
            "0000000000000001-0000-" + String(repeating: "n", count: HLC.maxNodeBytes + 1),
            "٠٠٠٠٠٠٠٠٠٠٠٠٠٠٠١-0000-x", "",
        ]
        for text in refused { #expect(HLC(text) == nil, "\(text.debugDescription) is refused") }
        #expect(HLC("9999999999999999-ffff-x") == HLC(wallMillis: HLC.maxWallMillis, counter: HLC.maxCounter, node: "x"))
        #expect(HLC("0000000000000001-0000-" + String(repeating: "n", count: HLC.maxNodeBytes)) != nil)
    }

    /// At the largest stamp the clock stays put: it never wraps to zero or to a form that
    /// does not parse.
    @Test func theClockSaturatesInsteadOfWrapping() throws {
        var clock = HybridClock(node: "a", last: HLC(wallMillis: HLC.maxWallMillis, counter: HLC.maxCounter - 1, node: "a"))
        let last = clock.tick(wallMillis: .max)
        #expect(last == HLC(wallMillis: HLC.maxWallMillis, counter: HLC.maxCounter, node: "a"))
        for wall in [Int64.max, HLC.maxWallMillis, 0, .min] {
            let stamp = clock.tick(wallMillis: wall)
            #expect(stamp >= last)
            #expect(HLC(stamp.description) == stamp)
        }
        try clock.receive(HLC(wallMillis: HLC.maxWallMillis, counter: HLC.maxCounter, node: "z"), wallMillis: .max)
        #expect(HLC(clock.last.description) == clock.last)

        var fresh = HybridClock(node: "b")
        #expect(fresh.tick(wallMillis: -1_000) == HLC(wallMillis: 0, counter: 1, node: "b"))
        #expect(fresh.tick(wallMillis: .max).wallMillis == HLC.maxWallMillis)
    }

    /// A stamp further ahead of the receiver's clock than the bound is refused and the
    /// clock does not move; one at the bound is taken.
    @Test func receivingAStampBeyondTheBoundIsRefused() throws {
        let now: Int64 = 1_764_000_000_000
        var clock = HybridClock(node: "a")
        _ = clock.tick(wallMillis: now)
        let before = clock.last
        for remote in [
            HLC(wallMillis: now + HLC.maxLeadMillis + 1, counter: 0, node: "far"),
            HLC(wallMillis: HLC.maxWallMillis, counter: HLC.maxCounter, node: "x"),
        ] {
            #expect(throws: StampTooFarAhead(stamp: remote, wallMillis: now)) { try clock.receive(remote, wallMillis: now) }
            #expect(clock.last == before)
            #expect(remote.isTooFarAhead(of: now))
        }
        #expect(HLC(wallMillis: HLC.maxWallMillis, counter: 0, node: "x").isTooFarAhead(of: .min))
        let atBound = HLC(wallMillis: now + HLC.maxLeadMillis, counter: 3, node: "near")
        #expect(try clock.receive(atBound, wallMillis: now) > atBound)
        #expect(HLC.maxLeadMillis == 24 * 3_600_000)
    }

    /// A saved clock beyond the bound (adopted by an earlier version) is not resumed.
    @Test func aSavedClockBeyondTheBoundStartsAgainFromTheWallClock() {
        let now: Int64 = 1_764_000_000_000
        let saved = HLC(wallMillis: now + 3_600_000, counter: 4, node: "a")
        #expect(HybridClock(node: "a", resuming: saved, wallMillis: now).last == saved)
        var poisoned = HybridClock(node: "a", resuming: HLC("9999999999999999-ffff-a"), wallMillis: now)
        #expect(poisoned.tick(wallMillis: now) == HLC(wallMillis: now, counter: 0, node: "a"))
    }
}
