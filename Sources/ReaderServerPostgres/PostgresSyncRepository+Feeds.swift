import Foundation
import PostgresNIO
import ReaderFeeds
import ReaderFetch
import ReaderModels
import ReaderServer

/// The feeds on PostgreSQL: the SQLite engine's `SQLiteSyncRepository+Feeds.swift`,
/// statement for statement, with two differences that several instances need.
///
/// - A refresh claims its feeds (`PostgresFeedClaims`): each due feed goes to one instance,
///   which holds it for a lease; the outcome of the fetch then sets `next_fetch_at`, and a
///   success sets it one refresh interval ahead (SQLite clears it), so the instances together
///   fetch a feed once an interval.
/// - A write of fetched articles takes the source's advisory lock, then the change feed of
///   every user it may write to, in ascending order, as an import does (docs/POSTGRES.md).
extension PostgresSyncRepository: FeedRepository {
    public func userExists(named name: String) async throws -> Bool {
        try await write { connection, logger in try await Self.feedUserID(named: name, connection, logger) != nil }
    }

    static func feedUserID(named name: String, _ connection: PostgresConnection, _ logger: Logger) async throws -> Int64? {
        for try await id in try await connection.query("SELECT id FROM users WHERE name = \(name)", logger: logger)
            .decode(Int64.self) { return id }
        return nil
    }

    /// Subscribes `user` to the feed a fetch found, writes what it fetched, and reports it.
    /// The subscription is written as a pushed `set` would be, stamped by the server's clock,
    /// with a change row so the user's devices pull it.
    public func subscribe(user name: String, to result: FeedFetchResult, given: String) async throws -> FeedAddReport {
        let url = result.url.absoluteString
        return try await writeRetrying { connection, logger in
            guard let user = try await Self.feedUserID(named: name, connection, logger) else {
                throw RepositoryError.unknownUser(name)
            }
            // The source is keyed as every later refresh keys it: by the URL first subscribed to.
            var sourceKey = url
            for try await key in try await connection.query("SELECT source_key FROM feeds WHERE url = \(url)", logger: logger)
                .decode(String.self) { sourceKey = key }
            let fetched = result.subscribed(sourceKey: sourceKey)
            try await Self.lockForFeedWrite(
                sources: Self.sources(of: fetched, sourceKey: sourceKey), urls: [url], users: [user], connection, logger
            )
            let sourceID = Fingerprint.sourceID(key: sourceKey)
            try await connection.query("""
                INSERT INTO feeds (url, source_key, source_id) VALUES (\(url), \(sourceKey), \(sourceID)) ON CONFLICT (url) DO NOTHING
                """, logger: logger)
            // The key was read before any lock: a refresh on another instance may have moved
            // a feed to this URL since, keeping its own key. The insert waited for that move
            // to commit, so the row read now is the one to write under.
            for try await key in try await connection.query("SELECT source_key FROM feeds WHERE url = \(url)", logger: logger)
                .decode(String.self) where key != sourceKey {
                throw TransactionRetry(description: "the feed at \(url) moved while it was being subscribed to; try again")
            }
            let current = try await PostgresRecords.subscriptions(user: user, [url], connection, logger)[url]
            let already = current?.subscribed == true
            if !already {
                try await self.setSubscription(
                    user: user, url: url, subscribed: true, title: current?.title ?? result.feed?.title,
                    tags: current?.tags ?? [], connection, logger
                )
            }
            let stored = try await Self.storedFeeds(urls: [url], connection, logger).first
            let counts = try await self.record(
                .success(fetched), for: stored ?? StoredFeed(url: url, sourceKey: sourceKey), connection, logger
            )
            try await PostgresServerClock.save(self.clock, connection, logger)
            return FeedAddReport(
                url: url, discoveredFrom: url == given ? nil : given, title: result.feed?.title,
                alreadySubscribed: already, new: counts.new, updated: counts.updated
            )
        }
    }

    /// Unsubscribes `user` from the feed at `url`: a subscription `set` with subscribed false.
    public func unsubscribe(user name: String, from url: String) async throws {
        try await write { connection, logger in
            guard let user = try await Self.feedUserID(named: name, connection, logger) else {
                throw RepositoryError.unknownUser(name)
            }
            try await PostgresChangeFeed.lock(users: [user], connection, logger)
            guard let current = try await PostgresRecords.subscriptions(user: user, [url], connection, logger)[url],
                  current.subscribed
            else {
                throw RepositoryError.notSubscribed(name, to: url)
            }
            try await self.setSubscription(
                user: user, url: url, subscribed: false, title: current.title, tags: current.tags, connection, logger
            )
            try await PostgresServerClock.save(self.clock, connection, logger)
        }
    }

    /// Every feed the server knows, with how many users read it.
    public func feeds() async throws -> [ServerFeed] {
        try await write { connection, logger in
            let rows = try await connection.query("""
                SELECT url, title, site_url,
                  (SELECT count(*) FROM subscriptions s WHERE s.url = feeds.url AND s.subscribed),
                  last_fetch_at, last_status, last_error, consecutive_failures, next_fetch_at
                FROM feeds ORDER BY url
                """, logger: logger)
            var feeds: [ServerFeed] = []
            for try await row in rows.decode((String, String?, String?, Int64, String?, Int32?, String?, Int32, String?).self) {
                feeds.append(ServerFeed(
                    url: row.0, title: row.1, siteURL: row.2, subscribers: Int(row.3), lastFetchAt: row.4,
                    lastStatus: row.5.map(Int.init), lastError: row.6, consecutiveFailures: Int(row.7), nextFetchAt: row.8
                ))
            }
            return feeds
        }
    }

    /// Claims up to `claim.limit` subscribed feeds due now (backing off ones too with
    /// `force`) for `claim.lease`, leaving out those another instance holds (see
    /// `PostgresFeedClaims`), and counts the subscribed feeds backing off.
    ///
    /// A subscription a device pushed has its feed row made by the push; this catches any
    /// made before, as on SQLite.
    public func feedsDue(_ claim: FeedClaim) async throws -> DueFeeds {
        let nowMillis = clock.now()
        let now = Timestamp.format(millis: nowMillis)
        let leaseMillis = claim.lease.components.seconds * 1000 + claim.lease.components.attoseconds / 1_000_000_000_000_000
        let leaseUntil = Timestamp.format(millis: nowMillis + max(leaseMillis, 1000))
        return try await write { connection, logger in
            var missing: [String] = []
            for try await url in try await connection.query("""
                SELECT DISTINCT url FROM subscriptions s WHERE subscribed
                  AND NOT EXISTS (SELECT 1 FROM feeds f WHERE f.url = s.url) ORDER BY url
                """, logger: logger).decode(String.self) { missing.append(url) }
            let library = PostgresLibrary(connection, logger, now: now)
            for url in missing { try await library.ensureFeed(url: url) }
            let claimed = try await PostgresFeedClaims.claim(
                now: now, leaseUntil: leaseUntil, limit: claim.limit, force: claim.force,
                excluding: claim.excluding.sorted(), connection, logger
            )
            let passed = claim.excluding.sorted() + claimed.map(\.url)
            var skipped: Int64 = 0
            for try await count in try await connection.query("""
                SELECT count(*) FROM feeds f
                WHERE f.consecutive_failures > 0 AND f.next_fetch_at > \(now) AND f.url <> ALL(\(passed))
                  AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.url = f.url AND s.subscribed)
                """, logger: logger).decode(Int64.self) { skipped = count }
            return DueFeeds(feeds: claimed, skipped: Int(skipped), more: claimed.count == claim.limit)
        }
    }

    /// Writes one fetch's outcome in one transaction; see `record(_:for:_:_:)`.
    public func recordFetch(_ result: Result<FeedFetchResult, FeedFetchError>, for feed: StoredFeed) async throws -> (new: Int, updated: Int) {
        try await writeRetrying { connection, logger in
            if case .success(let fetched) = result {
                var urls = [feed.url]
                if let moved = fetched.newURL?.absoluteString { urls.append(moved) }
                try await Self.lockForFeedWrite(
                    sources: Self.sources(of: fetched, sourceKey: feed.sourceKey), urls: urls, users: [], connection, logger
                )
            }
            let counts = try await self.record(result, for: feed, connection, logger)
            try await PostgresServerClock.save(self.clock, connection, logger)
            return (counts.new, counts.updated)
        }
    }

    /// Marks a feed whose URL no fetch can use (a device may push any text as a URL).
    public func recordUnusable(_ feed: StoredFeed) async throws {
        try await write { connection, logger in
            try await self.recordFailure(
                feed, reason: "\"\(feed.url)\" is not a valid http or https address.", status: nil, retryAfter: nil,
                at: self.clock.now(), connection, logger
            )
        }
    }

    // MARK: Inside a transaction

    /// The sources a fetch writes articles of: its feed's and its entries'.
    static func sources(of fetched: FeedFetchResult, sourceKey: String) -> [String] {
        var sources: Set<String> = [Fingerprint.sourceID(key: sourceKey)]
        for entry in fetched.feed?.entries ?? [] { sources.insert(entry.source.id) }
        return sources.sorted()
    }

    /// Takes the locks a write of fetched articles needs, in the one order every writer of
    /// many feeds uses: the sources' advisory locks (two writers of one source's articles
    /// run one after the other), then the change feeds of everyone it may write to (the
    /// subscribers of `urls` and of the sources, whoever holds one of their articles, and
    /// `users`), ascending. A push takes no source lock, so no cycle of waits can form.
    static func lockForFeedWrite(
        sources: [String], urls: [String], users: [Int64], _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        for sourceID in sources {
            let key = "source " + sourceID
            try await connection.run("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger)
        }
        var audience = Set(users)
        for try await user in try await connection.query("""
            SELECT s.user_id FROM subscriptions s WHERE s.subscribed AND s.url = ANY(\(urls))
            UNION SELECT s.user_id FROM feeds f JOIN subscriptions s ON s.url = f.url AND s.subscribed
              WHERE f.source_id = ANY(\(sources))
            UNION SELECT l.user_id FROM articles a JOIN library l ON l.article_id = a.id WHERE a.source_id = ANY(\(sources))
            """, logger: logger).decode(Int64.self) { audience.insert(user) }
        try await PostgresChangeFeed.lock(users: Array(audience), connection, logger)
    }

    static func storedFeeds(urls: [String], _ connection: PostgresConnection, _ logger: Logger) async throws -> [StoredFeed] {
        try await PostgresFeedClaims.decode(
            connection.query("SELECT \(unescaped: PostgresFeedClaims.columns) FROM feeds WHERE url = ANY(\(urls)) ORDER BY url", logger: logger)
        )
    }

    /// Records a fetch: on failure the error and the backoff; on success the validators,
    /// the feed's move (a permanent redirect), its next fetch one interval ahead, and its
    /// articles, written as `articles import` writes them. A 304 only updates the fetch
    /// state: no parse, no change row.
    private func record(
        _ result: Result<FeedFetchResult, FeedFetchError>, for feed: StoredFeed, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> (new: Int, updated: Int) {
        let nowMillis = clock.now()
        let now = Timestamp.format(millis: nowMillis)
        switch result {
        case .failure(let error):
            try await recordFailure(
                feed, reason: error.description, status: error.status, retryAfter: error.retryAfter, at: nowMillis,
                connection, logger
            )
            return (0, 0)
        case .success(let fetched):
            var url = feed.url
            if let moved = fetched.newURL?.absoluteString, moved != feed.url {
                try await moveFeed(from: feed.url, to: moved, now: now, connection, logger)
                url = moved
            }
            let next = Timestamp.format(millis: nowMillis + refreshMillis)
            try await connection.query("""
                UPDATE feeds SET etag = \(fetched.validators.etag), last_modified = \(fetched.validators.lastModified),
                  last_fetch_at = \(now), last_status = \(fetched.status), last_error = NULL, consecutive_failures = 0,
                  next_fetch_at = \(next), title = COALESCE(\(fetched.feed?.title), title),
                  site_url = COALESCE(\(fetched.feed?.siteURL), site_url)
                WHERE url = \(url)
                """, logger: logger)
            guard let parsed = fetched.feed else { return (0, 0) }
            let writer = PostgresContentWriter(connection, logger, now: now, importers: [])
            for draft in parsed.entries { try await writer.save(draft) }
            return (writer.new, writer.updated)
        }
    }

    /// Records a failed fetch: its reason, and when to try again (`FeedBackoff`), so one
    /// broken feed waits longer and longer while the others go on.
    private func recordFailure(
        _ feed: StoredFeed, reason: String, status: Int?, retryAfter: Duration?, at nowMillis: Int64,
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let failures = feed.consecutiveFailures + 1
        let next = FeedBackoff.nextFetch(
            after: failures, at: Date(timeIntervalSince1970: Double(nowMillis) / 1000), retryAfter: retryAfter
        )
        try await connection.query("""
            UPDATE feeds SET last_fetch_at = \(Timestamp.format(millis: nowMillis)), last_status = \(status),
              last_error = \(reason), consecutive_failures = \(failures), next_fetch_at = \(Timestamp.format(next))
            WHERE url = \(feed.url)
            """, logger: logger)
    }

    /// Points a feed, and every subscription to it, at the URL it moved to. The feed keeps
    /// its source key, so its articles keep their ids; each subscriber gets two subscription
    /// changes (the new URL subscribed, the old one not), as a device moving it would push.
    private func moveFeed(from old: String, to new: String, now: String, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let library = PostgresLibrary(connection, logger, now: now)
        let oldSource = try await library.sourceID(ofFeed: old)
        var taken = false
        for try await exists in try await connection.query(
            "SELECT EXISTS (SELECT 1 FROM feeds WHERE url = \(new))", logger: logger
        ).decode(Bool.self) { taken = exists }
        if taken {
            try await connection.query("DELETE FROM feeds WHERE url = \(old)", logger: logger)
        } else {
            try await connection.query("UPDATE feeds SET url = \(new) WHERE url = \(old)", logger: logger)
        }
        var subscribers: [Int64] = []
        for try await user in try await connection.query(
            "SELECT user_id FROM subscriptions WHERE url = \(old) AND subscribed ORDER BY user_id", logger: logger
        ).decode(Int64.self) { subscribers.append(user) }
        for user in subscribers {
            let records = try await PostgresRecords.subscriptions(user: user, [old, new], connection, logger)
            guard let record = records[old] else { continue }
            if records[new]?.subscribed != true {
                try await setSubscription(
                    user: user, url: new, subscribed: true, title: record.title, tags: record.tags, connection, logger
                )
            }
            try await setSubscription(
                user: user, url: old, subscribed: false, title: record.title, tags: record.tags, connection, logger
            )
            // When the new URL was another feed already, the old one's articles are held
            // through nothing now but what the user kept.
            if taken, let oldSource {
                try await PostgresLibrary(connection, logger, now: now).unfollow(user: user, source: oldSource)
            }
        }
    }

    /// Writes a subscription exactly as a pushed `set` from a device would be applied
    /// (`Resolver.applySubscription`), stamped by the server's clock, with its change row.
    private func setSubscription(
        user: Int64, url: String, subscribed: Bool, title: String?, tags: [String],
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        var fields: JSONObject = ["subscribed": .bool(subscribed), "tags": .strings(tags)]
        if let title { fields["title"] = .string(title) }
        let current = try await PostgresRecords.subscriptions(user: user, [url], connection, logger)[url]
        let record: SubscriptionRecord
        do {
            (record, _) = try ReaderModels.Resolver.applySubscription(fields, url: url, hlc: clock.tick(), to: current)
        } catch {
            throw RepositoryError("cannot subscribe to \(url): \(error.message)")
        }
        guard record != current else { return }
        let now = nowText
        try await PostgresRecords.saveSubscription(user: user, record, connection, logger)
        try await PostgresChangeFeed.record(
            user: user, entity: ChangeEntity.subscription.rawValue, id: url, at: now, connection, logger
        )
        try await PostgresLibrary(connection, logger, now: now).subscriptionChanged(user: user, from: current, to: record)
    }
}

extension PostgresLibrary {
    /// What `user` holds of source `sourceID` is judged again, after the feed that linked
    /// them moved onto another feed (see `Library.unfollow(user:source:)`): their articles
    /// of it are reconciled, and the source leaves their devices when nothing holds it.
    func unfollow(user: Int64, source sourceID: String) async throws {
        var ids: [String] = []
        for try await id in try await connection.query("""
            SELECT l.article_id FROM library l JOIN articles a ON a.id = l.article_id
            WHERE l.user_id = \(user) AND a.source_id = \(sourceID) ORDER BY a.first_seen_at, a.id
            """, logger: logger).decode(String.self) { ids.append(id) }
        try await reconcile(user: user, articles: ids)
        var unheld = false
        for try await value in try await connection.query("""
            SELECT EXISTS (SELECT 1 FROM changes WHERE user_id = \(user) AND entity = 'source' AND entity_id = \(sourceID)
                             AND NOT deleted)
              AND NOT EXISTS (SELECT 1 FROM library l JOIN articles a ON a.id = l.article_id
                                WHERE l.user_id = \(user) AND a.source_id = \(sourceID))
            """, logger: logger).decode(Bool.self) { unheld = value }
        if unheld, try await !isSubscribed(user: user, toSource: sourceID) {
            try await PostgresChangeFeed.record(
                user: user, entity: ChangeEntity.source.rawValue, id: sourceID, deleted: true, at: now, connection, logger
            )
        }
    }
}
