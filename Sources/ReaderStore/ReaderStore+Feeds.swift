import Foundation
import GRDB
import ReaderModels

/// What the device remembers about fetching one subscribed feed. Local: never synced.
public struct FeedFetchState: Sendable, Hashable, Codable {
    /// The feed's current URL (a permanent redirect changes it), as exact text: it matches
    /// the synced subscription's URL byte for byte (see `Subscription.url`).
    public var url: String
    /// The URL the feed was first fetched at, which keys its articles' source for good.
    public var sourceKey: String
    /// The feed's title, as it last said.
    public var title: String?
    /// The feed's web site, as it last said, kept as the feed wrote it: feeds give relative
    /// and malformed links, and this is shown, not fetched.
    public var siteURL: String?
    /// The `ETag` of the last 200, sent back as `If-None-Match`.
    public var etag: String?
    /// The `Last-Modified` of the last 200, sent back as `If-Modified-Since`.
    public var lastModified: String?
    /// When the feed was last fetched, successfully or not.
    public var lastFetchAt: Date?
    /// The last HTTP status received; nil when the server was not reached.
    public var lastStatus: Int?
    /// Why the last fetch failed; nil after a success.
    public var lastError: String?
    /// How many fetches in a row have failed.
    public var consecutiveFailures: Int
    /// The earliest time to fetch again (backoff after failures); nil for any time.
    public var nextFetchAt: Date?

    /// Creates a state; a new feed has only its URL.
    package init(
        url: String, sourceKey: String? = nil, title: String? = nil, siteURL: String? = nil,
        etag: String? = nil, lastModified: String? = nil, lastFetchAt: Date? = nil, lastStatus: Int? = nil,
        lastError: String? = nil, consecutiveFailures: Int = 0, nextFetchAt: Date? = nil
    ) {
        self.url = url
        self.sourceKey = sourceKey ?? url
        self.title = title
        self.siteURL = siteURL
        self.etag = etag
        self.lastModified = lastModified
        self.lastFetchAt = lastFetchAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.consecutiveFailures = consecutiveFailures
        self.nextFetchAt = nextFetchAt
    }

    /// The id people use for the feed: its source's id, stable when the URL moves.
    public var id: String { Fingerprint.sourceID(key: sourceKey) }
}

/// A subscribed feed: the synced subscription and the local fetch state.
public struct FeedSubscription: Sendable, Hashable {
    /// The subscription's URL as exact text, its synced identity (see
    /// `Subscription.url`): not `URL`, whose parsing may re-encode it.
    public var url: String
    /// The title the user or the feed gave it.
    public var title: String?
    /// The subscription's tags (OPML folders).
    public var tags: [String]
    /// The fetch state; a feed never fetched on this device has an empty one.
    public var state: FeedFetchState

    /// The feed's id (see ``FeedFetchState/id``).
    public var id: String { state.id }
}

extension ReaderStore {
    /// The subscribed feeds, by title then URL, with their fetch state.
    public func feedSubscriptions() throws -> [FeedSubscription] {
        try read(Self.feedSubscriptions)
    }

    static func feedSubscriptions(_ db: Database) throws -> [FeedSubscription] {
        try Row.fetchAll(db, sql: """
            SELECT s.url, CAST(s.title AS BLOB) AS subscription_title, s.tags, f.*
            FROM subscriptions s LEFT JOIN feed_fetch_state f ON f.url = s.url
            WHERE s.subscribed = 1
            ORDER BY lower(coalesce(s.title, f.title, s.url)), s.url
            """).map { row in
            let url: String = row["url"]
            let state = row["source_key"] == nil ? FeedFetchState(url: url) : try FeedFetchState(row: row)
            return FeedSubscription(
                url: url, title: row.exactText("subscription_title") ?? state.title,
                tags: JSON.decodeStrings(row["tags"] ?? "[]"), state: state
            )
        }
    }

    /// The subscribed feed that `text` names: its URL, its id, or a unique prefix of the id
    /// of 4 or more characters. Nil when none matches.
    /// - Throws: `StoreError.ambiguousID` when a short id matches several feeds.
    public func feedSubscription(named text: String) throws -> FeedSubscription? {
        try Self.feedSubscription(named: text, in: feedSubscriptions())
    }

    static func feedSubscription(named text: String, in feeds: [FeedSubscription]) throws -> FeedSubscription? {
        if let feed = feeds.first(where: { $0.url == text }) { return feed }
        let key = text.lowercased()
        if let feed = feeds.first(where: { $0.id == key }) { return feed }
        guard key.count >= 4 else { return nil }
        let matches = feeds.filter { $0.id.hasPrefix(key) }
        if matches.count > 1 { throw StoreError.ambiguousID(text, matches: matches.map(\.id)) }
        return matches.first
    }

    /// The fetch state of the feed at `url`, nil when it was never fetched here.
    package func feedFetchState(url: String) throws -> FeedFetchState? {
        try read { db in try Self.feedFetchState(db, url: url) }
    }

    static func feedFetchState(_ db: Database, url: String) throws -> FeedFetchState? {
        try Row.fetchOne(db, sql: "SELECT * FROM feed_fetch_state WHERE url = ?", arguments: [url]).map { try FeedFetchState(row: $0) }
    }

    /// Saves a feed's fetch state (after a 304 or a failure), replacing what was there.
    package func saveFeedFetchState(_ state: FeedFetchState) throws {
        try write { db in try state.save(db) }
    }

    /// Imports a fetched feed's articles and saves its fetch state, in one transaction,
    /// through the same writer as `importFile`: the same ids and content hashes, a changed
    /// article updated in place (state and notes kept, quoted notes found again in the new
    /// text), new ones indexed for search in batches. Articles without a date sort by when
    /// they were first seen.
    @discardableResult
    package func importFetchedFeed(_ entries: [ArticleDraft], state: FeedFetchState) throws -> ImportReport {
        let (report, change) = try write { db in try importing(entries, state: state, db) }
        notify(change, origin: .refresh)
        return report
    }

    /// The transaction of `importFetchedFeed`, shared with its async form.
    func importing(_ entries: [ArticleDraft], state: FeedFetchState, _ db: Database) throws -> (ImportReport, StoreChange) {
        try importing(entries, state: state, db) { writer, draft in
            try writer.save(draft)
            return draft
        }
    }

    /// The transaction of `importFetchedFeed` for articles prepared off the writer.
    func importing(_ articles: [PreparedArticle], state: FeedFetchState, _ db: Database) throws -> (ImportReport, StoreChange) {
        try importing(articles, state: state, db) { writer, article in
            try writer.save(article)
            return article.draft
        }
    }

    private func importing<Entry>(
        _ entries: [Entry], state: FeedFetchState, _ db: Database,
        save: (inout ArticleWriter, Entry) throws -> ArticleDraft
    ) throws -> (ImportReport, StoreChange) {
        var writer = try ArticleWriter(db: db, now: nowText())
        var reanchored: Set<String> = []
        var format: SourceKind?
        for entry in entries {
            let updatedBefore = writer.updated
            let draft = try save(&writer, entry)
            format = format ?? draft.source.kind
            if writer.updated > updatedBefore { reanchored.formUnion(try db.reanchorNotes(articleID: draft.id, text: draft.text)) }
        }
        try state.save(db)
        var change = writer.change
        change.noteIDs = reanchored
        return (ImportReport(
            file: state.url, format: format,
            new: writer.new, updated: writer.updated, unchanged: writer.unchanged, duplicates: writer.duplicates
        ), change)
    }

    /// Subscribes to the feed at `url` (a synced edit) and gives it an empty fetch state
    /// keyed by `sourceKey` (default: the URL) unless it has one. `url` must be an absolute
    /// http(s) URL; it is stored as the exact text given, the subscription's synced identity.
    public func subscribeFeed(url: String, title: String? = nil, tags: [String] = [], sourceKey: String? = nil) throws {
        try apply(.subscribe(url: url, title: title, tags: tags))
        try write { db in try Self.giveFetchState(db, url: url, sourceKey: sourceKey) }
    }

    /// An empty fetch state for a feed just subscribed to, unless it has one.
    static func giveFetchState(_ db: Database, url: String, sourceKey: String?) throws {
        try db.execute(
            sql: "INSERT INTO feed_fetch_state (url, source_key) VALUES (?, ?) ON CONFLICT (url) DO NOTHING",
            arguments: [url, sourceKey ?? url]
        )
    }

    /// Points a subscription at the URL its feed moved to (a permanent redirect, or the feed
    /// found in a page): the subscription is moved (two synced edits, keeping its title and
    /// tags) and the fetch state follows it, keeping its source key.
    package func moveFeed(from old: String, to new: String) throws {
        guard old != new else { return }
        let (title, tags) = try read { db in try Self.subscriptionTitleAndTags(db, url: old) }
        try apply(.subscribe(url: new, title: title, tags: tags))
        try apply(.unsubscribe(url: old))
        try write { db in try Self.moveFetchState(db, from: old, to: new) }
    }

    static func subscriptionTitleAndTags(_ db: Database, url: String) throws -> (String?, [String]) {
        let row = try Row.fetchOne(
            db, sql: "SELECT \(ExactText.column("title")), tags FROM subscriptions WHERE url = ?", arguments: [url]
        )
        return (row?.exactText("title"), JSON.decodeStrings(row?["tags"] ?? "[]"))
    }

    /// The fetch state follows a moved feed, keeping its source key.
    static func moveFetchState(_ db: Database, from old: String, to new: String) throws {
        try db.execute(sql: "DELETE FROM feed_fetch_state WHERE url = ?", arguments: [new])
        try db.execute(sql: "UPDATE feed_fetch_state SET url = ? WHERE url = ?", arguments: [new, old])
    }

    /// Unsubscribes from the feed at `url` (a synced edit) and forgets its fetch state. Its
    /// articles stay, with their notes. `url` is matched as exact text, as it was subscribed.
    public func unsubscribeFeed(url: String) throws {
        try apply(.unsubscribe(url: url))
        try write { db in try Self.forgetFetchState(db, url: url) }
    }

    static func forgetFetchState(_ db: Database, url: String) throws {
        try db.execute(sql: "DELETE FROM feed_fetch_state WHERE url = ?", arguments: [url])
    }
}

extension FeedFetchState {
    /// A `feed_fetch_state` row; a date that is not a stored timestamp throws.
    init(row: Row) throws {
        self.init(
            url: row["url"], sourceKey: row["source_key"], title: row["title"], siteURL: row["site_url"],
            etag: row["etag"], lastModified: row["last_modified"],
            lastFetchAt: try row.storedDate("last_fetch_at", in: "feed_fetch_state"),
            lastStatus: row["last_status"], lastError: row["last_error"],
            consecutiveFailures: row["consecutive_failures"] ?? 0,
            nextFetchAt: try row.storedDate("next_fetch_at", in: "feed_fetch_state")
        )
    }

    func save(_ db: Database) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO feed_fetch_state (url, source_key, title, site_url, etag, last_modified,
              last_fetch_at, last_status, last_error, consecutive_failures, next_fetch_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                url, sourceKey, title, siteURL, etag, lastModified, lastFetchAt.map(Timestamp.format),
                lastStatus, lastError, consecutiveFailures, nextFetchAt.map(Timestamp.format),
            ])
    }
}

extension Database {
    /// After an article's text changed: each quoted note on it is anchored again where its
    /// quote now is (the occurrence whose surroundings match best), or flagged orphaned and
    /// kept when the passage is gone. Not a synced edit: every device that gets the new
    /// text finds the same place. Returns the ids of the notes it touched.
    @discardableResult
    func reanchorNotes(articleID: String, text: String) throws -> [String] {
        let rows = try Row.fetchAll(self, sql: """
            SELECT id, \(ExactText.column("quote_exact")), \(ExactText.column("quote_prefix")), \(ExactText.column("quote_suffix"))
            FROM notes WHERE article_id = ? AND quote_exact IS NOT NULL
            """, arguments: [articleID])
        for row in rows {
            let quote = TextQuoteSelector(
                exact: row.exactText("quote_exact") ?? "", prefix: row.exactText("quote_prefix") ?? "",
                suffix: row.exactText("quote_suffix") ?? ""
            )
            let id: String = row["id"]
            if let found = QuoteAnchor.refind(quote, in: text) {
                try execute(sql: """
                    UPDATE notes SET quote_exact = CAST(? AS TEXT), quote_prefix = CAST(? AS TEXT),
                      quote_suffix = CAST(? AS TEXT), orphaned = 0 WHERE id = ?
                    """, arguments: [
                        ExactText.argument(found.exact), ExactText.argument(found.prefix), ExactText.argument(found.suffix), id,
                    ])
            } else {
                try execute(sql: "UPDATE notes SET orphaned = 1 WHERE id = ?", arguments: [id])
            }
        }
        return rows.map { $0["id"] }
    }
}
