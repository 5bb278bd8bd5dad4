import ReaderSync
import Testing

/// The line a terminal shows during a sync, as a pure function of counts and time.
@Suite struct ProgressLineTests {
    @Test func aKnownTotalDrawsABarWithCountPercentageAndRate() {
        let line = ProgressLine.render(.pulling(changes: 12_000, pages: 60, remaining: 23_800), elapsed: .seconds(5))
        #expect(line == "pulling [########................] 12000/35800 changes  33%  2400/s")
    }

    @Test func anUnknownTotalShowsTheCountAndPagesAsBefore() {
        let line = ProgressLine.render(.pulling(changes: 35_800, pages: 179, remaining: nil), elapsed: .seconds(20))
        #expect(line == "pulling 35800 changes (179 pages)  1790/s")
        #expect(ProgressLine.render(.pulling(changes: 1, pages: 1, remaining: nil), elapsed: .zero) == "pulling 1 change (1 page)")
    }

    @Test func theEndFillsTheBar() {
        let line = ProgressLine.render(.pushing(sent: 40, total: 40), elapsed: .milliseconds(16_000))
        #expect(line == "pushing [########################] 40/40 mutations  100%  2.5/s")
        #expect(ProgressLine.render(.pulling(changes: 7, pages: 1, remaining: 0), elapsed: .zero) == "pulling [########################] 7/7 changes  100%")
    }

    @Test func noRateBeforeATenthOfASecondAndNoBarPastItsEnd() {
        #expect(ProgressLine.render(verb: "pushing", done: 0, total: 10, unit: "mutations", elapsed: .seconds(3))
            == "pushing [........................] 0/10 mutations  0%")
        #expect(ProgressLine.render(verb: "refreshing", done: 3, total: 12, unit: "feeds", elapsed: .milliseconds(50))
            == "refreshing [######..................] 3/12 feeds  25%")
        #expect(ProgressLine.render(verb: "pulling", done: 12, total: 10, unit: "changes", elapsed: .seconds(1))
            == "pulling [########################] 12/10 changes  100%  12/s")
    }

    @Test func resyncDrawsASentenceAndTheEndNothing() {
        #expect(ProgressLine.render(.resyncing, elapsed: .zero)?.hasPrefix("the server no longer has") == true)
        #expect(ProgressLine.render(.finished(SyncReport()), elapsed: .seconds(1)) == nil)
    }
}
