import PostgresNIO
import ReaderModels

/// Each user's library on PostgreSQL: the rules of the SQLite engine's `Library`, query for
/// query (read that type's documentation for the rules themselves). Used inside one
/// transaction that already holds the feed lock of every user it writes to.
///
/// Ported: what a push needs (reconcile, follow, unfollow, isKnown) and what an import
/// needs (publish, adopt, subscribers).
final class PostgresLibrary {
    let connection: PostgresConnection
    let logger: Logger
    let now: String
    /// "user source" pairs whose source this transaction knows the user's devices have.
    private var sourcesHeld: Set<String> = []

    init(_ connection: PostgresConnection, _ logger: Logger, now: String) {
        self.connection = connection
        self.logger = logger
        self.now = now
    }

    private func bool(_ query: PostgresQuery) async throws -> Bool {
        for try await value in try await connection.query(query, logger: logger).decode(Bool.self) { return value }
        return false
    }

    private func strings(_ query: PostgresQuery) async throws -> [String] {
        var found: [String] = []
        for try await value in try await connection.query(query, logger: logger).decode(String.self) { found.append(value) }
        return found
    }

    private func record(_ user: Int64, _ entity: ChangeEntity, _ id: String, deleted: Bool = false) async throws {
        try await PostgresChangeFeed.record(user: user, entity: entity.rawValue, id: id, deleted: deleted, at: now, connection, logger)
    }

    // MARK: Who follows what

    func isSubscribed(user: Int64, toSource sourceID: String) async throws -> Bool {
        try await bool("""
            SELECT EXISTS (SELECT 1 FROM feeds f JOIN subscriptions s ON s.url = f.url AND s.subscribed
              WHERE s.user_id = \(user) AND f.source_id = \(sourceID))
            """)
    }

    func sourceID(ofFeed url: String) async throws -> String? {
        for try await id in try await connection.query("SELECT source_id FROM feeds WHERE url = \(url)", logger: logger)
            .decode(String?.self) { return id }
        return nil
    }

    func ensureFeed(url: String) async throws {
        let sourceID = Fingerprint.sourceID(key: url)
        try await connection.query(
            "INSERT INTO feeds (url, source_key, source_id) VALUES (\(url), \(url), \(sourceID)) ON CONFLICT (url) DO NOTHING",
            logger: logger
        )
    }

    /// Whether `user` has ever held the article (see `Library.isKnown`).
    func isKnown(article id: String, to user: Int64) async throws -> Bool {
        try await bool("""
            SELECT EXISTS (SELECT 1 FROM changes WHERE user_id = \(user) AND entity = 'article' AND entity_id = \(id))
              AND EXISTS (SELECT 1 FROM articles WHERE id = \(id))
            """)
    }

    func subscribers(ofSource sourceID: String) async throws -> [Int64] {
        var users: [Int64] = []
        for try await user in try await connection.query("""
            SELECT DISTINCT s.user_id FROM feeds f JOIN subscriptions s ON s.url = f.url AND s.subscribed
            WHERE f.source_id = \(sourceID) ORDER BY s.user_id
            """, logger: logger).decode(Int64.self) { users.append(user) }
        return users
    }

    // MARK: Writing content

    /// A new or changed article goes to everyone who holds it, to `audience` and to
    /// `importers` (see `Library.publish(article:source:to:importers:isNew:)`).
    func publish(article id: String, source sourceID: String, to audience: [Int64], importers: [Int64], isNew: Bool) async throws {
        var holders: [Int64: Bool] = [:]
        if !isNew {
            for try await (user, imported) in try await connection.query(
                "SELECT user_id, imported FROM library WHERE article_id = \(id)", logger: logger
            ).decode((Int64, Bool).self) { holders[user] = imported }
        }
        let importing = Set(importers)
        for user in Set(audience).union(importing).union(holders.keys).sorted() {
            let imported = importing.contains(user)
            if let wasImported = holders[user] {
                if imported && !wasImported {
                    try await connection.query(
                        "UPDATE library SET imported = true WHERE user_id = \(user) AND article_id = \(id)", logger: logger
                    )
                }
                try await record(user, .article, id)
            } else {
                try await admit(user: user, article: id, source: sourceID, imported: imported, isNew: isNew)
            }
        }
    }

    /// An unchanged article imported for `users` (see `Library.adopt`).
    func adopt(article id: String, source sourceID: String, by users: [Int64]) async throws {
        for user in users {
            let marked = try await bool("""
                WITH marked AS (
                  UPDATE library SET imported = true WHERE user_id = \(user) AND article_id = \(id) RETURNING 1
                ) SELECT EXISTS (SELECT 1 FROM marked)
                """)
            if !marked { try await admit(user: user, article: id, source: sourceID, imported: true, isNew: false) }
        }
    }

    /// A source's record changed: everyone holding it, and `audience`, gets the new one.
    func publish(source sourceID: String, to audience: [Int64]) async throws {
        var holders: [Int64] = []
        for try await user in try await connection.query("""
            SELECT DISTINCT l.user_id FROM articles a JOIN library l ON l.article_id = a.id WHERE a.source_id = \(sourceID)
            """, logger: logger).decode(Int64.self) { holders.append(user) }
        for user in Set(holders).union(audience).sorted() {
            try await record(user, .source, sourceID)
            sourcesHeld.insert("\(user) \(sourceID)")
        }
    }

    // MARK: Subscribing

    func subscriptionChanged(user: Int64, from old: SubscriptionRecord?, to new: SubscriptionRecord) async throws {
        guard new.subscribed != (old?.subscribed ?? false) else { return }
        if new.subscribed {
            try await follow(user: user, url: new.url)
        } else if let sourceID = try await sourceID(ofFeed: new.url) {
            let ids = try await strings("""
                SELECT l.article_id FROM library l JOIN articles a ON a.id = l.article_id
                WHERE l.user_id = \(user) AND a.source_id = \(sourceID) ORDER BY a.first_seen_at, a.id
                """)
            try await reconcile(user: user, articles: ids)
            try await dropSourceIfUnheld(sourceID, for: user)
        }
    }

    func follow(user: Int64, url: String) async throws {
        try await ensureFeed(url: url)
        guard let sourceID = try await sourceID(ofFeed: url) else { return }
        if try await bool("SELECT EXISTS (SELECT 1 FROM sources WHERE id = \(sourceID))") {
            try await sendSource(sourceID, to: user)
        }
        let ids = try await strings("""
            SELECT id FROM articles WHERE source_id = \(sourceID) AND NOT expired ORDER BY first_seen_at, id
            """)
        try await reconcile(user: user, articles: ids)
    }

    // MARK: Reconciling

    /// Brings `user`'s holding of each of `ids` in line with the rules (see `Library.reconcile`).
    func reconcile(user: Int64, articles ids: [String]) async throws {
        var left: Set<String> = []
        for start in stride(from: 0, to: ids.count, by: 400) {
            let chunk = Array(ids[start..<min(start + 400, ids.count)])
            let rows = try await connection.query("""
                SELECT a.id, a.source_id, l.user_id IS NOT NULL, COALESCE(l.imported, false), a.expired,
                  EXISTS (SELECT 1 FROM article_states s WHERE s.user_id = \(user) AND s.article_id = a.id
                            AND (s.starred OR s.tags <> '[]'))
                    OR EXISTS (SELECT 1 FROM notes n WHERE n.user_id = \(user) AND n.article_id = a.id AND NOT n.deleted),
                  EXISTS (SELECT 1 FROM feeds f JOIN subscriptions s ON s.url = f.url AND s.subscribed
                            WHERE s.user_id = \(user) AND f.source_id = a.source_id)
                FROM articles a LEFT JOIN library l ON l.user_id = \(user) AND l.article_id = a.id
                WHERE a.id = ANY(\(chunk))
                """, logger: logger)
            var holdings: [String: (source: String, held: Bool, wanted: Bool)] = [:]
            for try await (id, source, held, imported, expired, kept, subscribed) in rows.decode(
                (String, String, Bool, Bool, Bool, Bool, Bool).self
            ) {
                holdings[id] = (source, held, kept || (!expired && (imported || subscribed)))
            }
            // In the order asked, as on SQLite, so change rows come in the same order.
            for id in chunk {
                guard let holding = holdings[id], holding.wanted != holding.held else { continue }
                if holding.wanted {
                    try await admit(user: user, article: id, source: holding.source, imported: false, isNew: false)
                } else {
                    try await connection.query(
                        "DELETE FROM library WHERE user_id = \(user) AND article_id = \(id)", logger: logger
                    )
                    try await record(user, .article, id, deleted: true)
                    left.insert(holding.source)
                }
            }
        }
        for sourceID in left.sorted() { try await dropSourceIfUnheld(sourceID, for: user) }
    }

    /// An article comes into `user`'s library, with its source, and their state and notes on
    /// it again (a device dropped them with an earlier tombstone).
    private func admit(user: Int64, article id: String, source sourceID: String, imported: Bool, isNew: Bool) async throws {
        try await connection.query(
            "INSERT INTO library (user_id, article_id, imported, added_at) VALUES (\(user), \(id), \(imported), \(now))",
            logger: logger
        )
        try await sendSource(sourceID, to: user)
        try await record(user, .article, id)
        guard !isNew else { return }
        if try await bool("SELECT EXISTS (SELECT 1 FROM article_states WHERE user_id = \(user) AND article_id = \(id))") {
            try await record(user, .articleState, id)
        }
        for note in try await strings("SELECT id FROM notes WHERE user_id = \(user) AND article_id = \(id) AND NOT deleted ORDER BY id") {
            try await record(user, .note, note)
        }
    }

    private func sendSource(_ sourceID: String, to user: Int64) async throws {
        guard try await !holdsSource(sourceID, user: user) else { return }
        try await record(user, .source, sourceID)
        sourcesHeld.insert("\(user) \(sourceID)")
    }

    private func holdsSource(_ sourceID: String, user: Int64) async throws -> Bool {
        let key = "\(user) \(sourceID)"
        if sourcesHeld.contains(key) { return true }
        let held = try await bool("""
            SELECT NOT deleted FROM changes WHERE user_id = \(user) AND entity = 'source' AND entity_id = \(sourceID)
            """)
        if held { sourcesHeld.insert(key) }
        return held
    }

    private func dropSourceIfUnheld(_ sourceID: String, for user: Int64) async throws {
        guard try await holdsSource(sourceID, user: user), try await !isSubscribed(user: user, toSource: sourceID) else { return }
        let holdsArticle = try await bool("""
            SELECT EXISTS (SELECT 1 FROM library l JOIN articles a ON a.id = l.article_id
              WHERE l.user_id = \(user) AND a.source_id = \(sourceID))
            """)
        if !holdsArticle {
            try await record(user, .source, sourceID, deleted: true)
            sourcesHeld.remove("\(user) \(sourceID)")
        }
    }
}
