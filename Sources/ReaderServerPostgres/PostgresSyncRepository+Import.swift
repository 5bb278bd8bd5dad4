import Foundation
import PostgresNIO
import ReaderFeeds
import ReaderModels
import ReaderServer

extension PostgresSyncRepository {
    /// Imports a feed or bundle file into the libraries of the users named `users`, in one
    /// transaction, as on SQLite (`SQLiteSyncRepository.importFile(at:for:)`).
    ///
    /// The file's reader calls back synchronously and the database is asynchronous, so the
    /// file is read whole first: its articles are held in memory, which the feed readers'
    /// own limits bound. A malformed file imports nothing.
    ///
    /// - Throws: `RepositoryError` when `users` is empty or names nobody.
    public func importFile(at path: String, for users: [String]) async throws -> ImportReport {
        guard !users.isEmpty else {
            throw RepositoryError.importWithoutUser
        }
        var drafts: [ArticleDraft] = []
        let result = try FeedFile.read(path: path, baseURL: nil) { drafts.append($0) }
        let read = drafts
        let now = nowText
        return try await write { connection, logger in
            var ids: [Int64] = []
            for name in users {
                var found: Int64?
                for try await id in try await connection.query("SELECT id FROM users WHERE name = \(name)", logger: logger)
                    .decode(Int64.self) { found = id }
                guard let found else { throw RepositoryError.unknownUser(name) }
                ids.append(found)
            }
            let writer = PostgresContentWriter(connection, logger, now: now, importers: ids)
            // An import may write to the feed of every subscriber of the file's sources and of
            // everyone holding one of their articles: those feeds are locked up front, in
            // order, with the importers', so two writers to many feeds cannot deadlock.
            var audience = Set(ids)
            let sources = Array(Set(read.map(\.source.id))).sorted()
            // Two writers of one source's articles (imports, fetches) on two instances would
            // both insert a new article and one would fail on its key: they take the
            // source's lock first, in order, before any feed's, so they run one after the
            // other. A push takes no source lock, so no cycle of waits can form.
            for sourceID in sources {
                let key = "source " + sourceID
                try await connection.run("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger)
            }
            for sourceID in sources {
                audience.formUnion(try await writer.library.subscribers(ofSource: sourceID))
            }
            for try await holder in try await connection.query("""
                SELECT DISTINCT l.user_id FROM articles a JOIN library l ON l.article_id = a.id WHERE a.source_id = ANY(\(sources))
                """, logger: logger).decode(Int64.self) { audience.insert(holder) }
            try await PostgresChangeFeed.lock(users: Array(audience), connection, logger)
            for draft in read { try await writer.save(draft) }
            return ImportReport(
                file: path, format: SourceKind(result.format), new: writer.new, updated: writer.updated,
                unchanged: writer.unchanged, skipped: result.skipped
            )
        }
    }
}

/// Writes imported (and, later, fetched) articles on PostgreSQL: the SQLite engine's
/// `ContentWriter`, step for step. Each article is stored once; a new or changed one takes a
/// change row in the feed of each user who holds it, follows its feed or imported it.
final class PostgresContentWriter {
    let connection: PostgresConnection
    let logger: Logger
    let now: String
    let library: PostgresLibrary
    /// The users a file is imported for; none for a fetch.
    let importers: [Int64]
    /// Each source's subscribers, read once per source.
    private var audiences: [String: [Int64]] = [:]
    private(set) var new = 0
    private(set) var updated = 0
    private(set) var unchanged = 0

    init(_ connection: PostgresConnection, _ logger: Logger, now: String, importers: [Int64]) {
        self.connection = connection
        self.logger = logger
        self.now = now
        self.importers = importers
        library = PostgresLibrary(connection, logger, now: now)
    }

    func save(_ draft: ArticleDraft) async throws {
        let sourceID = draft.source.id
        let audience: [Int64]
        if let known = audiences[sourceID] {
            audience = known
        } else {
            audience = try await library.subscribers(ofSource: sourceID)
            audiences[sourceID] = audience
            try await saveSource(draft.source, id: sourceID, audience: audience)
        }
        let id = draft.id
        let hash = draft.contentHash
        let published = draft.published.map(Timestamp.format)
        let updatedAt = draft.updated.map(Timestamp.format)
        var stored: (hash: String, expired: Bool)?
        for try await row in try await connection.query("SELECT content_hash, expired FROM articles WHERE id = \(id)", logger: logger)
            .decode((String, Bool).self) { stored = row }
        switch stored {
        case let stored? where stored.hash == hash:
            unchanged += 1
            try await library.adopt(article: id, source: sourceID, by: importers)
        case let stored?:
            try await connection.query("""
                UPDATE articles SET url = \(draft.url), title = \(draft.title), author = \(draft.author),
                  published_at = \(published), updated_at = \(updatedAt), summary = \(draft.summary), html = \(draft.html),
                  text = \(draft.text), content_hash = \(hash)
                WHERE id = \(id)
                """, logger: logger)
            updated += 1
            // An article past the retention horizon goes only to those still holding it.
            try await library.publish(article: id, source: sourceID, to: stored.expired ? [] : audience, importers: importers, isNew: false)
        case nil:
            try await connection.query("""
                INSERT INTO articles (id, source_id, guid, url, title, author, published_at, updated_at, summary, html, text,
                  content_hash, first_seen_at)
                VALUES (\(id), \(sourceID), \(draft.guid), \(draft.url), \(draft.title), \(draft.author), \(published),
                  \(updatedAt), \(draft.summary), \(draft.html), \(draft.text), \(hash), \(now))
                """, logger: logger)
            new += 1
            try await library.publish(article: id, source: sourceID, to: audience, importers: importers, isNew: true)
        }
    }

    /// Inserts or refreshes a source before its articles, as on SQLite: a missing site or
    /// feed URL keeps the stored one, and an unchanged source writes nothing.
    private func saveSource(_ source: SourceDraft, id: String, audience: [Int64]) async throws {
        let stored = try await PostgresRecords.sources([id], connection, logger)[id]
        let record = SourceRecord(
            id: id, key: source.key, kind: source.kind, title: source.title,
            siteURL: source.siteURL ?? stored?.siteURL, feedURL: source.feedURL ?? stored?.feedURL
        )
        guard record != stored else { return }
        try await connection.query("""
            INSERT INTO sources (id, key, kind, title, site_url, feed_url)
            VALUES (\(id), \(record.key), \(record.kind.rawValue), \(record.title), \(record.siteURL), \(record.feedURL))
            ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, site_url = EXCLUDED.site_url, feed_url = EXCLUDED.feed_url
            """, logger: logger)
        try await library.publish(source: id, to: audience + importers)
    }
}
