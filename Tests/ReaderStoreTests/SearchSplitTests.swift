import Foundation
import GRDB
@testable import ReaderStore
import Testing

/// A search of several words over a large library runs in two halves at once (`SearchPlan`):
/// it must answer exactly what the one statement answers.
@Suite struct SearchSplitTests {
    /// Over 2,500 articles split at every size (a span of 2 row ids), the same hits, scores
    /// and snippets as unsplit, for phrases and word pairs with more matches than the window
    /// ("harbour morning" is in every article), a few, or none, and notes ranked among them;
    /// sync and async alike.
    @Test func aSplitSearchAnswersAsOneStatementDoes() async throws {
        let test = try SearchRankTests.seeded()
        try Self.addNotes(test)
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
        #expect(splitOnes == 9)
        #expect(try test.store.search(SearchQuery("harbour ferry"), limit: 2_500, highlight: ("", ""), splitSpan: 2)
            .contains { $0.kind == .note })
        // "harbour morning" matches all 2,500 articles: the window keeps the newest 2,000, and
        // the three notes are ranked beside them.
        let all = try test.store.search(SearchQuery("\"harbour morning\""), limit: 2_500, highlight: ("", ""), splitSpan: 2)
        #expect(all.count == ReaderStore.searchRankWindow + 3)
    }

    /// Over 4,500 articles the newer half alone fills the window for a phrase in every article
    /// and a word pair in every other one, so the older half is told to stop (whether or not
    /// it had finished): still the same hits.
    @Test func aSearchWhoseNewerHalfFillsTheWindowAnswersAsOneStatementDoes() async throws {
        let test = try TestStore()
        _ = try test.seed((0..<4_500).map { index in
            let words = ["quay", "evening", "bulletin", String(index)] + (index % 2 == 0 ? ["tide"] : [])
            return (title: "Quay note \(index)", text: words.joined(separator: " ") + String(repeating: " pad", count: index % 5))
        })
        try Self.addNotes(test, body: "quay evening bulletin tide")
        let halves = try #require(try await test.store.pool.read { db in
            try SearchPlan(db, SearchQuery("\"quay evening\"")).halves(db, splitSpan: 2)
        })
        #expect(halves.newer.count > ReaderStore.searchRankWindow)
        for query in ["\"quay evening\"", "quay tide", "\"evening bulletin\" tide"] {
            let parsed = try SearchQuery(query)
            for limit in [20, 2_500] {
                let whole = try test.store.search(parsed, limit: limit, highlight: ("[", "]"), splitSpan: .max)
                #expect(try test.store.search(parsed, limit: limit, highlight: ("[", "]"), splitSpan: 2) == whole, "\(query)")
                #expect(try await test.store.async.search(parsed, limit: limit, highlight: ("[", "]"), splitSpan: 2) == whole,
                        "\(query), async")
                #expect(whole.count == min(limit, ReaderStore.searchRankWindow + 3), "\(query)")
            }
        }
    }

    /// An article deleted after the halves ranked it, before the hits are read, makes the
    /// hits search again as one statement: the answer is still `limit` hits, the live ones.
    @Test func anArticleDeletedBetweenTheReadsIsNotMissedFromTheHits() throws {
        let test = try SearchRankTests.seeded()
        let parsed = try SearchQuery("harbour lantern")
        let (plan, halves) = try test.store.pool.read { db in
            let plan = try SearchPlan(db, parsed)
            return try (plan, #require(try plan.halves(db, splitSpan: 2)))
        }
        let stop = SearchStop()
        let ranks = try test.store.pool.read { db in
            try ReaderStore.best(ReaderStore.window(newer: ReaderStore.newerRanks(db, plan, halves, stop: stop),
                                                   older: ReaderStore.olderRanks(db, plan, halves, stop: stop)), limit: 10)
        }
        #expect(ranks.count == 10)
        let deleted = try test.store.pool.write { db in
            let id = try String.fetchOne(db, sql: "SELECT id FROM articles WHERE seq = ?", arguments: [ranks[3].rowid])
            try db.execute(sql: "DELETE FROM articles WHERE seq = ?", arguments: [ranks[3].rowid])
            return id
        }
        #expect(deleted != nil)
        let hits = try test.store.pool.read { db in
            try ReaderStore.splitHits(db, plan, articleRanks: ranks, limit: 10, highlight: ("[", "]"))
        }
        #expect(hits.count == 10)
        #expect(hits == (try test.store.search(parsed, limit: 10, highlight: ("[", "]"), splitSpan: .max)))
        #expect(!hits.contains { $0.articleID == deleted })
    }

    /// Notes on the first three articles, so that searches rank notes beside articles.
    static func addNotes(_ test: TestStore, body: String = "harbour morning ferry lantern report") throws {
        let ids = try test.store.pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM articles ORDER BY seq LIMIT 3") }
        for (index, id) in ids.enumerated() { _ = try test.store.addNote(articleID: id, body: body + " \(index)") }
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
        for query in ["harbour", "lant*", "ferry OR lantern", "\"harbour\"", "c++"] {
            let parsed = try SearchQuery(query)
            #expect(!parsed.needsSeveralWords, "\(query)")
            #expect(try test.store.pool.read { db in try SearchPlan(db, parsed).halves(db, splitSpan: 2) } == nil)
        }
        for query in ["harbour -ferry", "-ferry harbour*", "e-mail", "\"harbour morning\"", "harbour ferry OR lantern"] {
            #expect(try SearchQuery(query).needsSeveralWords, "\(query)")
        }
        let none = try test.store.pool.read { db in
            try ReaderStore.startSearch(db, SearchQuery("harbour ferry"), limit: 0, highlight: ("", ""), splitSpan: 2)
        }
        #expect(none.hits.isEmpty)
        if case .split = none { Issue.record("a search for no hits was split") }
        let parsed = try SearchQuery("harbour ferry")
        #expect(try test.store.pool.read { db in try SearchPlan(db, parsed).halves(db, splitSpan: SearchPlan.splitSpan) } == nil)
        let halves = try #require(try test.store.pool.read { db in try SearchPlan(db, parsed).halves(db, splitSpan: 2_500) })
        #expect(halves.older.lowerBound == 1 && halves.newer.upperBound == 2_500)
        #expect(halves.older.upperBound + 1 == halves.newer.lowerBound)
        #expect(try test.store.pool.read { db in try SearchPlan(db, parsed).halves(db, splitSpan: 2_501) } == nil)
    }
}
