import Foundation
import PostgresNIO
import ReaderModels

/// How wire records are read from and written to their PostgreSQL tables: the counterpart
/// of the SQLite engine's `RecordRows`, column for column. Text a device sends that may hold
/// U+0000 is `bytea` holding its UTF-8 (docs/POSTGRES.md), read back byte for byte.
enum PostgresRecords {
    /// A stored value the engine does not know, e.g. a source kind written by a newer version.
    struct UnknownValue: Error, CustomStringConvertible {
        var description: String
    }

    static func bytes(_ text: String?) -> ByteBuffer? {
        text.map { ByteBuffer(string: $0) }
    }

    static func text(_ buffer: ByteBuffer?) -> String? {
        buffer.map { String(buffer: $0) }
    }

    // MARK: Reading many at once, keyed by id

    static func sources(_ ids: [String], _ connection: PostgresConnection, _ logger: Logger) async throws -> [String: SourceRecord] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query(
            "SELECT id, key, kind, title, site_url, feed_url FROM sources WHERE id = ANY(\(ids))", logger: logger
        )
        var found: [String: SourceRecord] = [:]
        for try await (id, key, kind, title, siteURL, feedURL) in rows.decode((String, String, String, String, String?, String?).self) {
            guard let kind = SourceKind(rawValue: kind) else { throw UnknownValue(description: "source \(id) has kind \(kind)") }
            found[id] = SourceRecord(id: id, key: key, kind: kind, title: title, siteURL: siteURL, feedURL: feedURL)
        }
        return found
    }

    static func articles(_ ids: [String], _ connection: PostgresConnection, _ logger: Logger) async throws -> [String: ArticleRecord] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT id, source_id, guid, url, title, author, published_at, updated_at, summary, html, text,
              content_hash, first_seen_at FROM articles WHERE id = ANY(\(ids))
            """, logger: logger)
        var found: [String: ArticleRecord] = [:]
        for try await row in rows.decode(
            (String, String, String, String?, String, String?, String?, String?, String?, String, String, String, String).self
        ) {
            found[row.0] = ArticleRecord(
                id: row.0, sourceID: row.1, guid: row.2, url: row.3, title: row.4, author: row.5, publishedAt: row.6,
                updatedAt: row.7, summary: row.8, html: row.9, text: row.10, contentHash: row.11, firstSeenAt: row.12
            )
        }
        return found
    }

    static func states(
        user: Int64, _ ids: [String], _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [String: ArticleStateRecord] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT article_id, read, starred, progress, tags, read_hlc, starred_hlc, progress_hlc, tags_hlc
            FROM article_states WHERE user_id = \(user) AND article_id = ANY(\(ids))
            """, logger: logger)
        var found: [String: ArticleStateRecord] = [:]
        for try await row in rows.decode((String, Bool, Bool, Double, String, String?, String?, String?, String?).self) {
            found[row.0] = try ArticleStateRecord(
                articleID: row.0, read: row.1, starred: row.2, progress: row.3, tags: JSONValue.strings(in: row.4),
                hlc: StateStamps(
                    read: hlc(row.5, "article_states.read_hlc"), starred: hlc(row.6, "article_states.starred_hlc"),
                    progress: hlc(row.7, "article_states.progress_hlc"), tags: hlc(row.8, "article_states.tags_hlc")
                )
            )
        }
        return found
    }

    static func notes(
        user: Int64, _ ids: [String], _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [String: ReaderModels.Resolver.StoredNote] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT id, article_id, anchor_exact, anchor_prefix, anchor_suffix, body, created_at, updated_at,
              revision, conflicted, body_hlc, anchor_hlc, deleted
            FROM notes WHERE user_id = \(user) AND id = ANY(\(ids))
            """, logger: logger)
        var found: [String: ReaderModels.Resolver.StoredNote] = [:]
        for try await row in rows.decode(
            (String, String, ByteBuffer?, ByteBuffer?, ByteBuffer?, ByteBuffer, String, String, Int64, Bool, String, String?, Bool).self
        ) {
            let anchor = text(row.2).map { TextQuoteSelector(exact: $0, prefix: text(row.3) ?? "", suffix: text(row.4) ?? "") }
            let record = try NoteRecord(
                id: row.0, articleID: row.1, anchor: anchor, body: String(buffer: row.5), createdAt: row.6, updatedAt: row.7,
                revision: Int(row.8), conflicted: row.9, bodyHLC: stamp(row.10, "notes.body_hlc"), anchorHLC: hlc(row.11, "notes.anchor_hlc")
            )
            found[row.0] = ReaderModels.Resolver.StoredNote(record: record, deleted: row.12)
        }
        return found
    }

    static func subscriptions(
        user: Int64, _ urls: [String], _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [String: SubscriptionRecord] {
        guard !urls.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT url, title, tags, subscribed, hlc FROM subscriptions WHERE user_id = \(user) AND url = ANY(\(urls))
            """, logger: logger)
        var found: [String: SubscriptionRecord] = [:]
        for try await (url, title, tags, subscribed, stamp) in rows.decode((String, ByteBuffer?, String, Bool, String).self) {
            found[url] = try SubscriptionRecord(
                url: url, title: text(title), tags: JSONValue.strings(in: tags), subscribed: subscribed, hlc: self.stamp(stamp, "subscriptions.hlc")
            )
        }
        return found
    }

    // MARK: Writing a user's records

    static func saveState(user: Int64, _ state: ArticleStateRecord, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let tags = tagsText(state.tags)
        let stamps = (state.hlc.read?.description, state.hlc.starred?.description, state.hlc.progress?.description, state.hlc.tags?.description)
        try await connection.query("""
            INSERT INTO article_states (user_id, article_id, read, starred, progress, tags, read_hlc, starred_hlc, progress_hlc, tags_hlc)
            VALUES (\(user), \(state.articleID), \(state.read), \(state.starred), \(state.progress), \(tags),
              \(stamps.0), \(stamps.1), \(stamps.2), \(stamps.3))
            ON CONFLICT (user_id, article_id) DO UPDATE SET read = EXCLUDED.read, starred = EXCLUDED.starred,
              progress = EXCLUDED.progress, tags = EXCLUDED.tags, read_hlc = EXCLUDED.read_hlc,
              starred_hlc = EXCLUDED.starred_hlc, progress_hlc = EXCLUDED.progress_hlc, tags_hlc = EXCLUDED.tags_hlc
            """, logger: logger)
    }

    /// Saves the note and its body at this revision, which a later edit made on it merges against.
    static func saveNote(user: Int64, _ note: ReaderModels.Resolver.StoredNote, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let record = note.record
        let revision = Int64(record.revision)
        try await connection.query("""
            INSERT INTO notes (user_id, id, article_id, anchor_exact, anchor_prefix, anchor_suffix, body, created_at,
              updated_at, revision, conflicted, body_hlc, anchor_hlc, deleted)
            VALUES (\(user), \(record.id), \(record.articleID), \(bytes(record.anchor?.exact)), \(bytes(record.anchor?.prefix)),
              \(bytes(record.anchor?.suffix)), \(ByteBuffer(string: record.body)), \(record.createdAt), \(record.updatedAt),
              \(revision), \(record.conflicted), \(record.bodyHLC.description), \(record.anchorHLC?.description), \(note.deleted))
            ON CONFLICT (user_id, id) DO UPDATE SET article_id = EXCLUDED.article_id, anchor_exact = EXCLUDED.anchor_exact,
              anchor_prefix = EXCLUDED.anchor_prefix, anchor_suffix = EXCLUDED.anchor_suffix, body = EXCLUDED.body,
              created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, revision = EXCLUDED.revision,
              conflicted = EXCLUDED.conflicted, body_hlc = EXCLUDED.body_hlc, anchor_hlc = EXCLUDED.anchor_hlc,
              deleted = EXCLUDED.deleted
            """, logger: logger)
        try await connection.query("""
            INSERT INTO note_revisions (user_id, note_id, revision, body) VALUES (\(user), \(record.id), \(revision), \(ByteBuffer(string: record.body)))
            ON CONFLICT (user_id, note_id, revision) DO UPDATE SET body = EXCLUDED.body
            """, logger: logger)
    }

    static func saveSubscription(user: Int64, _ record: SubscriptionRecord, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let tags = tagsText(record.tags)
        try await connection.query("""
            INSERT INTO subscriptions (user_id, url, title, tags, subscribed, hlc)
            VALUES (\(user), \(record.url), \(bytes(record.title)), \(tags), \(record.subscribed), \(record.hlc.description))
            ON CONFLICT (user_id, url) DO UPDATE SET title = EXCLUDED.title, tags = EXCLUDED.tags,
              subscribed = EXCLUDED.subscribed, hlc = EXCLUDED.hlc
            """, logger: logger)
    }

    /// Tags are stored as a JSON array of strings, as on SQLite.
    static func tagsText(_ tags: [String]) -> String {
        var writer = JSONWriter()
        writer.stringArray(tags)
        return writer.text
    }

    /// The stamp stored in `column` (`table.column`); nil for NULL, and text that is no
    /// stamp throws rather than being read as none.
    static func hlc(_ text: String?, _ column: String) throws -> HLC? {
        guard let text else { return nil }
        return try stamp(text, column)
    }

    /// The stamp stored in a NOT NULL `column`; text that is no stamp throws.
    static func stamp(_ text: String, _ column: String) throws -> HLC {
        guard let stamp = HLC(text) else { throw UnknownValue(description: "\(column) holds \(text), which is no clock stamp") }
        return stamp
    }
}
