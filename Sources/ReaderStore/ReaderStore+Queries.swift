import Foundation
import GRDB
import ReaderModels

/// Which articles a listing shows.
public struct ArticleFilter: Hashable, Sendable {
    public var unreadOnly: Bool
    public var starredOnly: Bool
    /// Only the articles of this feed: its source's id, as `Source` and ``FeedSubscription`` give it.
    public var sourceID: String?
    /// Only the articles that carry this tag (compared after trimming spaces, case kept).
    public var tag: String?
    public var limit: Int

    public init(unreadOnly: Bool = false, starredOnly: Bool = false, sourceID: String? = nil, tag: String? = nil, limit: Int = 50) {
        self.unreadOnly = unreadOnly
        self.starredOnly = starredOnly
        self.sourceID = sourceID
        self.tag = tag
        self.limit = limit
    }
}

/// Counts and sync bookkeeping, for `reader status` and an app's settings screen.
public struct StoreStatus: Hashable, Sendable, Codable {
    public var articles: Int
    public var unread: Int
    public var starred: Int
    public var notes: Int
    public var conflictedNotes: Int
    public var sources: Int
    public var subscriptions: Int
    public var pendingMutations: Int
    /// Mutations the server refused (see `rejectedMutations()`).
    public var rejectedMutations: Int
    /// Notes whose quoted passage is no longer in their article.
    public var orphanedNotes: Int
    /// This device's id.
    public var deviceID: String
    /// The server it syncs with; nil when none is set.
    public var serverURL: URL?
    /// The last cursor applied.
    public var cursor: String?
    /// When a pull last reached the end of the change feed.
    public var lastSyncAt: Date?
    /// The database's size on disk: its file and its WAL, in bytes.
    public var databaseBytes: Int64 = 0

    enum CodingKeys: String, CodingKey {
        case articles, unread, starred, notes, conflictedNotes = "conflicted_notes", sources, subscriptions
        case pendingMutations = "pending_mutations", rejectedMutations = "rejected_mutations"
        case orphanedNotes = "orphaned_notes", deviceID = "device_id", serverURL = "server_url", cursor
        case lastSyncAt = "last_sync_at", databaseBytes = "database_bytes"
    }
}

extension ReaderStore {
    /// Articles newest first (by publication date, else by when they were first seen).
    public func articles(_ filter: ArticleFilter = ArticleFilter()) throws -> [ArticleSummary] {
        let query = ArticleQuery(filter)
        return try read { db in try query.fetch(db) }
    }

    /// One article with its body and state.
    public func article(id: String) throws -> Article {
        try read { db in try Self.article(db, id: id) }
    }

    static func article(_ db: Database, id: String) throws -> Article {
        guard let row = try Row.fetchOne(db, sql: Article.selectSQL + " WHERE a.id = ?", arguments: [id]) else {
            throw StoreError.articleNotFound(id)
        }
        return try Article(row: row)
    }

    /// Notes that are not deleted, oldest first; of one article when `articleID` is given.
    public func notes(articleID: String? = nil, conflictedOnly: Bool = false) throws -> [Note] {
        try read { db in try Self.notes(db, articleID: articleID, conflictedOnly: conflictedOnly) }
    }

    static func notes(_ db: Database, articleID: String?, conflictedOnly: Bool) throws -> [Note] {
        if let articleID, try !db.exists("articles WHERE id = ?", [articleID]) {
            throw StoreError.articleNotFound(articleID)
        }
        var sql = "SELECT \(Note.columns()) FROM notes WHERE deleted = 0"
        var arguments: StatementArguments = []
        if let articleID {
            sql += " AND article_id = ?"
            arguments += [articleID]
        }
        if conflictedOnly { sql += " AND conflicted = 1" }
        return try Row.fetchAll(db, sql: sql + " ORDER BY created_at, id", arguments: arguments).map(Note.init(row:))
    }

    /// One note, unless it is deleted.
    public func note(id: String) throws -> Note {
        try read { db in try Self.note(db, id: id) }
    }

    static func note(_ db: Database, id: String) throws -> Note {
        guard let note = try Note.fetchLive(db, id: id) else { throw StoreError.noteNotFound(id) }
        return note
    }

    /// The outbox in the order it will be pushed.
    public func pendingMutations(limit: Int = .max) throws -> [Mutation] {
        try read { db in try Self.pendingMutations(db, limit: limit) }
    }

    static func pendingMutations(_ db: Database, limit: Int) throws -> [Mutation] {
        try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY seq LIMIT ?", arguments: [limit]).map(Mutation.init(row:))
    }

    /// The sources articles came from, by title.
    public func sources() throws -> [Source] {
        try read(Self.sources)
    }

    static func sources(_ db: Database) throws -> [Source] {
        try Row.fetchAll(db, sql: "SELECT * FROM sources ORDER BY title, id").map { row in
            Source(
                id: row["id"], key: row["key"], kind: try row.stored(SourceKind.self, "kind", in: "sources"),
                title: row["title"], siteURL: row["site_url"], feedURL: row["feed_url"]
            )
        }
    }

    /// Counts of what the store holds and where it syncs.
    public func status() throws -> StoreStatus {
        var status = try read(Self.status)
        status.databaseBytes = databaseBytes()
        return status
    }

    static func status(_ db: Database) throws -> StoreStatus {
        // The articles and the read ones are kept counts (`StoreCounts`): counting them
        // walked a million index entries at a million articles.
        let counts = try Row.fetchOne(db, sql: """
            SELECT
              c.articles, c.read,
              (SELECT count(*) FROM article_states WHERE starred = 1) AS starred,
              (SELECT count(*) FROM notes WHERE deleted = 0) AS notes,
              (SELECT count(*) FROM notes WHERE deleted = 0 AND conflicted = 1) AS conflicted,
              (SELECT count(*) FROM sources) AS sources,
              (SELECT count(*) FROM subscriptions WHERE subscribed = 1) AS subscriptions,
              (SELECT count(*) FROM outbox) AS pending,
              (SELECT count(*) FROM rejected_mutations) AS rejected,
              (SELECT count(*) FROM notes WHERE deleted = 0 AND orphaned = 1) AS orphaned,
              s.device_id, s.server_url, s.cursor, s.last_sync_at
            FROM sync_state s JOIN store_counts c ON c.id = 1 WHERE s.id = 1
            """)
        guard let counts else { throw StoreError.database("the database has no sync state row; it was not created by reader") }
        let articles: Int = counts["articles"]
        let read: Int = counts["read"]
        return StoreStatus(
            articles: articles, unread: articles - read, starred: counts["starred"], notes: counts["notes"],
            conflictedNotes: counts["conflicted"], sources: counts["sources"], subscriptions: counts["subscriptions"],
            pendingMutations: counts["pending"], rejectedMutations: counts["rejected"],
            orphanedNotes: counts["orphaned"], deviceID: counts["device_id"],
            serverURL: try counts.storedURL("server_url", in: "sync_state"), cursor: counts["cursor"],
            lastSyncAt: try counts.storedDate("last_sync_at", in: "sync_state")
        )
    }

    /// The full id of the article that `text` names: its whole id, or a unique prefix of at
    /// least 4 characters, the way git takes short commit ids.
    package func resolveArticleID(_ text: String) throws -> String {
        try resolve(text, table: "articles", extraCondition: "", notFound: StoreError.articleNotFound)
    }

    /// The id of the feed that `text` names: a feed's id as `feeds list` and `articles show`
    /// show it (whole, or a unique prefix of 4+ characters) or its URL. A feed is a subscription, or any
    /// source articles came from (an imported file, a feed another device follows).
    ///
    /// - Throws: `StoreError.feedNotFound` when nothing matches, `ambiguousID` when a short
    ///   id matches several feeds.
    package func resolveFeedID(_ text: String) throws -> String {
        let feeds = try read { db in try db.namedFeeds() }
        let key = text.lowercased()
        if feeds[key] != nil { return key }
        let byURL = feeds.filter { $0.value.contains(text) }.map(\.key)
        if byURL.count == 1 { return byURL[0] }
        if byURL.count > 1 { throw StoreError.ambiguousID(text, matches: byURL.sorted()) }
        guard key.count >= 4, key.allSatisfy(\.isHexDigit) else { throw StoreError.feedNotFound(text) }
        let matches = feeds.keys.filter { $0.hasPrefix(key) }.sorted()
        switch matches.count {
        case 0: throw StoreError.feedNotFound(text)
        case 1: return matches[0]
        default: throw StoreError.ambiguousID(text, matches: matches)
        }
    }

    /// The full id of the live note that `text` names (whole, or a unique prefix of 4+ characters).
    package func resolveNoteID(_ text: String) throws -> String {
        try resolve(text, table: "notes", extraCondition: " AND deleted = 0", notFound: StoreError.noteNotFound)
    }

    private func resolve(
        _ text: String, table: String, extraCondition: String, notFound: (String) -> StoreError
    ) throws -> String {
        let key = text.lowercased()
        return try read { db in
            if try db.exists("\(table) WHERE id = ?\(extraCondition)", [key]) {
                return key
            }
            guard key.count >= 4, key.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { throw notFound(text) }
            // A range scan on the unique index: ids are lowercase hex, so every id with this
            // prefix sorts between the prefix and the prefix followed by the highest digit.
            let matches = try String.fetchAll(
                db, sql: "SELECT id FROM \(table) WHERE id >= ? AND id < ?\(extraCondition) ORDER BY id LIMIT 6",
                arguments: [key, key + "~"]
            )
            switch matches.count {
            case 0: throw notFound(text)
            case 1: return matches[0]
            default: throw StoreError.ambiguousID(text, matches: matches)
            }
        }
    }
}

extension Database {
    /// Every feed a person can name, by id, with the URLs it is known by: each source
    /// articles came from (its key and its feed's URL), and each subscription, which has its id (the id of the source its
    /// articles will have) before a first fetch brings the source.
    func namedFeeds() throws -> [String: Set<String>] {
        var feeds: [String: Set<String>] = [:]
        // A source's key is the URL its feed was first fetched at, when it was fetched.
        for row in try Row.fetchAll(self, sql: "SELECT id, key, feed_url FROM sources") {
            let url: String? = row["feed_url"]
            feeds[row["id"], default: []].formUnion([row["key"]] + (url.map { [$0] } ?? []))
        }
        let subscriptions = try Row.fetchAll(self, sql: """
            SELECT s.url, coalesce(f.source_key, s.url) AS source_key
            FROM subscriptions s LEFT JOIN feed_fetch_state f ON f.url = s.url WHERE s.subscribed = 1
            """)
        for row in subscriptions {
            feeds[Fingerprint.sourceID(key: row["source_key"]), default: []].insert(row["url"])
        }
        return feeds
    }
}

/// The SQL of an ``ArticleFilter``, built once and run by a read or an observation.
struct ArticleQuery: Sendable {
    let sql: String
    let arguments: StatementArguments

    init(_ filter: ArticleFilter) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if filter.unreadOnly { conditions.append("coalesce(st.read, 0) = 0") }
        if filter.starredOnly { conditions.append("st.starred = 1") }
        if let source = filter.sourceID {
            conditions.append("a.source_id = ?")
            arguments += [source]
        }
        if let tag = filter.tag {
            conditions.append("EXISTS (SELECT 1 FROM json_each(st.tags) WHERE json_each.value = ?)")
            arguments += [tag.trimmingCharacters(in: .whitespacesAndNewlines)]
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        arguments += [max(0, filter.limit)]
        sql = ArticleSummary.selectSQL + whereClause + " ORDER BY a.sort_at DESC, a.id LIMIT ?"
        self.arguments = arguments
    }

    func fetch(_ db: Database) throws -> [ArticleSummary] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map(ArticleSummary.init(row:))
    }
}
