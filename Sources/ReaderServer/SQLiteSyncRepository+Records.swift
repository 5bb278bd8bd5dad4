import Foundation
import GRDB
import ReaderModels

/// How wire records are read from and written to their tables. SQL stays here and in the
/// other `SQLiteSyncRepository+…` files; the records themselves are plain values.
enum RecordRows {
    static let sourceColumns = "id, key, kind, title, site_url, feed_url"

    static func source(_ row: Row) throws -> SourceRecord {
        try SourceRecord(
            id: row[0], key: row[1], kind: UnreadableStoredValue.decode(row[2], as: SourceKind.self, table: "sources", column: "kind"),
            title: row[3],
            siteURL: row[4], feedURL: row[5]
        )
    }

    static let articleColumns = """
        id, source_id, guid, url, title, author, published_at, updated_at, summary, html, text,
        content_hash, first_seen_at
        """

    static func article(_ row: Row) -> ArticleRecord {
        ArticleRecord(
            id: row[0], sourceID: row[1], guid: row[2], url: row[3], title: row[4], author: row[5],
            publishedAt: row[6], updatedAt: row[7], summary: row[8], html: row[9], text: row[10],
            contentHash: row[11], firstSeenAt: row[12]
        )
    }

    static let stateColumns = "article_id, read, starred, progress, tags, read_hlc, starred_hlc, progress_hlc, tags_hlc"

    static func state(_ row: Row) throws -> ArticleStateRecord {
        try ArticleStateRecord(
            articleID: row[0], read: row[1], starred: row[2], progress: row[3], tags: tags(row[4]),
            hlc: StateStamps(
                read: hlc(row[5], "article_states", "read_hlc"), starred: hlc(row[6], "article_states", "starred_hlc"),
                progress: hlc(row[7], "article_states", "progress_hlc"), tags: hlc(row[8], "article_states", "tags_hlc")
            )
        )
    }

    static func saveState(_ db: Database, user: Int64, _ state: ArticleStateRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO article_states (user_id, article_id, read, starred, progress, tags,
                  read_hlc, starred_hlc, progress_hlc, tags_hlc)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, article_id) DO UPDATE SET read = excluded.read,
                  starred = excluded.starred, progress = excluded.progress, tags = excluded.tags,
                  read_hlc = excluded.read_hlc, starred_hlc = excluded.starred_hlc,
                  progress_hlc = excluded.progress_hlc, tags_hlc = excluded.tags_hlc
                """,
            arguments: [
                user, state.articleID, state.read, state.starred, state.progress, tagsText(state.tags),
                state.hlc.read?.description, state.hlc.starred?.description,
                state.hlc.progress?.description, state.hlc.tags?.description,
            ]
        )
    }

    /// The note's text (quote and body) is read byte-exact: see `ExactText`.
    static let noteColumns = """
        id, article_id, \(ExactText.column("anchor_exact")), \(ExactText.column("anchor_prefix")),
        \(ExactText.column("anchor_suffix")), \(ExactText.column("body")), created_at, updated_at,
        revision, conflicted, body_hlc, anchor_hlc, deleted
        """

    static func note(_ row: Row) throws -> Resolver.StoredNote {
        let record = try NoteRecord(
            id: row[0], articleID: row[1],
            anchor: row.exactText(2).map { TextQuoteSelector(exact: $0, prefix: row.exactText(3) ?? "", suffix: row.exactText(4) ?? "") },
            body: row.exactText(5) ?? "", createdAt: row[6], updatedAt: row[7], revision: row[8], conflicted: row[9],
            bodyHLC: requiredHLC(row[10], "notes", "body_hlc"), anchorHLC: hlc(row[11], "notes", "anchor_hlc")
        )
        return Resolver.StoredNote(record: record, deleted: row[12])
    }

    static func saveNote(_ db: Database, user: Int64, _ note: Resolver.StoredNote) throws {
        let record = note.record
        try db.execute(
            sql: """
                INSERT INTO notes (user_id, id, article_id, anchor_exact, anchor_prefix, anchor_suffix,
                  body, created_at, updated_at, revision, conflicted, body_hlc, anchor_hlc, deleted)
                VALUES (?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, id) DO UPDATE SET article_id = excluded.article_id,
                  anchor_exact = excluded.anchor_exact, anchor_prefix = excluded.anchor_prefix,
                  anchor_suffix = excluded.anchor_suffix, body = excluded.body,
                  created_at = excluded.created_at, updated_at = excluded.updated_at,
                  revision = excluded.revision, conflicted = excluded.conflicted,
                  body_hlc = excluded.body_hlc, anchor_hlc = excluded.anchor_hlc, deleted = excluded.deleted
                """,
            arguments: [
                user, record.id, record.articleID, ExactText.argument(record.anchor?.exact),
                ExactText.argument(record.anchor?.prefix), ExactText.argument(record.anchor?.suffix),
                ExactText.argument(record.body), record.createdAt, record.updatedAt, record.revision,
                record.conflicted, record.bodyHLC.description, record.anchorHLC?.description, note.deleted,
            ]
        )
        // The body at every revision, so a later edit made on this revision merges against it.
        try db.execute(
            sql: "INSERT OR REPLACE INTO note_revisions (user_id, note_id, revision, body) VALUES (?, ?, ?, CAST(? AS TEXT))",
            arguments: [user, record.id, record.revision, ExactText.argument(record.body)]
        )
    }

    /// The title a device gave is read byte-exact: see `ExactText`.
    static let subscriptionColumns = "url, \(ExactText.column("title")), tags, subscribed, hlc"

    static func subscription(_ row: Row) throws -> SubscriptionRecord {
        try SubscriptionRecord(
            url: row[0], title: row.exactText(1), tags: tags(row[2]), subscribed: row[3],
            hlc: requiredHLC(row[4], "subscriptions", "hlc")
        )
    }

    static func saveSubscription(_ db: Database, user: Int64, _ record: SubscriptionRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO subscriptions (user_id, url, title, tags, subscribed, hlc) VALUES (?, ?, CAST(? AS TEXT), ?, ?, ?)
                ON CONFLICT (user_id, url) DO UPDATE SET title = excluded.title, tags = excluded.tags,
                  subscribed = excluded.subscribed, hlc = excluded.hlc
                """,
            arguments: [
                user, record.url, ExactText.argument(record.title), tagsText(record.tags), record.subscribed, record.hlc.description,
            ]
        )
    }

    /// Records a change so every device of `user` pulls it: the entity's
    /// old change row goes and a new one takes the next sequence number.
    static func recordChange(
        _ db: Database, user: Int64, entity: ChangeEntity, id: String, deleted: Bool = false, at now: String
    ) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO changes (user_id, entity, entity_id, deleted, changed_at) VALUES (?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [user, entity.rawValue, id, deleted, now])
    }

    /// Tags are stored as a JSON array of strings.
    static func tagsText(_ tags: [String]) -> String {
        var writer = JSONWriter()
        writer.stringArray(tags)
        return writer.text
    }

    static func tags(_ text: String?) -> [String] {
        JSONValue.strings(in: text)
    }

    /// The stamp stored in `table`.`column`; nil for NULL, and text that is no stamp throws.
    static func hlc(_ text: String?, _ table: String, _ column: String) throws -> HLC? {
        guard let text else { return nil }
        guard let stamp = HLC(text) else { throw UnreadableStoredValue(table: table, column: column, value: text) }
        return stamp
    }

    /// The stamp stored in a NOT NULL `table`.`column`; text that is no stamp throws.
    static func requiredHLC(_ text: String?, _ table: String, _ column: String) throws -> HLC {
        guard let stamp = try hlc(text, table, column) else { throw UnreadableStoredValue(table: table, column: column, value: "NULL") }
        return stamp
    }
}
