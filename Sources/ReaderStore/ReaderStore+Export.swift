import Foundation
import GRDB
import ReaderModels

/// The user's whole state in a canonical form: two databases holding the same state
/// export byte-identical JSON, which is what convergence tests compare.
public struct UserExport: Hashable, Sendable, Codable {
    public struct ArticleEntry: Hashable, Sendable, Codable {
        public var id: String
        public var contentHash: String
        public var read: Bool
        public var starred: Bool
        public var progress: Double
        public var tags: [String]

        enum CodingKeys: String, CodingKey {
            case id, contentHash = "content_hash", read, starred, progress, tags
        }
    }

    public var format: String
    /// Every article, by id.
    public var articles: [ArticleEntry]
    /// Live notes, by id.
    public var notes: [Note]
    /// Feeds followed, by URL.
    public var subscriptions: [Subscription]

    /// The canonical bytes: sorted keys, two-space indentation, a final newline; the same
    /// state gives the same bytes.
    public func canonicalJSON() throws -> Data { try CanonicalJSON.encode(self) }
}

extension ReaderStore {
    /// The whole user state, canonical and sorted.
    public func exportUserState() throws -> UserExport {
        try read(Self.exportUserState)
    }

    /// The read of `exportUserState()`, shared with its async form.
    static func exportUserState(_ db: Database) throws -> UserExport {
        let articles = try Row.fetchAll(db, sql: """
            SELECT a.id, a.content_hash, st.read, st.starred, st.progress, st.tags
            FROM articles a LEFT JOIN article_states st ON st.article_id = a.id ORDER BY a.id
            """).map { row in
            let state = ArticleState(row: row)
            return UserExport.ArticleEntry(
                id: row["id"], contentHash: row["content_hash"], read: state.read, starred: state.starred,
                progress: state.progress, tags: state.tags
            )
        }
        let notes = try Row.fetchAll(db, sql: "SELECT \(Note.columns()) FROM notes WHERE deleted = 0 ORDER BY id")
            .map(Note.init(row:))
        let subscriptions = try Row.fetchAll(db, sql: """
            SELECT url, \(ExactText.column("title")), tags FROM subscriptions WHERE subscribed = 1 ORDER BY url
            """).map { row in
            Subscription(url: row["url"], title: row.exactText("title"), tags: JSON.decodeStrings(row["tags"]))
        }
        return UserExport(format: "reader-export/1", articles: articles, notes: notes, subscriptions: subscriptions)
    }

    /// Live notes as Markdown, grouped by article in reading order, each quote as a block quote.
    public func notesMarkdown() throws -> String {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(Note.columns(of: "n")), a.title AS article_title, a.url AS article_url, s.title AS source_title
                FROM notes n JOIN articles a ON a.id = n.article_id JOIN sources s ON s.id = a.source_id
                WHERE n.deleted = 0 ORDER BY a.sort_at DESC, a.id, n.created_at, n.id
                """)
            var out = "# Reading notes\n"
            var currentArticle: String?
            for row in rows {
                let note = try Note(row: row)
                if note.articleID != currentArticle {
                    currentArticle = note.articleID
                    out += "\n## \(row["article_title"] as String)\n\n"
                    let url: String? = row["article_url"]
                    out += "_\(row["source_title"] as String)_" + (url.map { " · <\($0)>" } ?? "") + "\n"
                }
                out += "\n"
                if let anchor = note.anchor {
                    out += anchor.exact.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n") + "\n\n"
                }
                if !note.body.isEmpty { out += note.body + "\n" }
                out += "\n<sub>note \(note.id) · \(Timestamp.format(note.updatedAt))\(note.conflicted ? " · conflicted" : "")</sub>\n"
            }
            return out
        }
    }
}
