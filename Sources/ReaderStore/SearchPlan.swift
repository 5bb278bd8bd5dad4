import GRDB
import GRDBSQLite
import Synchronization

/// What a search of the articles runs: its FTS5 expression with each prefix expanded
/// (`PrefixExpansion`), the phrase kinds `reader_rank` weighs it by, and whether to split it.
///
/// A query that needs several words in one article (two words, a phrase, a word and an
/// excluded one) finds its matches by stepping through each word's list of articles side
/// by side. When the words are common
/// and seldom together, the window of newest matches never fills and the lists are read to
/// their ends: at a million articles, `"water part"` stepped through 265,000 articles that
/// hold both for its 918 matches, 43 ms. Such a query over a large library is split at the
/// middle row id, and each half is searched on its own connection at once (`search` runs
/// the newer half on the caller's thread); the window is then what one statement would have
/// ranked. Python over the same database: the heaviest phrases took 0.55-0.6 of the time on
/// two cores. A query of one word or one prefix fills its window from its newest articles
/// and is not split, nor is a small library's.
///
/// The plan, the halves and the hits are read in transactions of their own. A write between
/// them (a sync, a prune) is seen by the reads after it: an article deleted since the halves
/// ranked it makes the hits search again as one statement (`splitHits`), and one edited is
/// shown as it now reads.
struct SearchPlan: Sendable {
    /// Row ids from which a query that needs several words is split: the width of the range
    /// the articles' row ids span. Below it the heaviest query took a few milliseconds.
    static let splitSpan: Int64 = 100_000

    /// The two row-id ranges a split search looks in.
    struct Halves: Sendable, Equatable {
        var newer: ClosedRange<Int64>
        var older: ClosedRange<Int64>
    }

    var parsed: SearchQuery
    /// The FTS5 MATCH expression.
    var fts: String
    /// `reader_rank`'s phrase kinds for `fts`.
    var kinds: String

    init(_ db: Database, _ parsed: SearchQuery) throws {
        let expansions = try PrefixExpansion.expansions(db, parsed)
        self.parsed = parsed
        fts = parsed.fts(expanding: { expansions[$0] })
        kinds = parsed.phraseKinds(expanding: { expansions[$0] })
    }

    /// Where to split the search, or nil to run it as one statement: the row ids of the
    /// articles now stored, halved, when they span `splitSpan` or more and the query needs
    /// several words in one article. Articles stored after this read are left out of both.
    func halves(_ db: Database, splitSpan: Int64) throws -> Halves? {
        guard parsed.needsSeveralWords,
              // Two look-ups: SQLite reads min() or max() off the key alone, not both at once.
              let row = try Row.fetchOne(db, sql: "SELECT (SELECT min(seq) FROM articles) AS low, (SELECT max(seq) FROM articles) AS high"),
              let low = row["low"] as Int64?, let high = row["high"] as Int64?,
              high - low + 1 >= max(2, splitSpan)
        else { return nil }
        let middle = low + (high - low) / 2
        return Halves(newer: middle + 1...high, older: low...middle)
    }
}

/// Tells the older half of a split search to stop: a progress handler on its connection,
/// set only while its statement runs, interrupts it once `stop()` is called.
final class SearchStop: Sendable {
    private let stopped = Atomic<Bool>(false)

    /// SQLite's virtual machine steps between calls of the handler.
    private static let steps: Int32 = 100

    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    func stop() { stopped.store(true, ordering: .releasing) }

    /// Runs `body` on `db`, interrupted with `SQLITE_INTERRUPT` once this is stopped.
    func interrupting<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_progress_handler(db.sqliteConnection, Self.steps, { context in
            guard let context else { return 0 }
            return Unmanaged<SearchStop>.fromOpaque(context).takeUnretainedValue().isStopped ? 1 : 0
        }, context)
        defer { sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil) }
        return try withExtendedLifetime(self) { try body() }
    }
}
