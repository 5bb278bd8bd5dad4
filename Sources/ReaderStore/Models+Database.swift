import GRDB
import ReaderModels

extension ArticleState {
    /// Reads the state columns of a row that LEFT JOINs article_states (NULL = defaults).
    init(row: Row) {
        self.init(
            read: row["read"] ?? false,
            starred: row["starred"] ?? false,
            progress: row["progress"] ?? 0,
            tags: (row["tags"] as String?).map(JSON.decodeStrings) ?? []
        )
    }
}

/// Articles with their source's title and their state (NULL state columns = defaults).
private let articlesWithState = """
    FROM articles a JOIN sources s ON s.id = a.source_id
    LEFT JOIN article_states st ON st.article_id = a.id
    """

extension Article {
    static let selectSQL = "SELECT a.*, s.title AS source_title, st.read, st.starred, st.progress, st.tags " + articlesWithState

    /// An article from a row selected with `selectSQL`; a link or an instant the store
    /// could not have written throws.
    init(row: Row) throws {
        self.init(
            id: row["id"], sourceID: row["source_id"], sourceTitle: row["source_title"], guid: row["guid"],
            url: try row.storedURL("url", in: "articles"), title: row["title"], author: row["author"],
            publishedAt: try row.storedDate("published_at", in: "articles"),
            updatedAt: try row.storedDate("updated_at", in: "articles"), summary: row["summary"], html: row["html"],
            text: row.articleText(), contentHash: row["content_hash"],
            firstSeenAt: try row.requiredDate("first_seen_at", in: "articles"), state: ArticleState(row: row)
        )
    }
}

extension ArticleSummary {
    static let selectSQL = """
        SELECT a.id, a.title, a.author, a.published_at, s.title AS source_title,
          st.read, st.starred, st.progress, st.tags
        """ + " " + articlesWithState

    /// A listing line from a row selected with `selectSQL`.
    init(row: Row) throws {
        self.init(
            id: row["id"], sourceTitle: row["source_title"], title: row["title"], author: row["author"],
            publishedAt: try row.storedDate("published_at", in: "articles"), state: ArticleState(row: row)
        )
    }
}

extension Note {
    /// What `init(row:)` reads, from the notes table (aliased `table`, when given); the
    /// text is selected byte-exact (see `ExactText`).
    static func columns(of table: String? = nil) -> String {
        let plain = ["id", "article_id", "created_at", "updated_at", "revision", "deleted", "conflicted"]
            .map { (table.map { $0 + "." } ?? "") + $0 }
        let text = ["quote_exact", "quote_prefix", "quote_suffix", "body"].map { ExactText.column($0, of: table) }
        return (plain + text).joined(separator: ", ")
    }

    /// A note from a row selected with `columns(of:)`; an instant not in the store's form throws.
    init(row: Row) throws {
        self.init(
            id: row["id"], articleID: row["article_id"],
            anchor: row.exactText("quote_exact").map {
                TextQuoteSelector(exact: $0, prefix: row.exactText("quote_prefix") ?? "", suffix: row.exactText("quote_suffix") ?? "")
            },
            body: row.exactText("body") ?? "", createdAt: try row.requiredDate("created_at", in: "notes"),
            updatedAt: try row.requiredDate("updated_at", in: "notes"),
            revision: row["revision"], deleted: row["deleted"], conflicted: row["conflicted"]
        )
    }

    /// The note with this id unless it is deleted.
    static func fetchLive(_ db: Database, id: String) throws -> Note? {
        try Row.fetchOne(db, sql: "SELECT \(columns()) FROM notes WHERE id = ? AND deleted = 0", arguments: [id]).map(Note.init(row:))
    }
}

extension Mutation {
    /// An outbox row; an entity, operation or stamp this version does not know throws, and
    /// so do fields that are not a JSON object.
    init(row: Row) throws {
        let id: String = row["mutation_id"]
        guard let fields = (try? JSONValue(parsing: row["fields"] as String))?.objectValue else {
            throw StoreError.database("outbox row \(id) holds fields that are not a JSON object")
        }
        self.init(
            id: row["mutation_id"], entity: try row.stored(EntityKind.self, "entity", in: "outbox"), entityID: row["entity_id"],
            op: try row.stored(MutationOp.self, "op", in: "outbox"), baseRevision: row["base_revision"],
            fields: fields, hlc: try row.storedHLC("hlc", in: "outbox"), createdAt: try row.requiredDate("created_at", in: "outbox"),
            attempts: row["attempts"]
        )
    }
}
