import GRDB
import ReaderModels

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

    /// Full-text search over articles (title, author, summary, text) and notes (text and
    /// quoted passage), best matches first by bm25. See `SearchQuery` for what a query may
    /// hold; no input makes it fail with SQLite's own message.
    public func search(
        _ query: String, limit: Int = 20, highlight: (open: String, close: String) = ("**", "**")
    ) throws -> [SearchHit] {
        let parsed = try SearchQuery(query)
        return try read { db in try Self.search(db, parsed, limit: limit, highlight: highlight) }
    }

    /// The read of `search(_:limit:highlight:)`, shared with its async form.
    static func search(
        _ db: Database, _ parsed: SearchQuery, limit: Int, highlight: (open: String, close: String)
    ) throws -> [SearchHit] {
        let expansions = try PrefixExpansion.expansions(db, parsed)
        let limit = max(0, limit)
        let snippet = Snippet(parsed)
        // Rank on the index alone; read the kept rows' text afterwards.
        // reader_rank is bm25 without counting every match of each term first (`SearchRank`).
        let articleRanks = try Row.fetchAll(db, sql: """
            SELECT rowid, score FROM (
              SELECT rowid, \(SearchRank.functionName)(articles_fts, ?, 10.0, 4.0, 2.0, 1.0) AS score
              FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?
            ) ORDER BY score, rowid LIMIT ?
            """, arguments: [parsed.phraseKinds(expanding: { expansions[$0] }), parsed.fts(expanding: { expansions[$0] }),
                             Self.searchRankWindow, limit])
        let noteRanks = parsed.hasColumnFilter ? [] : try Row.fetchAll(db, sql: """
            SELECT f.rowid, bm25(notes_fts, 1.0, 1.0) AS score
            FROM notes_fts f JOIN notes n ON n.seq = f.rowid
            WHERE notes_fts MATCH ? AND n.deleted = 0 ORDER BY score LIMIT ?
            """, arguments: [parsed.fts, limit])
        var ranked: [(kind: SearchHit.Kind, rowid: Int64, score: Double)] =
            articleRanks.map { (.article, $0["rowid"], $0["score"]) } + noteRanks.map { (.note, $0["rowid"], $0["score"]) }
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
