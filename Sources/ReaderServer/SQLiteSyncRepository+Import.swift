import Foundation
import GRDB
import ReaderFeeds
import ReaderModels

extension SQLiteSyncRepository {
    /// Imports a feed or bundle file in one write transaction; a malformed file imports nothing.
    public func importFile(at path: String) async throws -> ImportReport {
        try await pool.write { db in
            var writer = try ContentWriter(db: db, now: self.nowText)
            let format = try FeedFile.read(path: path) { draft in try writer.save(draft) }
            return ImportReport(
                file: path, format: format.rawValue, new: writer.new, updated: writer.updated, unchanged: writer.unchanged
            )
        }
    }
}

/// Writes imported articles as content every user sees, with the client importer's ids
/// and content hashes (from `ReaderModels`), so a client and the server name an article
/// the same way. A new or changed article or source takes a new change row; an unchanged
/// one keeps its place in the feed.
struct ContentWriter {
    private let db: Database
    private let now: String
    private var savedSources: Set<String> = []
    private(set) var new = 0
    private(set) var updated = 0
    private(set) var unchanged = 0
    private let findHash: Statement
    private let insert: Statement
    private let update: Statement

    init(db: Database, now: String) throws {
        self.db = db
        self.now = now
        findHash = try db.cachedStatement(sql: "SELECT content_hash FROM articles WHERE id = ?")
        insert = try db.cachedStatement(sql: """
            INSERT INTO articles (id, source_id, guid, url, title, author, published_at, updated_at,
              summary, html, text, content_hash, first_seen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        update = try db.cachedStatement(sql: """
            UPDATE articles SET url = ?, title = ?, author = ?, published_at = ?, updated_at = ?,
              summary = ?, html = ?, text = ?, content_hash = ?
            WHERE id = ?
            """)
    }

    mutating func save(_ draft: ArticleDraft) throws {
        let sourceID = draft.source.id
        if savedSources.insert(sourceID).inserted { try saveSource(draft.source, id: sourceID) }
        let id = draft.id
        let hash = draft.contentHash
        let published = draft.published.map(Timestamp.format)
        let updatedAt = draft.updated.map(Timestamp.format)
        switch try String.fetchOne(findHash, arguments: [id]) {
        case hash?:
            unchanged += 1
            return
        case _?:
            try update.execute(arguments: [
                draft.url, draft.title, draft.author, published, updatedAt, draft.summary, draft.html, draft.text, hash, id,
            ])
            updated += 1
        case nil:
            try insert.execute(arguments: [
                id, sourceID, draft.guid, draft.url, draft.title, draft.author, published, updatedAt,
                draft.summary, draft.html, draft.text, hash, now,
            ])
            new += 1
        }
        try RecordRows.recordChange(db, user: 0, entity: .article, id: id, at: now)
    }

    /// Inserts or refreshes a source before its articles, so its change row comes first.
    /// As the client's importer does, a missing site or feed URL keeps the stored one.
    private func saveSource(_ source: SourceDraft, id: String) throws {
        let stored = try Row.fetchOne(db, sql: "SELECT \(RecordRows.sourceColumns) FROM sources WHERE id = ?", arguments: [id])
            .map(RecordRows.source)
        let record = SourceRecord(
            id: id, key: source.key, kind: source.kind, title: source.title,
            siteURL: source.siteURL ?? stored?.siteURL, feedURL: source.feedURL ?? stored?.feedURL
        )
        guard record != stored else { return }
        try db.execute(
            sql: """
                INSERT INTO sources (id, key, kind, title, site_url, feed_url) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET title = excluded.title, site_url = excluded.site_url,
                  feed_url = excluded.feed_url
                """,
            arguments: [id, record.key, record.kind.rawValue, record.title, record.siteURL, record.feedURL]
        )
        try RecordRows.recordChange(db, user: 0, entity: .source, id: id, at: now)
    }
}
