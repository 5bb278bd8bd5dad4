import Foundation
@testable import ReaderStore
import Testing

@Suite struct SearchTests {
    static let articles: [(title: String, text: String)] = [
        ("Lighthouse keepers return", "After forty years the island lighthouse has keepers again. The council hired two."),
        ("Council budget", "The council approved the budget. A line for the lighthouse was cut; keepers unaffected."),
        ("Bakery opens on Quay Street", "A bakery with a wood oven opened beside the ferry terminal. Rye loaves sold out."),
        ("Café culture", "Cafés along the quay stay open late in summer, serving crème brûlée and espresso."),
    ]

    @Test func titleMatchesRankAboveBodyMatches() throws {
        let test = try TestStore()
        let ids = try test.seed(Self.articles)
        let hits = try test.store.search("lighthouse")
        #expect(hits.map(\.id) == [ids[0], ids[1]])
        #expect(hits[0].score < hits[1].score)
        #expect(hits[0].snippet == "**Lighthouse** keepers return")
        #expect(hits[1].snippet.contains("**lighthouse**"))
    }

    @Test func allWordsMustMatchAndPhrasesAreExact() throws {
        let test = try TestStore()
        let ids = try test.seed(Self.articles)
        #expect(try test.store.search("council budget").map(\.id) == [ids[1]])
        #expect(try test.store.search("\"wood oven\"").map(\.id) == [ids[2]])
        #expect(try test.store.search("\"oven wood\"").isEmpty)
    }

    @Test func orPrefixAndExclusionWork() throws {
        let test = try TestStore()
        let ids = try test.seed(Self.articles)
        #expect(Set(try test.store.search("bakery OR espresso").map(\.id)) == [ids[2], ids[3]])
        #expect(Set(try test.store.search("light*").map(\.id)) == [ids[0], ids[1]])
        #expect(try test.store.search("lighthouse -budget").map(\.id) == [ids[0]])
        #expect(try test.store.search("lighthouse NOT budget").map(\.id) == [ids[0]])
    }

    @Test func accentsAndCaseDoNotMatter() throws {
        let test = try TestStore()
        let ids = try test.seed(Self.articles)
        #expect(try test.store.search("CREME brulee").map(\.id) == [ids[3]])
        #expect(try test.store.search("cafe").map(\.id) == [ids[3]])
    }

    @Test func notesAreFoundByTextAndQuoteAndDeletedOnesAreNot() throws {
        let test = try TestStore()
        let ids = try test.seed(Self.articles)
        let note = try test.store.addNote(articleID: ids[2], body: "Try the sourdough on Saturday", quote: "Rye loaves sold out")
        var hits = try test.store.search("sourdough")
        #expect(hits.map(\.kind) == [.note])
        #expect(hits.first?.id == note.id)
        #expect(hits.first?.articleID == ids[2])
        #expect(hits.first?.title == "Bakery opens on Quay Street")
        hits = try test.store.search("loaves")
        #expect(Set(hits.map(\.kind)) == [.note, .article])
        try test.store.deleteNote(id: note.id)
        #expect(try test.store.search("sourdough").isEmpty)
    }

    @Test func editedTextIsReindexed() throws {
        let test = try TestStore()
        let ids = try test.seed(Self.articles)
        let note = try test.store.addNote(articleID: ids[0], body: "remember the foghorn")
        try test.store.editNote(id: note.id, body: "remember the beacon")
        #expect(try test.store.search("foghorn").isEmpty)
        #expect(try test.store.search("beacon").map(\.id) == [note.id])
    }

    /// Input that is FTS5 syntax, or broken syntax, is searched as text or refused in words.
    @Test(arguments: [
        "\"unbalanced lighthouse", "lighthouse\"", "AND lighthouse", "lighthouse OR", "NOT", "(lighthouse",
        "lighthouse)", "title:lighthouse", "lighthouse*", "*", "-", "NEAR(lighthouse keepers)", "lighthouse^",
        "\"\"", "keepers + council", "' OR 1=1 --", "lighthouse AND AND", "{title}: x", "ünïcödé",
    ])
    func hostileQueriesNeverReachSQLiteAsSyntax(query: String) throws {
        let test = try TestStore()
        try test.seed(Self.articles)
        do {
            _ = try test.store.search(query)
        } catch let error as StoreError {
            guard case .invalidSearch(let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(!reason.lowercased().contains("fts5"))
            #expect(!reason.lowercased().contains("syntax"))
        }
    }

    @Test func queriesWithNoWordsAreRefusedInWords() throws {
        let test = try TestStore()
        #expect(throws: StoreError.invalidSearch("the query has no words to search for")) { try test.store.search("  ()*  ") }
        #expect(throws: StoreError.invalidSearch("a query needs at least one word that is not excluded")) {
            try test.store.search("-lighthouse")
        }
    }

    @Test func brokenSyntaxIsSearchedAsText() throws {
        let test = try TestStore()
        let ids = try test.seed(Self.articles)
        #expect(try test.store.search("\"wood oven").map(\.id) == [ids[2]])
        #expect(try test.store.search("title:bakery").map(\.id) == [ids[2]])
        #expect(try test.store.search("title:council").map(\.id) == [ids[1]], "a column filter keeps title matches only")
        #expect(try test.store.search("colour:bakery").isEmpty, "an unknown column is text: no article says colour")
        #expect(try test.store.search("(lighthouse) AND keepers").count == 2)
    }

    @Test func snippetsShowAWindowAroundTheFirstMatch() throws {
        let test = try TestStore()
        let words = (1...60).map { "word\($0)" }.joined(separator: " ")
        try test.seed([("Long read", words + " Crème brûlée at last. " + words)])
        let hit = try #require(try test.store.search("creme").first)
        #expect(hit.snippet == "…word58 word59 word60 **Crème** brûlée at last. word1 word2 word3 word4 word5 word6 word7 word8 word9…")
        let prefix = try #require(try test.store.search("brul*").first)
        #expect(prefix.snippet.contains("**brûlée**"))
    }

    @Test func searchQueryBuildsQuotedFTS() throws {
        #expect(try SearchQuery("a OR b c -d").fts == #"("a" OR "b") AND "c" NOT "d""#)
        #expect(try SearchQuery("say \"hi\"\"").fts == #""say" AND "hi""#)
        #expect(try SearchQuery("pre*").fts == #""pre" *"#)
        #expect(try SearchQuery("author:ruiz ferry").fts == #"{author} : "ruiz" AND "ferry""#)
        #expect(try SearchQuery("author:ruiz ferry").hasColumnFilter)
    }
}
