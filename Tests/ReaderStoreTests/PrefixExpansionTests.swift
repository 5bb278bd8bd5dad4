import Foundation
import GRDB
@testable import ReaderStore
import Testing

/// `word*` in an article search is expanded into the indexed words it starts
/// (`PrefixExpansion`): the results must be those of FTS5's own prefix query.
@Suite struct PrefixExpansionTests {
    static let articles: [(title: String, text: String)] = [
        ("Market day", "Stalls fill the square before the market bell."),
        ("Marked trail", "The path up the hill is marked with white posts."),
        ("A remark", "Someone made a remark about the weather."),
        ("Marker pens", "The school ordered marker pens and a mark sheet."),
        ("Marl pits", "Old marl pits flooded and became ponds."),
        ("Harbour log", "The harbour master keeps a log; the marina is full."),
    ]

    /// The ids FTS5's own prefix query finds, newest first.
    static func unexpanded(_ test: TestStore, _ query: String) throws -> Set<String> {
        let parsed = try SearchQuery(query)
        return try test.store.read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT a.id FROM articles_fts f JOIN articles a ON a.seq = f.rowid WHERE articles_fts MATCH ?
                """, arguments: [parsed.fts]))
        }
    }

    @Test func aPrefixBecomesTheIndexedWordsItStarts() throws {
        let test = try TestStore()
        _ = try test.seed(Self.articles)
        let words = try test.store.read { db in try PrefixExpansion.words(db, for: SearchQuery("MARK*").clauses[0][0]) }
        #expect(words == ["mark", "marked", "marker", "market"])
        let expanded = try test.store.read { db in try SearchQuery("mark*").fts(expanding: { try? PrefixExpansion.words(db, for: $0) }) }
        #expect(expanded == #"("mark" OR "marked" OR "marker" OR "market")"#)
    }

    @Test func searchesFindWhatFTS5sOwnPrefixFinds() throws {
        let test = try TestStore()
        let ids = try test.seed(Self.articles)
        for query in ["mark*", "MAR*", "title:mark*", "mar* -mark*", "marl* OR harb*", "pe* mark*", "remark*", "ma* NOT title:marl*"] {
            let found = Set(try test.store.search(query, limit: 50).filter { $0.kind == .article }.map(\.id))
            #expect(found == (try Self.unexpanded(test, query)), "\(query)")
            #expect(!found.isEmpty, "\(query)")
        }
        #expect(Set(try test.store.search("mark*").map(\.id)) == [ids[0], ids[1], ids[3]])
        #expect(Set(try test.store.search("title:mark*").map(\.id)) == [ids[0], ids[1], ids[3]])
        #expect(Set(try test.store.search("mar* -mark*").map(\.id)) == [ids[4], ids[5]])
    }

    @Test func prefixesThatWouldNotPayAreLeftToFTS5() throws {
        let test = try TestStore()
        // 4,001 words starting "zq" in one article: one more than the limit.
        let many = (0...PrefixExpansion.wordLimit).map { "zq\($0)" }.joined(separator: " ")
        let ids = try test.seed(Self.articles + [("Many words", many), ("Crème", "Crèmerie and crémant on the quay.")])
        func words(_ query: String) throws -> [String]? {
            let term = try SearchQuery(query).clauses[0][0]
            return try test.store.read { db in try PrefixExpansion.words(db, for: term) }
        }
        for query in ["m*", "zq*", "crè*", "mark-ed*", "nothingstartsthis*"] {
            let found = try words(query)
            #expect(found == nil, "\(query)")
        }
        #expect(try words("zq399*")?.count == 11)
        // Each is still answered, by FTS5's own prefix.
        #expect(try test.store.search("zq*").map(\.id) == [ids[6]])
        #expect(try test.store.search("crè*").map(\.id) == [ids[7]])
        #expect(try test.store.search("nothingstartsthis*").isEmpty)
        #expect(Set(try test.store.search("m*", limit: 50).map(\.id)) == (try Self.unexpanded(test, "m*")))
    }

    @Test func expandedWordsAreWeighedAsPrefixes() throws {
        let query = try SearchQuery("harbour mark* -marl*")
        let kinds = query.phraseKinds(expanding: { $0.text == "mark" ? ["mark", "market"] : nil })
        #expect(kinds == "wp+p")
        #expect(query.fts(expanding: { $0.text == "mark" ? ["mark", "market"] : nil })
            == #""harbour" AND ("mark" OR "market") NOT "marl" *"#)
    }

    /// The words of one expanded prefix are scored together: a query of one prefix ranks as
    /// bm25 ranks FTS5's own prefix, every score scaled alike by the prefix's weight.
    @Test func anExpandedPrefixRanksAsBM25RanksThePrefix() throws {
        let test = try TestStore()
        _ = try test.seed((0..<60).map { index in
            let words = ["lantern", "lanterns", "lanternfish"].enumerated().flatMap { kind, word in
                Array(repeating: word, count: (index / (kind + 1)) % 4)
            }
            return (title: "Quay \(index)", text: (words + ["quay", "night"] + Array(repeating: "filler", count: index % 5)).joined(separator: " "))
        })
        let expanded = try SearchQuery("lant*")
        let words = try test.store.read { db in try PrefixExpansion.expansions(db, expanded) }
        #expect(words.values.first == ["lantern", "lanternfish", "lanterns"])
        func ranks(kinds: String) throws -> [(Int64, Double, Double)] {
            try test.store.pool.read { db in try Row.fetchAll(db, sql: """
                SELECT e.rowid, e.ours, b.theirs FROM (
                  SELECT rowid, reader_rank(articles_fts, ?, 10.0, 4.0, 2.0, 1.0) AS ours FROM articles_fts WHERE articles_fts MATCH ?
                ) e JOIN (
                  SELECT rowid, bm25(articles_fts, 10.0, 4.0, 2.0, 1.0) AS theirs FROM articles_fts WHERE articles_fts MATCH ?
                ) b ON b.rowid = e.rowid ORDER BY e.rowid
                """, arguments: [kinds, expanded.fts(expanding: { words[$0] }), expanded.fts])
                .map { row -> (Int64, Double, Double) in (row[0], row[1], row[2]) }
            }
        }
        let kinds = expanded.phraseKinds(expanding: { words[$0] })
        #expect(kinds == "p++")
        let rows = try ranks(kinds: kinds)
        let matching = try Self.unexpanded(test, "lant*").count
        #expect(rows.count == matching)
        #expect(rows.count > 30)
        let ratio = rows[0].1 / rows[0].2
        for (rowid, ours, theirs) in rows {
            #expect(abs(ours / theirs - ratio) < 1e-9, "row \(rowid): \(ours) against bm25 \(theirs)")
        }
        // Scored as three prefixes, an article holding two of the words scores otherwise.
        let apart = try ranks(kinds: "ppp")
        let apartRatio = apart[0].1 / apart[0].2
        #expect(apart.contains { row in abs(row.1 / row.2 - apartRatio) > 1e-6 })
    }

    /// `IndexWords` reads the words off the index's leaf pages instead of asking `fts5vocab`;
    /// over several segments, lists that span pages, and deleted articles it must give every
    /// word `fts5vocab` gives, and nothing more than words that match no article.
    @Test func wordsReadOffTheIndexPagesAreFTS5vocabs() throws {
        let test = try TestStore()
        let syllables = ["ma", "mar", "ket", "st", "ate", "ion", "lo", "ver", "qu", "ay", "zed", "ri", "nu"]
        var ids: [String] = []
        // One transaction a batch: each leaves a segment until FTS5 merges eight of them.
        for batch in 0..<11 {
            ids += try test.seed((0..<40).map { index in
                // Words of one to three syllables, the same every run, many shared by a prefix.
                let words = (0..<30).map { k in
                    let n = batch * 1_000 + index * 31 + k * 7
                    return (0...(n % 3)).map { syllables[(n / 3 + $0 * 5 + k) % syllables.count] }.joined()
                }
                // "state" in every article: its list spans pages.
                return (title: "Batch \(batch) item \(index)", text: (words + ["state", "marker\(batch)x\(index)"]).joined(separator: " "))
            })
        }
        try test.store.pool.write { db in
            try db.execute(sql: "DELETE FROM articles WHERE id IN (\(ids.prefix(60).map { "'\($0)'" }.joined(separator: ",")))")
        }
        try test.store.read { db in
            let structure = try #require(try Data.fetchOne(db, sql: "SELECT block FROM articles_fts_data WHERE id = 10"))
            let segments = IndexWords.segments(Array(structure))
            #expect((segments?.count ?? 0) > 1)
            var compared = 0
            for prefix in ["ma", "mar", "mark", "marker1", "st", "sta", "state", "qu", "ri", "ve", "zz", "a", "0", "batch"] {
                var end = Array(prefix.utf8)
                end[end.count - 1] += 1
                let upper = String(decoding: end, as: UTF8.self)
                let vocabulary = try String.fetchAll(db, sql: "SELECT term FROM temp.articles_vocabulary WHERE term >= ? AND term < ?",
                                                     arguments: [prefix, upper])
                guard case .words(let words) = try IndexWords.words(db, from: prefix, to: upper, limit: 100_000) else {
                    Issue.record("\(prefix): not read off the pages")
                    continue
                }
                #expect(Set(vocabulary).isSubset(of: words), "\(prefix)")
                compared += vocabulary.count
                #expect(words == words.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, "\(prefix)")
                for extra in Set(words).subtracting(vocabulary) {
                    let matches = try Int.fetchOne(db, sql: "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", arguments: ["\"\(extra)\""])
                    #expect(matches == 0, "\(prefix): \(extra)")
                }
            }
            #expect(compared > 100)
            #expect(try IndexWords.words(db, from: "state", to: "statf", limit: 10) == .words(["state"]))
            guard case .words(let markers) = try IndexWords.words(db, from: "marker1", to: "marker2", limit: 1_000) else {
                Issue.record("marker1: not read off the pages")
                return
            }
            // marker1x… and marker10x…: the 20 of batch 1 not deleted (the first 60 articles were
            // batch 0 and half of 1) and the 40 of batch 10; a deleted one may remain until a merge.
            let live = Set((20..<40).map { "marker1x\($0)" } + (0..<40).map { "marker10x\($0)" })
            #expect(live.isSubset(of: markers))
            #expect(markers.count <= 80)
            #expect(try IndexWords.words(db, from: "ma", to: "mb", limit: 3) == .tooMany)
        }
    }

    @Test func pagesThatDoNotParseAreLeftToFTS5vocab() {
        #expect(IndexWords.segments([0xFF, 0xFF, 0xFF, 0xFF, 1, 1, 1]) == nil)
        #expect(IndexWords.segments([0, 0, 0, 1, 0x80]) == nil)
        #expect(IndexWords.pageWords([0, 0, 0, 2]) == nil)
        #expect(IndexWords.pageWords([0, 0, 0, 5, 9, 4]) == nil)
        #expect(IndexWords.pageWords([0, 0, 0, 7, 2, 0x61, 0x62, 4]).map { $0.map(Array.init) } == [[0x61, 0x62]])
    }

    @Test func notesKeepFTS5sPrefix() throws {
        let test = try TestStore()
        let ids = try test.seed(Self.articles)
        let note = try test.store.addNote(articleID: ids[5], body: "Marzipan from the stall by the pier", quote: nil)
        let hits = try test.store.search("marz*")
        #expect(hits.map(\.id) == [note.id])
    }
}
