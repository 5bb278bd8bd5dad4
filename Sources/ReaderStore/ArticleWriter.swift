import Foundation
import GRDB
import ReaderModels

/// Inserts or updates articles through prepared statements reused for every row.
///
/// An article's text is stored only when its HTML does not give it back (`ArticleText`).
/// A new article is added to the search index by its own one-row INSERT, with the text the
/// writer already holds, so the text is neither read back nor derived again. FTS5 keeps
/// the terms of a transaction in memory and writes them as one segment when it commits,
/// unless a statement opens a savepoint: a trigger's statements do, which is why the
/// `v2-batched-article-index` migration dropped the insert trigger. A plain one-row INSERT
/// does not (measured with SQLite 3.40: 10,000 articles one INSERT each, or 1,000 per
/// INSERT … SELECT, give the same index in the same time).
struct ArticleWriter {
    let db: Database
    let now: String
    private var savedSources: Set<String> = []
    /// Source ids by key, so a file's articles hash their source's key once.
    private var sourceIDs: [String: String] = [:]
    /// Sources known to exist in this transaction (saved, or checked).
    private var existingSources: Set<String> = []
    private(set) var new = 0
    private(set) var updated = 0
    private(set) var unchanged = 0
    /// Drafts skipped because one with the same article id was saved before them in this
    /// transaction (a feed repeating a guid): the first wins, so a re-import is idempotent.
    private(set) var duplicates = 0
    /// What the transaction added or changed, for the store's observers (`StoreChange`).
    private(set) var change = StoreChange(origin: .import)
    private var savedArticles = SavedIDs()
    private let findHash: Statement
    private let insert: Statement
    private let update: Statement
    private let upsertSource: Statement
    private let index: Statement
    private let findPruned: Statement
    /// Whether any article was pruned here at all: a refresh into a store that never
    /// pruned skips the look-up for every new article. Only a pruning, a transaction of its
    /// own, adds to `pruned_articles`, so the answer holds for this writer's transaction
    /// (a writer that commits in parts asks again for each, `beginPart()`).
    private var anyPruned: Bool

    init(db: Database, now: String) throws {
        self.db = db
        self.now = now
        findHash = try db.cachedStatement(sql: "SELECT content_hash FROM articles WHERE id = ?")
        insert = try db.cachedStatement(sql: """
            INSERT INTO articles (id, source_id, guid, url, title, author, published_at, updated_at,
              summary, html, text, content_hash, first_seen_at, sort_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        update = try db.cachedStatement(sql: """
            UPDATE articles SET url = ?, title = ?, author = ?, published_at = ?, updated_at = ?,
              summary = ?, html = ?, text = ?, content_hash = ?, sort_at = coalesce(?, first_seen_at)
            WHERE id = ?
            """)
        upsertSource = try db.cachedStatement(sql: """
            INSERT INTO sources (id, key, kind, title, site_url, feed_url, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET key = excluded.key, kind = excluded.kind, title = excluded.title,
              site_url = coalesce(excluded.site_url, site_url), feed_url = coalesce(excluded.feed_url, feed_url)
            """)
        index = try db.cachedStatement(sql: "INSERT INTO articles_fts (rowid, title, author, summary, text) VALUES (?, ?, ?, ?, ?)")
        findPruned = try db.cachedStatement(sql: "SELECT content_hash, first_seen_at FROM pruned_articles WHERE article_id = ?")
        anyPruned = try Self.anyPruned(db)
    }

    private static func anyPruned(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM pruned_articles)") ?? false
    }

    /// For a writer whose work is committed in parts: call at the start of each part after
    /// the first, since another process may have written between two parts.
    mutating func beginPart() throws {
        anyPruned = try Self.anyPruned(db)
    }

    /// What the writer changed since it began or since this was last called, and starts
    /// counting afresh: a writer that commits in parts tells the observers of each part.
    mutating func takeChange() -> StoreChange {
        defer { change = StoreChange(origin: .import) }
        return change
    }

    /// Saves `draft`, or skips it when a draft with its id was saved before in this transaction.
    mutating func save(_ draft: ArticleDraft) throws {
        try save(draft, id: draft.id, contentHash: draft.contentHash, url: draft.url, urlChecked: false, text: .undecided)
    }

    /// Saves a prepared draft, trusting what was worked out for it (`PreparedArticle`), or
    /// skips it when a draft with its id was saved before in this transaction.
    mutating func save(_ article: PreparedArticle) throws {
        try save(
            article.draft, id: article.id, contentHash: article.contentHash, url: article.url, urlChecked: true,
            text: article.text
        )
    }

    private mutating func save(
        _ draft: ArticleDraft, id: String, contentHash: String, url: String?, urlChecked: Bool, text: ArticleText.Column
    ) throws {
        guard try savedArticles.insert(id, db: db) else {
            duplicates += 1
            return
        }
        let source = draft.source
        let sourceID: String
        if let known = sourceIDs[source.key] {
            sourceID = known
        } else {
            sourceID = source.id
            sourceIDs[source.key] = sourceID
        }
        try saveSource(id: sourceID, key: source.key, kind: source.kind, title: source.title,
                       siteURL: source.siteURL, feedURL: source.feedURL)
        try saveRow(ArticleRow(
            id: id, sourceID: sourceID, guid: draft.guid, url: url, title: draft.title, author: draft.author,
            published: draft.published.map(Timestamp.format), updated: draft.updated.map(Timestamp.format),
            summary: draft.summary, html: draft.html, text: draft.text, contentHash: contentHash, firstSeenAt: now,
            urlChecked: urlChecked, textColumn: text
        ))
    }

    /// Gives a source saved in this transaction the title `source` has, when it differs.
    mutating func retitleSource(_ source: SourceDraft) throws {
        guard let id = sourceIDs[source.key], savedSources.contains(id) else { return }
        try db.execute(sql: "UPDATE sources SET title = ? WHERE id = ? AND title <> ?", arguments: [source.title, id, source.title])
    }

    /// Makes sure an article's source row exists before the article is written. A source
    /// changed on the server moves forward in its change feed, past articles already
    /// published from it, so a pull from the start can bring an article before its
    /// source: a placeholder stands in until the source's record arrives and replaces it.
    mutating func ensureSource(id: String) throws {
        guard !savedSources.contains(id), existingSources.insert(id).inserted else { return }
        try db.execute(sql: """
            INSERT OR IGNORE INTO sources (id, key, kind, title, created_at) VALUES (?, 'pending:' || ?, 'rss', '', ?)
            """, arguments: [id, id, now])
    }

    /// Writes a source once per transaction (later articles of the same source skip it).
    mutating func saveSource(
        id: String, key: String, kind: SourceKind, title: String, siteURL: String?, feedURL: String?
    ) throws {
        guard savedSources.insert(id).inserted else { return }
        try upsertSource.execute(arguments: [id, key, kind.rawValue, title, siteURL, feedURL, now])
    }

    /// An article's columns, from an importer's draft or a server record.
    struct ArticleRow {
        var id: String, sourceID: String, guid: String, url: String?, title: String, author: String?
        var published: String?, updated: String?, summary: String?, html: String, text: String
        var contentHash: String, firstSeenAt: String
        /// Whether `url` is known to be one a `URL` can hold (a `PreparedArticle`'s is).
        var urlChecked = false
        /// What `articles.text` holds, when decided before the writer.
        var textColumn = ArticleText.Column.undecided
    }

    enum Saved { case new, updated, unchanged }

    @discardableResult
    mutating func saveRow(_ row: ArticleRow) throws -> Saved {
        var row = row
        // A link no URL can hold (empty, a broken host) is not kept: `Article.url` is a URL,
        // and a stored link it cannot read would make the article unreadable.
        if !row.urlChecked, let link = row.url, URL(string: link) == nil { row.url = nil }
        switch try String.fetchOne(findHash, arguments: [row.id]) {
        case row.contentHash?:
            unchanged += 1
            return .unchanged
        case _?:
            try update.execute(arguments: [
                row.url, row.title, row.author, row.published, row.updated,
                row.summary, row.html, row.textColumn.value(row.text, html: row.html), row.contentHash, row.published, row.id,
            ])
            updated += 1
            change.noteArticle(row.id, source: row.sourceID)
            return .updated
        case nil:
            let pruned = anyPruned ? try Row.fetchOne(findPruned, arguments: [row.id]) : nil
            if let pruned {
                // Pruned here: the same copy again is not stored again, or the policy would
                // prune it after every refresh of a feed that still carries it.
                if pruned["content_hash"] == row.contentHash {
                    try seenAgain(prunedID: row.id)
                    unchanged += 1
                    return .unchanged
                }
                row.firstSeenAt = pruned["first_seen_at"]
            }
            try insert.execute(arguments: [
                row.id, row.sourceID, row.guid, row.url, row.title, row.author, row.published, row.updated,
                row.summary, row.html, row.textColumn.value(row.text, html: row.html), row.contentHash, row.firstSeenAt,
                row.published ?? row.firstSeenAt,
            ])
            try index.execute(arguments: [db.lastInsertedRowID, row.title, row.author, row.summary, row.text])
            try StoreCounts.add(db, articles: 1)
            if pruned != nil {
                try restorePrunedState(articleID: row.id)
                updated += 1
            } else {
                new += 1
            }
            change.noteArticle(row.id, source: row.sourceID)
            return .new
        }
    }
}
