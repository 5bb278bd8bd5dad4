import Foundation
import GRDB
import ReaderModels
import Synchronization

/// One search result: an article, or a note (which also names its article).
public struct SearchHit: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable { case article, note }

    public var kind: Kind
    /// The article's or the note's id.
    public var id: String
    public var articleID: String
    /// The article's title.
    public var title: String
    /// Matching text with the matches between the highlight marks.
    public var snippet: String
    /// bm25 relevance; lower is better.
    public var score: Double

    enum CodingKeys: String, CodingKey {
        case kind, id, articleID = "article_id", title, snippet, score
    }
}

extension ReaderStore {
    /// How many of the most recently stored matching articles a query ranks. A query that
    /// matches more (a common word over a large library) ranks the newest this many, so
    /// search stays fast whatever the library's size; narrower words reach older articles.
    package static let searchRankWindow = 2000

    /// The span of row ids from which a search that needs several words is split (`SearchPlan`).
    package static var searchSplitSpan: Int64 { SearchPlan.splitSpan }

    /// Full-text search over articles (title, author, summary, text) and notes (text and
    /// quoted passage), best matches first by bm25. See `SearchQuery` for what a query may
    /// hold; no input makes it fail with SQLite's own message.
    ///
    /// A query that needs several words in one article, over a large library, is searched
    /// on two connections at once (see `SearchPlan`).
    public func search(
        _ query: String, limit: Int = 20, highlight: (open: String, close: String) = ("**", "**")
    ) throws -> [SearchHit] {
        try search(SearchQuery(query), limit: limit, highlight: highlight, splitSpan: SearchPlan.splitSpan)
    }

    /// `search(_:limit:)` splitting at `splitSpan` row ids; `.max` never splits, which is how
    /// `reader-bench` measures one statement beside the split.
    package func search(_ query: String, limit: Int, splitSpan: Int64) throws -> [SearchHit] {
        try search(SearchQuery(query), limit: limit, highlight: ("**", "**"), splitSpan: splitSpan)
    }

    /// `search(_:limit:highlight:)` splitting at `splitSpan` row ids (tests split small libraries).
    func search(
        _ parsed: SearchQuery, limit: Int, highlight: (open: String, close: String), splitSpan: Int64
    ) throws -> [SearchHit] {
        let start = try read { db in try Self.startSearch(db, parsed, limit: limit, highlight: highlight, splitSpan: splitSpan) }
        guard case .split(let plan, let halves) = start else { return start.hits }
        let stop = SearchStop()
        let (newer, older) = try Self.concurrently(
            { try self.read { db in try Self.newerRanks(db, plan, halves, stop: stop) } },
            { try self.read { db in try Self.olderRanks(db, plan, halves, stop: stop) } }
        )
        let ranks = Self.best(Self.window(newer: newer, older: older), limit: limit)
        return try read { db in try Self.splitHits(db, plan, articleRanks: ranks, limit: limit, highlight: highlight) }
    }

    /// What the first read of a search finds: the hits, or the plan of a search to split.
    enum SearchStart: Sendable {
        case done([SearchHit])
        case split(SearchPlan, SearchPlan.Halves)

        /// The hits of a search that was done; none for one to split.
        var hits: [SearchHit] {
            if case .done(let hits) = self { return hits }
            return []
        }
    }

    /// The first read of a search: plans it, and runs it unless it is to be split.
    static func startSearch(
        _ db: Database, _ parsed: SearchQuery, limit: Int, highlight: (open: String, close: String), splitSpan: Int64
    ) throws -> SearchStart {
        let plan = try SearchPlan(db, parsed)
        if limit > 0, let halves = try plan.halves(db, splitSpan: splitSpan) { return .split(plan, halves) }
        return .done(try wholeHits(db, plan, limit: limit, highlight: highlight))
    }

    /// A search as one statement: its window ranked, then its hits read.
    static func wholeHits(_ db: Database, _ plan: SearchPlan, limit: Int, highlight: (open: String, close: String)) throws -> [SearchHit] {
        // Rank on the index alone; read the kept rows' text afterwards.
        // reader_rank is bm25 without counting every match of each term first (`SearchRank`).
        let ranks = try Row.fetchAll(db, sql: """
            SELECT rowid, score FROM (
              SELECT rowid, \(SearchRank.functionName)(articles_fts, ?, 10.0, 4.0, 2.0, 1.0) AS score
              FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?
            ) ORDER BY score, rowid LIMIT ?
            """, arguments: [plan.kinds, plan.fts, Self.searchRankWindow, max(0, limit)])
            .map { ArticleRank(rowid: $0["rowid"], score: $0["score"]) }
        return try hits(db, plan, articleRanks: ranks, limit: limit, highlight: highlight)
    }

    /// The hits of a split search, read in a transaction of their own. Its halves were read in
    /// others: should an article they ranked have been deleted since (a sync, a prune), the
    /// search runs again as one statement here, so that it does not come back short.
    static func splitHits(
        _ db: Database, _ plan: SearchPlan, articleRanks: [ArticleRank], limit: Int, highlight: (open: String, close: String)
    ) throws -> [SearchHit] {
        let rowids = "[" + articleRanks.map { String($0.rowid) }.joined(separator: ",") + "]"
        let stored = try Int.fetchOne(db, sql: "SELECT count(*) FROM articles WHERE seq IN (SELECT value FROM json_each(?))",
                                      arguments: [rowids]) ?? 0
        guard stored == articleRanks.count else { return try wholeHits(db, plan, limit: limit, highlight: highlight) }
        return try hits(db, plan, articleRanks: articleRanks, limit: limit, highlight: highlight)
    }

    /// An article's place in a search: its row id and its score (lower is better).
    struct ArticleRank: Sendable, Equatable {
        var rowid: Int64
        var score: Double
    }

    /// The window's matches among the row ids `within`, newest first, with their scores.
    static func windowRanks(_ db: Database, _ plan: SearchPlan, within rows: ClosedRange<Int64>) throws -> [ArticleRank] {
        let matches = try Row.fetchCursor(db, sql: """
            SELECT rowid, \(SearchRank.functionName)(articles_fts, ?, 10.0, 4.0, 2.0, 1.0) AS score
            FROM articles_fts WHERE articles_fts MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid DESC LIMIT ?
            """, arguments: [plan.kinds, plan.fts, rows.lowerBound, rows.upperBound, Self.searchRankWindow])
        var ranks: [ArticleRank] = []
        while let row = try matches.next() { ranks.append(ArticleRank(rowid: row[0], score: row[1])) }
        return ranks
    }

    /// The newer half's window; when it fills the window, or fails the search, `stop` tells
    /// the older half it is not needed.
    static func newerRanks(_ db: Database, _ plan: SearchPlan, _ halves: SearchPlan.Halves, stop: SearchStop) throws -> [ArticleRank] {
        do {
            let ranks = try windowRanks(db, plan, within: halves.newer)
            if ranks.count >= searchRankWindow { stop.stop() }
            return ranks
        } catch {
            stop.stop()
            throw error
        }
    }

    /// The older half's window, or nothing once the newer half has filled the window: the
    /// statement is then interrupted (a common pair of words fills it from the newer half
    /// alone, and the older half's would be work thrown away).
    static func olderRanks(_ db: Database, _ plan: SearchPlan, _ halves: SearchPlan.Halves, stop: SearchStop) throws -> [ArticleRank] {
        do {
            return try stop.interrupting(db) { try windowRanks(db, plan, within: halves.older) }
        } catch let error as DatabaseError
                    where stop.isStopped && [.SQLITE_INTERRUPT, .SQLITE_ERROR].contains(error.resultCode) {
            // SQLITE_ERROR when the interrupt lands in the rank function's own count of a
            // word. Nothing of this half is used: the newer half filled the window or failed.
            return []
        }
    }

    /// The window of a split search: the newer half's matches, then as many of the older
    /// half's newest as the window has room for; what one statement over both would rank.
    static func window(newer: [ArticleRank], older: [ArticleRank]) -> [ArticleRank] {
        Array((newer + older).prefix(searchRankWindow))
    }

    /// The `limit` best of `ranks`, in the order the one-statement search gives them.
    static func best(_ ranks: [ArticleRank], limit: Int) -> [ArticleRank] {
        Array(ranks.sorted { ($0.score, $0.rowid) < ($1.score, $1.rowid) }.prefix(max(0, limit)))
    }

    /// Runs `first` and `second` at once, `first` on this thread, and returns both answers;
    /// throws the first one's error, else the second's, once both are done. With no thread
    /// free for `second`, this thread runs both in turn (`concurrentPerform`), so it cannot
    /// wait on work that never starts.
    static func concurrently<A: Sendable, B: Sendable>(
        _ first: @Sendable () throws -> A, _ second: @Sendable () throws -> B
    ) throws -> (A, B) {
        let answers = Mutex<(first: Result<A, any Error>?, second: Result<B, any Error>?)>((nil, nil))
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 {
                let answer = Result { try first() }
                answers.withLock { $0.first = answer }
            } else {
                let answer = Result { try second() }
                answers.withLock { $0.second = answer }
            }
        }
        let (mine, theirs) = answers.withLock { ($0.first, $0.second) }
        guard let mine, let theirs else { preconditionFailure("concurrentPerform ran both iterations") }
        return try (mine.get(), theirs.get())
    }

    /// The hits of a search whose articles are ranked: the notes ranked beside them, the
    /// best `limit` of both, each with its title and snippet.
    static func hits(
        _ db: Database, _ plan: SearchPlan, articleRanks: [ArticleRank], limit: Int, highlight: (open: String, close: String)
    ) throws -> [SearchHit] {
        let parsed = plan.parsed
        let limit = max(0, limit)
        let snippet = Snippet(parsed)
        let noteRanks = parsed.hasColumnFilter ? [] : try Row.fetchAll(db, sql: """
            SELECT f.rowid, bm25(notes_fts, 1.0, 1.0) AS score
            FROM notes_fts f JOIN notes n ON n.seq = f.rowid
            WHERE notes_fts MATCH ? AND n.deleted = 0 ORDER BY score LIMIT ?
            """, arguments: [parsed.fts, limit])
        var ranked: [(kind: SearchHit.Kind, rowid: Int64, score: Double)] =
            articleRanks.map { (.article, $0.rowid, $0.score) } + noteRanks.map { (.note, $0["rowid"], $0["score"]) }
        ranked.sort { ($0.score, $0.kind == .note ? 0 : 1, $0.rowid) < ($1.score, $1.kind == .note ? 0 : 1, $1.rowid) }
        ranked = Array(ranked.prefix(limit))

        let articleRow = try db.cachedStatement(sql: "SELECT id, title, author, summary, html, text FROM articles WHERE seq = ?")
        let noteRow = try db.cachedStatement(sql: """
            SELECT n.id, n.article_id, \(ExactText.column("body", of: "n")), \(ExactText.column("quote_exact", of: "n")), a.title
            FROM notes n JOIN articles a ON a.id = n.article_id WHERE n.seq = ?
            """)
        return try ranked.compactMap { hit in
            switch hit.kind {
            case .article:
                return try Row.fetchOne(articleRow, arguments: [hit.rowid]).map { row in
                    let stored: [String] = [row["title"], row["author"] ?? "", row["summary"] ?? ""]
                    let fields = (0...stored.count).lazy.map { $0 < stored.count ? stored[$0] : row.articleText() }
                    return SearchHit(kind: .article, id: row["id"], articleID: row["id"], title: row["title"],
                                     snippet: snippet.make(fields, open: highlight.open, close: highlight.close), score: hit.score)
                }
            case .note:
                return try Row.fetchOne(noteRow, arguments: [hit.rowid]).map { row in
                    let fields: [String] = [row.exactText("body") ?? "", row.exactText("quote_exact") ?? ""]
                    return SearchHit(kind: .note, id: row["id"], articleID: row["article_id"], title: row["title"],
                                     snippet: snippet.make(fields, open: highlight.open, close: highlight.close), score: hit.score)
                }
            }
        }
    }
}
