import Foundation
import GRDB
import ReaderFeeds
import ReaderModels

extension SQLiteSyncRepository {
    /// Imports a feed or bundle file into the libraries of the users named `users`, in one
    /// write transaction; a malformed file imports nothing. The articles are stored once
    /// (an article another user already has is the same row), and the importing users keep
    /// them whatever they subscribe to.
    ///
    /// - Throws: `RepositoryError` when `users` is empty or names nobody.
    public func importFile(at path: String, for users: [String]) async throws -> ImportReport {
        guard !users.isEmpty else {
            throw RepositoryError.importWithoutUser
        }
        return try await pool.write { db in
            let ids = try users.map { try Self.userID(db, named: $0) }
            var writer = try ContentWriter(db: db, now: self.nowText, importers: ids)
            let result = try FeedFile.read(path: path, baseURL: nil) { draft in try writer.save(draft) }
            return ImportReport(
                file: path, format: SourceKind(result.format), new: writer.new, updated: writer.updated,
                unchanged: writer.unchanged, skipped: result.skipped
            )
        }
    }
}

/// Writes fetched and imported articles, with the client importer's ids and content
/// hashes (from `ReaderModels`), so a client and the server name an article the same way.
/// Each article is stored once; a new or changed one takes a new change row in the
/// library of each user who holds it, follows its feed or imported it (see `Library`). An
/// unchanged one keeps its place in the feed.
struct ContentWriter {
    private let db: Database
    private let now: String
    private let library: Library
    /// The users a file is imported for; none for a fetch.
    private let importers: [Int64]
    /// Each source's subscribers, read once per source.
    private var audiences: [String: [Int64]] = [:]
    private(set) var new = 0
    private(set) var updated = 0
    private(set) var unchanged = 0
    private let findHash: Statement
    private let insert: Statement
    private let update: Statement

    init(db: Database, now: String, importers: [Int64] = []) throws {
        self.db = db
        self.now = now
        self.importers = importers
        library = Library(db: db, now: now)
        findHash = try db.cachedStatement(sql: "SELECT content_hash, expired FROM articles WHERE id = ?")
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
        let audience: [Int64]
        if let known = audiences[sourceID] {
            audience = known
        } else {
            audience = try library.subscribers(ofSource: sourceID)
            audiences[sourceID] = audience
            try saveSource(draft.source, id: sourceID, audience: audience)
        }
        let id = draft.id
        let hash = draft.contentHash
        let published = draft.published.map(Timestamp.format)
        let updatedAt = draft.updated.map(Timestamp.format)
        let stored = try Row.fetchOne(findHash, arguments: [id])
        switch stored.map({ $0[0] as String }) {
        case hash?:
            unchanged += 1
            try library.adopt(article: id, source: sourceID, by: importers)
        case _?:
            try update.execute(arguments: [
                draft.url, draft.title, draft.author, published, updatedAt, draft.summary, draft.html, draft.text, hash, id,
            ])
            updated += 1
            // An article past the retention horizon goes only to those still holding it.
            let expired: Bool = stored?[1] ?? false
            try library.publish(article: id, source: sourceID, to: expired ? [] : audience, importers: importers, isNew: false)
        case nil:
            try insert.execute(arguments: [
                id, sourceID, draft.guid, draft.url, draft.title, draft.author, published, updatedAt,
                draft.summary, draft.html, draft.text, hash, now,
            ])
            new += 1
            try library.publish(article: id, source: sourceID, to: audience, importers: importers, isNew: true)
        }
    }

    /// Inserts or refreshes a source before its articles, so its change row comes first,
    /// for its holders, its subscribers (`audience`) and the importing users. As the
    /// client's importer does, a missing site or feed URL keeps the stored one.
    private func saveSource(_ source: SourceDraft, id: String, audience: [Int64]) throws {
        let stored = try Row.fetchOne(db, sql: "SELECT \(RecordRows.sourceColumns) FROM sources WHERE id = ?", arguments: [id])
            .map { try RecordRows.source($0) }
        let record = SourceRecord(
            id: id, key: source.key, kind: source.kind, title: source.title,
            siteURL: source.siteURL ?? stored?.siteURL, feedURL: source.feedURL ?? stored?.feedURL
        )
        // Unchanged, its subscribers have it already, and an article admitted sends it to
        // whoever lacks it.
        guard record != stored else { return }
        try db.execute(
            sql: """
                INSERT INTO sources (id, key, kind, title, site_url, feed_url) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET title = excluded.title, site_url = excluded.site_url,
                  feed_url = excluded.feed_url
                """,
            arguments: [id, record.key, record.kind.rawValue, record.title, record.siteURL, record.feedURL]
        )
        try library.publish(source: id, to: audience + importers)
    }
}
