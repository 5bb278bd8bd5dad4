import Foundation
import GRDB
@testable import ReaderStore
import Testing

/// `reader_rank`, the store's bm25 that counts each term's articles only up to a cap.
@Suite struct SearchRankTests {
    /// 2,500 articles: "harbour" in every one (its count stops at the cap and is estimated),
    /// "ferry" in every tenth, "lantern" in every fiftieth and once more in the title of a few.
    static func seeded() throws -> TestStore {
        let test = try TestStore()
        try test.seed((0..<2_500).map { index in
            var words = ["harbour", "morning", "report", "number", String(index)]
            if index % 10 == 0 { words.append("ferry") }
            if index % 50 == 0 { words += ["lantern", "ferry"] }
            words += Array(repeating: "filler", count: index % 7)
            return (title: index % 250 == 0 ? "Lantern night \(index)" : "Harbour log \(index)", text: words.joined(separator: " "))
        })
        return test
    }

    /// (rowid, reader_rank, bm25) of every article matching `match`, by rowid.
    static func ranks(_ test: TestStore, _ match: String, kinds: String) throws -> [(Int64, Double, Double)] {
        try test.store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT rowid, reader_rank(articles_fts, ?, 10.0, 4.0, 2.0, 1.0) AS ours,
                  bm25(articles_fts, 10.0, 4.0, 2.0, 1.0) AS theirs
                FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid
                """, arguments: [kinds, match]).map { ($0["rowid"], $0["ours"], $0["theirs"]) }
        }
    }

    @Test func wordsScoreAsBM25EvenPastTheCountCap() throws {
        let test = try Self.seeded()
        for (match, kinds) in [("\"ferry\"", "w"), ("\"harbour\"", "w"), ("\"harbour\" AND \"lantern\"", "ww"),
                               ("\"ferry\" OR \"lantern\"", "ww"), ("\"harbour\" NOT \"ferry\"", "ww")] {
            let ranks = try Self.ranks(test, match, kinds: kinds)
            #expect(!ranks.isEmpty, "\(match)")
            for (rowid, ours, theirs) in ranks {
                #expect(abs(ours - theirs) <= 1e-9 * max(1, abs(theirs)), "\(match) row \(rowid): \(ours) vs bm25 \(theirs)")
            }
        }
    }

    @Test func aPrefixRanksAsBM25RanksItWithoutBeingCounted() throws {
        let test = try Self.seeded()
        let ranks = try Self.ranks(test, "\"lant\" *", kinds: "p")
        #expect(ranks.count == 50)
        let ours = ranks.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.0)
        let theirs = ranks.sorted { ($0.2, $0.0) < ($1.2, $1.0) }.map(\.0)
        #expect(ours == theirs)
        // Weighted as a word in one article in a hundred, not by its 50 articles of 2,500.
        #expect(try test.count("SELECT count(*) FROM articles") == 2_500)
        let idf = SearchRank.idf(hits: 25, rows: 2_500)
        let bm25IDF = SearchRank.idf(hits: 50, rows: 2_500)
        for (_, ours, theirs) in ranks {
            #expect(abs(ours / theirs - idf / bm25IDF) < 1e-9)
        }
    }

    @Test func aPhraseRanksAsBM25RanksItWithoutBeingCounted() throws {
        let test = try Self.seeded()
        let ranks = try Self.ranks(test, "\"lantern ferry\"", kinds: "w")
        #expect(ranks.count == 50)
        let ours = ranks.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.0)
        let theirs = ranks.sorted { ($0.2, $0.0) < ($1.2, $1.0) }.map(\.0)
        #expect(ours == theirs)
        let ratio = SearchRank.idf(hits: 25, rows: 2_500) / SearchRank.idf(hits: 50, rows: 2_500)
        for (_, ours, theirs) in ranks {
            #expect(abs(ours / theirs - ratio) < 1e-9)
        }
    }

    @Test func countsPastTheCapAreEstimatedFromHowFarTheyGot() {
        #expect(SearchRank.estimatedHits(count: 12, first: 5, last: 900, rows: 1_000) == 12)
        let cap = SearchRank.countCap
        // The cap reached halfway through the row ids: about twice the cap in all.
        #expect(SearchRank.estimatedHits(count: cap, first: 1, last: 2 * cap, rows: 4 * cap) == Double(2 * cap))
        // Never more than every row.
        #expect(SearchRank.estimatedHits(count: cap, first: 1, last: cap, rows: cap / 2) == Double(cap / 2))
        // Row ids spread wider than the rows (pruned articles leave gaps): never fewer than counted.
        #expect(SearchRank.estimatedHits(count: cap, first: 1, last: 4 * cap, rows: 2 * cap) == Double(cap))
    }

    @Test func theStoreRanksWithItAndKindsFollowThePhrases() throws {
        #expect(try SearchQuery("lant* harbour -ferry title:log OR dock*").phraseKinds == "pwwpw")
        let test = try Self.seeded()
        let hits = try test.store.search("lantern", limit: 5)
        #expect(hits.map(\.title).allSatisfy { $0.hasPrefix("Lantern night") })
        // 50 matches, fewer than the window: all of them ranked.
        let expected = try Self.ranks(test, "\"lantern\"", kinds: "w").map(\.1).sorted().prefix(5)
        #expect(hits.map(\.score) == Array(expected))
    }
}
