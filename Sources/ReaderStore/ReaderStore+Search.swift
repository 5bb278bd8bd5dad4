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
    /// Full-text search over articles (title, author, summary, text) and notes (text and
    /// quoted passage), best matches first. See `SearchQuery` for what a query may hold; no
    /// input makes it fail with SQLite's own message.
    public func search(
        _ query: String, limit: Int = 20, highlight: (open: String, close: String) = ("**", "**")
    ) throws -> [SearchHit] {
        let parsed = try SearchQuery(query)
        let match = parsed.fts
        let limit = max(0, limit)
        return try read { db in
            // Rank first, on the index alone; then build snippets for the few rows kept.
            let articleRows = try Row.fetchAll(db, sql: """
                SELECT rowid, bm25(articles_fts, 10.0, 4.0, 2.0, 1.0) AS score
                FROM articles_fts WHERE articles_fts MATCH ? ORDER BY score LIMIT ?
                """, arguments: [match, limit])
            let noteRows = parsed.hasColumnFilter ? [] : try Row.fetchAll(db, sql: """
                SELECT f.rowid, bm25(notes_fts, 1.0, 1.0) AS score
                FROM notes_fts f JOIN notes n ON n.seq = f.rowid
                WHERE notes_fts MATCH ? AND n.deleted = 0 ORDER BY score LIMIT ?
                """, arguments: [match, limit])
            var ranked: [(kind: SearchHit.Kind, rowid: Int64, score: Double)] =
                articleRows.map { (.article, $0["rowid"], $0["score"]) } + noteRows.map { (.note, $0["rowid"], $0["score"]) }
            ranked.sort { ($0.score, $0.kind == .note ? 0 : 1, $0.rowid) < ($1.score, $1.kind == .note ? 0 : 1, $1.rowid) }
            let articleSnippet = try db.cachedStatement(sql: """
                SELECT a.id, a.title, snippet(articles_fts, -1, ?, ?, '…', 16) AS snippet
                FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid
                WHERE articles_fts MATCH ? AND articles_fts.rowid = ?
                """)
            let noteSnippet = try db.cachedStatement(sql: """
                SELECT n.id, n.article_id, a.title, snippet(notes_fts, -1, ?, ?, '…', 16) AS snippet
                FROM notes_fts JOIN notes n ON n.seq = notes_fts.rowid JOIN articles a ON a.id = n.article_id
                WHERE notes_fts MATCH ? AND notes_fts.rowid = ?
                """)
            return try ranked.prefix(limit).compactMap { hit in
                let arguments: StatementArguments = [highlight.open, highlight.close, match, hit.rowid]
                switch hit.kind {
                case .article:
                    return try Row.fetchOne(articleSnippet, arguments: arguments).map { row in
                        SearchHit(kind: .article, id: row["id"], articleID: row["id"], title: row["title"],
                                  snippet: row["snippet"], score: hit.score)
                    }
                case .note:
                    return try Row.fetchOne(noteSnippet, arguments: arguments).map { row in
                        SearchHit(kind: .note, id: row["id"], articleID: row["article_id"], title: row["title"],
                                  snippet: row["snippet"], score: hit.score)
                    }
                }
            }
        }
    }
}
