import Foundation
import GRDB
@testable import ReaderStore
import Testing

/// A search of several words over a large library runs in two halves at once (`SearchPlan`):
/// it must answer exactly what the one statement answers.
@Suite struct SearchSplitTests {
    /// Over 2,500 articles split at every size (a span of 2 row ids), the same hits, scores
    /// and snippets as unsplit, for phrases and word pairs with more matches than the window
    /// ("harbour morning" is in every article), a few, or none; sync and async alike.
    @Test func aSplitSearchAnswersAsOneStatementDoes() async throws {
        let test = try SearchRankTests.seeded()
        let queries = ["\"harbour morning\"", "harbour ferry", "lantern ferry", "\"morning report\" lantern",
                       "\"filler filler\"", "ferry lant*", "title:night harbour", "\"report harbour\"", "harbour -ferry"]
        var splitOnes = 0
        for query in queries {
            let parsed = try SearchQuery(query)
            let halves = try await test.store.pool.read { db in try SearchPlan(db, parsed).halves(db, splitSpan: 2) }
            if parsed.needsSeveralWords {
                #expect(halves != nil, "\(query)")
                splitOnes += 1
            }
            for limit in [1, 20, 2_500] {
                let whole = try test.store.search(parsed, limit: limit, highlight: ("[", "]"), splitSpan: .max)
                let split = try test.store.search(parsed, limit: limit, highlight: ("[", "]"), splitSpan: 2)
                let splitAsync = try await test.store.async.search(parsed, limit: limit, highlight: ("[", "]"), splitSpan: 2)
                #expect(split == whole, "\(query) limit \(limit)")
                #expect(splitAsync == whole, "\(query) limit \(limit), async")
                if query != "\"report harbour\"" { #expect(!whole.isEmpty, "\(query)") }
            }
        }
        #expect(splitOnes == 8)
        // "harbour morning" matches all 2,500: the window keeps the newest 2,000.
        let all = try test.store.search(SearchQuery("\"harbour morning\""), limit: 2_500, highlight: ("", ""), splitSpan: 2)
        #expect(all.count == ReaderStore.searchRankWindow)
    }

    /// The window takes the newer half's matches, then the newest of the older half's.
    @Test func theWindowTakesTheNewerHalfFirst() {
        let window = ReaderStore.searchRankWindow
        func ranks(_ rowids: StrideTo<Int64>) -> [ReaderStore.ArticleRank] {
            rowids.map { ReaderStore.ArticleRank(rowid: $0, score: -Double($0 % 7)) }
        }
        let newer = ranks(stride(from: 5_000, to: 3_500, by: -1))  // 1,500, newest first
        let older = ranks(stride(from: 3_000, to: 0, by: -1))
        let merged = ReaderStore.window(newer: newer, older: older)
        #expect(merged.count == window)
        #expect(merged.map(\.rowid) == Array(stride(from: 5_000, to: 3_500, by: -1)) + Array(stride(from: 3_000, to: 2_500, by: -1)))
        #expect(ReaderStore.window(newer: ranks(stride(from: 9_000, to: 6_000, by: -1)), older: older).map(\.rowid)
                == Array(stride(from: 9_000, to: Int64(9_000 - window), by: -1)))
        #expect(ReaderStore.window(newer: [], older: Array(older.prefix(10))).count == 10)
        // Best first, ties by row id, as the statement's ORDER BY score, rowid.
        let best = ReaderStore.best(merged, limit: 5)
        #expect(best.map(\.score) == Array(repeating: -6, count: 5))
        #expect(best.map(\.rowid) == best.map(\.rowid).sorted())
    }

    /// A newer half that fills the window stops the older one, which then answers nothing
    /// and leaves its connection able to answer the next statement.
    @Test func aFullNewerHalfStopsTheOlderOne() throws {
        let test = try SearchRankTests.seeded()
        let parsed = try SearchQuery("\"harbour morning\"")
        try test.store.pool.read { db in
            let plan = try SearchPlan(db, parsed)
            let halves = try #require(try plan.halves(db, splitSpan: 2))
            let stop = SearchStop()
            #expect(try ReaderStore.newerRanks(db, plan, halves, stop: stop).count == 1_250)
            #expect(!stop.isStopped)
            #expect(try ReaderStore.olderRanks(db, plan, halves, stop: stop).count == 1_250)
            let all = SearchPlan.Halves(newer: 1...2_500, older: 1...1)
            #expect(try ReaderStore.newerRanks(db, plan, all, stop: stop).count == ReaderStore.searchRankWindow)
            #expect(stop.isStopped)
            #expect(try ReaderStore.olderRanks(db, plan, halves, stop: stop).isEmpty)
            #expect(try ReaderStore.windowRanks(db, plan, within: halves.older).count == 1_250)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM articles") == 2_500)
        }
    }

    /// A small library, or a query of one word or one prefix, is searched as one statement.
    @Test func oneWordsAndSmallLibrariesAreNotSplit() throws {
        let test = try SearchRankTests.seeded()
        for query in ["harbour", "lant*", "ferry OR lantern", "\"harbour\""] {
            let parsed = try SearchQuery(query)
            #expect(!parsed.needsSeveralWords, "\(query)")
            #expect(try test.store.pool.read { db in try SearchPlan(db, parsed).halves(db, splitSpan: 2) } == nil)
        }
        let parsed = try SearchQuery("harbour ferry")
        #expect(try test.store.pool.read { db in try SearchPlan(db, parsed).halves(db, splitSpan: SearchPlan.splitSpan) } == nil)
        let halves = try #require(try test.store.pool.read { db in try SearchPlan(db, parsed).halves(db, splitSpan: 2_500) })
        #expect(halves.older.lowerBound == 1 && halves.newer.upperBound == 2_500)
        #expect(halves.older.upperBound + 1 == halves.newer.lowerBound)
        #expect(try test.store.pool.read { db in try SearchPlan(db, parsed).halves(db, splitSpan: 2_501) } == nil)
    }
}
