import Foundation
import GRDB
import ReaderModels

/// Each user's library: which of the server's articles and sources a user's devices hold.
///
/// Content is stored once (`articles`, `sources`); what differs per user is visibility,
/// kept in `library` (one row per article a user holds) and announced through that user's
/// change rows. A user holds an article when
///
/// - they starred, tagged or annotated it (kept, whatever else happens), or
/// - it is within the server's retention (`expired = 0`) and either it was imported for
///   them or they subscribe to the feed it came from.
///
/// Every event that can change one of those facts (a fetch, an import, a subscribe or
/// unsubscribe, a state or note edit, retention) ends in ``reconcile(user:articles:)`` or
/// ``publish(article:source:to:importers:isNew:)``, which write the library row and the change
/// row together: an article that comes in gets a change row, one that leaves a tombstone.
/// So a user's change feed alone says what their devices must hold, and a fresh device
/// pulling it from the start ends up with the same library as the old ones.
final class Library {
    let db: Database
    let now: String
    /// "user source" pairs whose source this transaction knows the user's devices have, so
    /// a fetch of many new articles asks once per user and source, not once per article.
    private var sourcesHeld: Set<String> = []

    init(db: Database, now: String) {
        self.db = db
        self.now = now
    }

    // MARK: Who follows what

    /// The users subscribed to a feed whose articles belong to source `sourceID`.
    func subscribers(ofSource sourceID: String) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT DISTINCT s.user_id FROM feeds f JOIN subscriptions s ON s.url = f.url AND s.subscribed = 1
            WHERE f.source_id = ? ORDER BY s.user_id
            """, arguments: [sourceID])
    }

    /// Whether `user` is subscribed to a feed of source `sourceID`.
    func isSubscribed(user: Int64, toSource sourceID: String) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM feeds f JOIN subscriptions s ON s.url = f.url AND s.subscribed = 1
              WHERE s.user_id = ? AND f.source_id = ?)
            """, arguments: [user, sourceID]) ?? false
    }

    /// The source a subscription URL brings: that of its feed row, which ``ensureFeed(url:)``
    /// makes for every subscribed URL.
    func sourceID(ofFeed url: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT source_id FROM feeds WHERE url = ?", arguments: [url])
    }

    /// Gives a subscribed URL its feed row, keyed by the URL itself until a fetch moves it,
    /// so the server fetches it and its articles can be matched to its subscribers.
    func ensureFeed(url: String) throws {
        try db.execute(
            sql: "INSERT INTO feeds (url, source_key, source_id) VALUES (?, ?, ?) ON CONFLICT (url) DO NOTHING",
            arguments: [url, url, Fingerprint.sourceID(key: url)]
        )
    }

    /// Whether `user` has ever held the article: it is in their library now, or left it
    /// with a tombstone not yet purged. A mutation on any other article is refused as
    /// unknown, so nobody can probe for, or annotate into, another user's feeds.
    func isKnown(article id: String, to user: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM changes WHERE user_id = ?2 AND entity = 'article' AND entity_id = ?1)
              AND EXISTS (SELECT 1 FROM articles WHERE id = ?1)
            """, arguments: [id, user]) ?? false
    }

    // MARK: Subscribing

    /// A subscription of `user` changed from `old` to `new`: a subscribe or an unsubscribe
    /// moves the feed into or out of their library; a new title or tags change nothing here.
    func subscriptionChanged(user: Int64, from old: SubscriptionRecord?, to new: SubscriptionRecord) throws {
        guard new.subscribed != (old?.subscribed ?? false) else { return }
        if new.subscribed {
            try follow(user: user, url: new.url)
        } else {
            try unfollow(user: user, url: new.url)
        }
    }

    /// `user` subscribed to `url`: the feed's source and its retained articles come into the
    /// library (the articles a user already held keep their place in the change feed).
    func follow(user: Int64, url: String) throws {
        try ensureFeed(url: url)
        guard let sourceID = try sourceID(ofFeed: url) else { return }
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sources WHERE id = ?)", arguments: [sourceID]) == true {
            try sendSource(sourceID, to: user)
        }
        // Oldest first, so a device shows them in the order they arrived.
        let ids = try String.fetchAll(db, sql: """
            SELECT id FROM articles WHERE source_id = ? AND expired = 0 ORDER BY first_seen_at, id
            """, arguments: [sourceID])
        try reconcile(user: user, articles: ids)
    }

    /// `user` unsubscribed from `url`: what they hold of the feed only through it leaves
    /// the library, with tombstones; what they starred, tagged, annotated or had imported stays.
    func unfollow(user: Int64, url: String) throws {
        guard let sourceID = try sourceID(ofFeed: url) else { return }
        try unfollow(user: user, source: sourceID)
    }

    /// What `user` holds of source `sourceID` is judged again, after a subscription to it
    /// ended or the feed that linked them moved away.
    func unfollow(user: Int64, source sourceID: String) throws {
        let ids = try String.fetchAll(db, sql: """
            SELECT l.article_id FROM library l JOIN articles a ON a.id = l.article_id
            WHERE l.user_id = ? AND a.source_id = ? ORDER BY a.first_seen_at, a.id
            """, arguments: [user, sourceID])
        try reconcile(user: user, articles: ids)
        try dropSourceIfUnheld(sourceID, for: user)
    }

    // MARK: Reconciling

    /// One article as the rules see it for one user.
    private struct Holding {
        var id: String
        var sourceID: String
        var held: Bool
        var kept: Bool
        var expired: Bool
        var imported: Bool
        var subscribed: Bool

        /// Whether the user should hold it: see ``Library``.
        var wanted: Bool { kept || (!expired && (imported || subscribed)) }
    }

    /// Brings `user`'s holding of each of `ids` in line with the rules: an article that
    /// should be held and is not comes in (with its source, state and notes, which a device
    /// dropped with an earlier tombstone); one that is held and should not be leaves with a
    /// tombstone. Ids of articles the server does not have are ignored.
    ///
    /// - Returns: how many articles left the library.
    @discardableResult
    func reconcile(user: Int64, articles ids: [String]) throws -> Int {
        var left: Set<String> = []
        var removed = 0
        for start in stride(from: 0, to: ids.count, by: 400) {
            let chunk = Array(ids[start..<min(start + 400, ids.count)])
            for holding in try holdings(user: user, ids: chunk) where holding.wanted != holding.held {
                if holding.wanted {
                    try admit(user: user, article: holding.id, source: holding.sourceID, imported: false, isNew: false)
                } else {
                    try db.execute(sql: "DELETE FROM library WHERE user_id = ? AND article_id = ?", arguments: [user, holding.id])
                    try RecordRows.recordChange(db, user: user, entity: .article, id: holding.id, deleted: true, at: now)
                    left.insert(holding.sourceID)
                    removed += 1
                }
            }
        }
        for sourceID in left.sorted() { try dropSourceIfUnheld(sourceID, for: user) }
        return removed
    }

    private func holdings(user: Int64, ids: [String]) throws -> [Holding] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT a.id, a.source_id, l.user_id IS NOT NULL, COALESCE(l.imported, 0), a.expired,
              EXISTS (SELECT 1 FROM article_states s WHERE s.user_id = ?1 AND s.article_id = a.id
                        AND (s.starred = 1 OR s.tags <> '[]'))
                OR EXISTS (SELECT 1 FROM notes n WHERE n.user_id = ?1 AND n.article_id = a.id AND n.deleted = 0),
              EXISTS (SELECT 1 FROM feeds f JOIN subscriptions s ON s.url = f.url AND s.subscribed = 1
                        WHERE s.user_id = ?1 AND f.source_id = a.source_id)
            FROM articles a LEFT JOIN library l ON l.user_id = ?1 AND l.article_id = a.id
            WHERE a.id IN (\(databaseQuestionMarks(count: ids.count)))
            """, arguments: StatementArguments([user]) + StatementArguments(ids))
        let found = Dictionary(rows.map { row in
            (row[0] as String, Holding(
                id: row[0], sourceID: row[1], held: row[2], kept: row[5], expired: row[4], imported: row[3], subscribed: row[6]
            ))
        }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { found[$0] }
    }

    // MARK: Writing content

    /// A new or changed article goes to everyone who holds it, and to `audience` (its
    /// feed's subscribers, unless it has expired) and `importers` (the users a file was
    /// imported for, who keep it even after unsubscribing).
    func publish(article id: String, source sourceID: String, to audience: [Int64], importers: [Int64], isNew: Bool) throws {
        var holders: [Int64: Bool] = [:]
        if !isNew {
            for row in try Row.fetchAll(db, sql: "SELECT user_id, imported FROM library WHERE article_id = ?", arguments: [id]) {
                holders[row[0]] = row[1]
            }
        }
        let importing = Set(importers)
        for user in Set(audience).union(importing).union(holders.keys).sorted() {
            let imported = importing.contains(user)
            if let wasImported = holders[user] {
                if imported && !wasImported {
                    try db.execute(sql: "UPDATE library SET imported = 1 WHERE user_id = ? AND article_id = ?", arguments: [user, id])
                }
                try RecordRows.recordChange(db, user: user, entity: .article, id: id, at: now)
            } else {
                try admit(user: user, article: id, source: sourceID, imported: imported, isNew: isNew)
            }
        }
    }

    /// An unchanged article imported for `users`: each who does not hold it gets it; each
    /// who does has it marked imported, keeping its place in the change feed.
    func adopt(article id: String, source sourceID: String, by users: [Int64]) throws {
        for user in users {
            try db.execute(sql: "UPDATE library SET imported = 1 WHERE user_id = ? AND article_id = ?", arguments: [user, id])
            if db.changesCount == 0 {
                try admit(user: user, article: id, source: sourceID, imported: true, isNew: false)
            }
        }
    }

    /// A source's record changed: everyone holding it, and `audience`, gets the new one.
    func publish(source sourceID: String, to audience: [Int64]) throws {
        // Holders through an article of theirs, found on `articles_source` and
        // `library_article` (the change feed has no index by entity); a subscriber holding
        // none is in `audience`.
        let holders = try Int64.fetchAll(db, sql: """
            SELECT DISTINCT l.user_id FROM articles a JOIN library l ON l.article_id = a.id WHERE a.source_id = ?
            """, arguments: [sourceID])
        for user in Set(holders).union(audience).sorted() {
            try RecordRows.recordChange(db, user: user, entity: .source, id: sourceID, at: now)
            sourcesHeld.insert("\(user) \(sourceID)")
        }
    }

    private func admit(user: Int64, article id: String, source sourceID: String, imported: Bool, isNew: Bool) throws {
        try db.execute(
            sql: "INSERT INTO library (user_id, article_id, imported, added_at) VALUES (?, ?, ?, ?)",
            arguments: [user, id, imported, now]
        )
        try sendSource(sourceID, to: user)
        try RecordRows.recordChange(db, user: user, entity: .article, id: id, at: now)
        guard !isNew else { return }
        // A device deletes an article's state with the article, and a note keeps the
        // article from leaving: what the user had on it comes again after the article.
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM article_states WHERE user_id = ? AND article_id = ?)",
                             arguments: [user, id]) == true {
            try RecordRows.recordChange(db, user: user, entity: .articleState, id: id, at: now)
        }
        for note in try String.fetchAll(db, sql: "SELECT id FROM notes WHERE user_id = ? AND article_id = ? AND deleted = 0",
                                        arguments: [user, id]) {
            try RecordRows.recordChange(db, user: user, entity: .note, id: note, at: now)
        }
    }

    /// Writes the source's change row for `user` when their devices do not have it yet
    /// (no change row, or a tombstone).
    private func sendSource(_ sourceID: String, to user: Int64) throws {
        guard try !holdsSource(sourceID, user: user) else { return }
        try RecordRows.recordChange(db, user: user, entity: .source, id: sourceID, at: now)
        sourcesHeld.insert("\(user) \(sourceID)")
    }

    /// Whether `user`'s devices have the source: its last change row for them is no tombstone.
    private func holdsSource(_ sourceID: String, user: Int64) throws -> Bool {
        let key = "\(user) \(sourceID)"
        if sourcesHeld.contains(key) { return true }
        let held = try Bool.fetchOne(db, sql: """
            SELECT deleted = 0 FROM changes WHERE user_id = ? AND entity = 'source' AND entity_id = ?
            """, arguments: [user, sourceID]) ?? false
        if held { sourcesHeld.insert(key) }
        return held
    }

    /// A source whose articles all left `user`'s library, and which they no longer
    /// subscribe to, leaves too.
    private func dropSourceIfUnheld(_ sourceID: String, for user: Int64) throws {
        guard try holdsSource(sourceID, user: user), try !isSubscribed(user: user, toSource: sourceID) else { return }
        let holdsArticle = try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM library l JOIN articles a ON a.id = l.article_id
              WHERE l.user_id = ? AND a.source_id = ?)
            """, arguments: [user, sourceID]) ?? false
        if !holdsArticle {
            try RecordRows.recordChange(db, user: user, entity: .source, id: sourceID, deleted: true, at: now)
            sourcesHeld.remove("\(user) \(sourceID)")
        }
    }
}
