import Foundation
import GRDB
import ReaderFeeds
import ReaderFetch
import ReaderHTTP
import ReaderModels

extension StoredFeed {
    static let columns = "url, etag, last_modified, consecutive_failures, next_fetch_at, source_key"

    init(_ row: Row) {
        self.init(
            url: row[0], etag: row[1], lastModified: row[2], consecutiveFailures: row[3], nextFetchAt: row[4], sourceKey: row[5]
        )
    }
}

extension SQLiteSyncRepository: FeedRepository {
    public func userExists(named name: String) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?)", arguments: [name]) ?? false
        }
    }

    /// The id of the user named `name`.
    func userID(named name: String) async throws -> Int64 {
        try await pool.read { db in try Self.userID(db, named: name) }
    }

    static func userID(_ db: Database, named name: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE name = ?", arguments: [name]) else {
            throw RepositoryError.unknownUser(name)
        }
        return id
    }

    /// Subscribes `user` to the feed a fetch found, writes what it fetched, and reports it.
    /// The subscription is written as a pushed `set` would be, stamped by the server's clock,
    /// with a change row so the user's devices pull it.
    public func subscribe(user name: String, to result: FeedFetchResult, given: String) async throws -> FeedAddReport {
        try await pool.write { db in
            let user = try Self.userID(db, named: name)
            let url = result.url.absoluteString
            // The source is keyed as every later refresh keys it: by the URL first subscribed to.
            let sourceKey = try String.fetchOne(db, sql: "SELECT source_key FROM feeds WHERE url = ?", arguments: [url]) ?? url
            try db.execute(
                sql: "INSERT INTO feeds (url, source_key, source_id) VALUES (?, ?, ?) ON CONFLICT (url) DO NOTHING",
                arguments: [url, sourceKey, Fingerprint.sourceID(key: sourceKey)]
            )
            let current = try Self.subscription(db, user: user, url: url)
            let already = current?.subscribed == true
            if !already {
                try self.setSubscription(
                    db, user: user, url: url, subscribed: true,
                    title: current?.title ?? result.feed?.title, tags: current?.tags ?? []
                )
            }
            let fetched = result.subscribed(sourceKey: sourceKey)
            let stored = try Row.fetchOne(db, sql: "SELECT \(StoredFeed.columns) FROM feeds WHERE url = ?", arguments: [url])
                .map(StoredFeed.init)
            let counts = try self.record(db, .success(fetched), for: stored ?? StoredFeed(url: url, sourceKey: sourceKey))
            try self.saveClock(db)
            return FeedAddReport(
                url: url, discoveredFrom: url == given ? nil : given, title: result.feed?.title,
                alreadySubscribed: already, new: counts.new, updated: counts.updated
            )
        }
    }

    /// Unsubscribes `user` from the feed at `url`: a subscription `set` with subscribed false.
    public func unsubscribe(user name: String, from url: String) async throws {
        try await pool.write { db in
            let user = try Self.userID(db, named: name)
            guard let current = try Self.subscription(db, user: user, url: url), current.subscribed else {
                throw RepositoryError.notSubscribed(name, to: url)
            }
            try self.setSubscription(db, user: user, url: url, subscribed: false, title: current.title, tags: current.tags)
            try self.saveClock(db)
        }
    }

    /// Every feed the server knows, with how many users read it.
    public func feeds() async throws -> [ServerFeed] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT url, title, site_url,
                  (SELECT COUNT(*) FROM subscriptions s WHERE s.url = feeds.url AND s.subscribed = 1),
                  last_fetch_at, last_status, last_error, consecutive_failures, next_fetch_at
                FROM feeds ORDER BY url
                """).map {
                ServerFeed(
                    url: $0[0], title: $0[1], siteURL: $0[2], subscribers: $0[3], lastFetchAt: $0[4], lastStatus: $0[5],
                    lastError: $0[6], consecutiveFailures: $0[7], nextFetchAt: $0[8]
                )
            }
        }
    }

    /// The feeds at least one user is subscribed to, with the ones backing off left out
    /// unless `force`, and how many were left out: all of them at once (one process owns
    /// the file, so the claim's limit and lease do not apply).
    ///
    /// A subscription a device pushed has no feed row yet: it gets one here, so the server
    /// fetches whatever its users read, however they subscribed.
    public func feedsDue(_ claim: FeedClaim) async throws -> DueFeeds {
        let force = claim.force
        let now = nowText
        return try await pool.write { db in
            // Pushes make the feed row with the subscription; this catches any made before.
            let library = Library(db: db, now: now)
            for url in try String.fetchAll(db, sql: """
                SELECT DISTINCT url FROM subscriptions s WHERE subscribed = 1
                  AND NOT EXISTS (SELECT 1 FROM feeds f WHERE f.url = s.url)
                """) {
                try library.ensureFeed(url: url)
            }
            let all = try Row.fetchAll(db, sql: """
                SELECT \(StoredFeed.columns) FROM feeds
                WHERE EXISTS (SELECT 1 FROM subscriptions s WHERE s.url = feeds.url AND s.subscribed = 1)
                ORDER BY url
                """).map(StoredFeed.init)
            let due = all.filter { force || ($0.nextFetchAt ?? "") <= now }
            return DueFeeds(feeds: due, skipped: all.count - due.count, more: false)
        }
    }

    /// Writes one fetch's outcome in one transaction; see `record(_:_:for:)`.
    public func recordFetch(_ result: Result<FeedFetchResult, FeedFetchError>, for feed: StoredFeed) async throws -> (new: Int, updated: Int) {
        try await pool.write { db in
            let counts = try self.record(db, result, for: feed)
            try self.saveClock(db)
            return counts
        }
    }

    /// Records a fetch: on failure the error and the backoff; on success the validators,
    /// the feed's move (a permanent redirect) and its articles, written as `articles import`
    /// writes them. A 304 only updates the fetch state: no parse, no change row.
    private func record(
        _ db: Database, _ result: Result<FeedFetchResult, FeedFetchError>, for feed: StoredFeed
    ) throws -> (new: Int, updated: Int) {
        let nowMillis = clock.now()
        let now = Timestamp.format(millis: nowMillis)
        switch result {
        case .failure(let error):
            try recordFailure(
                db, feed, reason: error.description, status: error.status, retryAfter: error.retryAfter, at: nowMillis
            )
            return (0, 0)
        case .success(let fetched):
            var url = feed.url
            if let moved = fetched.newURL?.absoluteString, moved != feed.url {
                try moveFeed(db, from: feed.url, to: moved)
                url = moved
            }
            try db.execute(
                sql: """
                    UPDATE feeds SET etag = ?, last_modified = ?, last_fetch_at = ?, last_status = ?, last_error = NULL,
                      consecutive_failures = 0, next_fetch_at = NULL,
                      title = COALESCE(?, title), site_url = COALESCE(?, site_url)
                    WHERE url = ?
                    """,
                arguments: [
                    fetched.validators.etag, fetched.validators.lastModified, now, fetched.status,
                    fetched.feed?.title, fetched.feed?.siteURL, url,
                ]
            )
            guard let parsed = fetched.feed else { return (0, 0) }
            var writer = try ContentWriter(db: db, now: now)
            for draft in parsed.entries { try writer.save(draft) }
            return (writer.new, writer.updated)
        }
    }

    /// Records a failed fetch: its reason, and when to try again (`FeedBackoff`), so one
    /// broken feed waits longer and longer while the others go on.
    func recordFailure(
        _ db: Database, _ feed: StoredFeed, reason: String, status: Int?, retryAfter: Duration?, at nowMillis: Int64
    ) throws {
        let failures = feed.consecutiveFailures + 1
        let next = FeedBackoff.nextFetch(
            after: failures, at: Date(timeIntervalSince1970: Double(nowMillis) / 1000), retryAfter: retryAfter
        )
        try db.execute(
            sql: """
                UPDATE feeds SET last_fetch_at = ?, last_status = ?, last_error = ?, consecutive_failures = ?,
                  next_fetch_at = ? WHERE url = ?
                """,
            arguments: [Timestamp.format(millis: nowMillis), status, reason, failures, Timestamp.format(next), feed.url]
        )
    }

    /// Marks a feed whose URL no fetch can use (a device may push any text as a URL).
    public func recordUnusable(_ feed: StoredFeed) async throws {
        try await pool.write { db in
            try self.recordFailure(
                db, feed, reason: "\"\(feed.url)\" is not a valid http or https address.", status: nil,
                retryAfter: nil, at: self.clock.now()
            )
        }
    }

    /// Points a feed, and every subscription to it, at the URL it moved to. The feed keeps
    /// its source key, so its articles keep their ids; each subscriber gets two subscription
    /// changes (the new URL subscribed, the old one not), as a device moving it would push.
    private func moveFeed(_ db: Database, from old: String, to new: String) throws {
        let library = Library(db: db, now: nowText)
        let oldSource = try library.sourceID(ofFeed: old)
        let taken = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM feeds WHERE url = ?)", arguments: [new]) ?? false
        if taken {
            try db.execute(sql: "DELETE FROM feeds WHERE url = ?", arguments: [old])
        } else {
            try db.execute(sql: "UPDATE feeds SET url = ? WHERE url = ?", arguments: [new, old])
        }
        let subscribers = try Int64.fetchAll(
            db, sql: "SELECT user_id FROM subscriptions WHERE url = ? AND subscribed = 1", arguments: [old]
        )
        for user in subscribers {
            guard let record = try Self.subscription(db, user: user, url: old) else { continue }
            if try Self.subscription(db, user: user, url: new)?.subscribed != true {
                try setSubscription(db, user: user, url: new, subscribed: true, title: record.title, tags: record.tags)
            }
            try setSubscription(db, user: user, url: old, subscribed: false, title: record.title, tags: record.tags)
            // When the new URL was another feed already, the old one's articles are held
            // through nothing now but what the user kept.
            if taken, let oldSource { try library.unfollow(user: user, source: oldSource) }
        }
    }

    static func subscription(_ db: Database, user: Int64, url: String) throws -> SubscriptionRecord? {
        try Row.fetchOne(
            db, sql: "SELECT \(RecordRows.subscriptionColumns) FROM subscriptions WHERE user_id = ? AND url = ?",
            arguments: [user, url]
        ).map(RecordRows.subscription)
    }

    /// Writes a subscription exactly as a pushed `set` from a device would be applied
    /// (`Resolver.applySubscription`), stamped by the server's clock, with its change row.
    private func setSubscription(
        _ db: Database, user: Int64, url: String, subscribed: Bool, title: String?, tags: [String]
    ) throws {
        var fields: JSONObject = ["subscribed": .bool(subscribed), "tags": .strings(tags)]
        if let title { fields["title"] = .string(title) }
        let current = try Self.subscription(db, user: user, url: url)
        let record: SubscriptionRecord
        do {
            (record, _) = try Resolver.applySubscription(fields, url: url, hlc: clock.tick(), to: current)
        } catch {
            throw RepositoryError("cannot subscribe to \(url): \(error.message)")
        }
        guard record != current else { return }
        try RecordRows.saveSubscription(db, user: user, record)
        try RecordRows.recordChange(db, user: user, entity: .subscription, id: url, at: nowText)
        try Library(db: db, now: nowText).subscriptionChanged(user: user, from: current, to: record)
    }
}
