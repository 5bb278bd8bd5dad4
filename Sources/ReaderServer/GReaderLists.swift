import Foundation
import GRDB
import ReaderModels

/// A subscription as `subscription/list` shows it.
struct GReaderSubscription: Sendable {
    var url: String
    var title: String
    var labels: [String]
    var siteURL: String?
    /// The time the newest item of the feed was first stored, for sorting.
    var newestMillis: Int64?
}

/// The unread items of one stream.
struct GReaderUnread: Sendable {
    var stream: GReaderStream
    var count: Int
    var newestMillis: Int64
}

/// The lists of the API: subscriptions, labels, unread counts; all of the user's own.
extension SQLiteSyncRepository {
    /// The user's subscribed feeds, by URL. The title is the one the user gave, else the
    /// feed's own, else its URL.
    func greaderSubscriptions(for user: UserAccount) async throws -> [GReaderSubscription] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT sub.url, \(ExactText.column("title", of: "sub")), sub.tags, f.title, f.site_url
                FROM subscriptions sub LEFT JOIN feeds f ON f.url = sub.url
                WHERE sub.user_id = ? AND sub.subscribed = 1 ORDER BY sub.url
                """, arguments: [user.id]).map { row in
                let url: String = row[0]
                let title = row.exactText(1) ?? (row[3] as String?) ?? url
                return GReaderSubscription(url: url, title: title, labels: RecordRows.tags(row[2]), siteURL: row[4])
            }
        }
    }

    /// The labels in use: the tags of the user's subscriptions (folders) and of their
    /// articles (tags). A name used both ways is a folder.
    func greaderLabels(for user: UserAccount) async throws -> (folders: [String], tags: [String]) {
        try await pool.read { db in
            let folders = try String.fetchAll(db, sql: """
                SELECT DISTINCT t.value FROM subscriptions sub, json_each(sub.tags) t
                WHERE sub.user_id = ? AND sub.subscribed = 1 ORDER BY t.value
                """, arguments: [user.id])
            let tags = try String.fetchAll(db, sql: """
                SELECT DISTINCT t.value FROM article_states s JOIN library l ON l.user_id = s.user_id AND l.article_id = s.article_id,
                  json_each(s.tags) t
                WHERE s.user_id = ? AND s.tags <> '[]' ORDER BY t.value
                """, arguments: [user.id])
            let folderSet = Set(folders)
            return (folders, tags.filter { !folderSet.contains($0) })
        }
    }

    /// Unread counts: the reading list, each subscribed feed, each label with unread items.
    /// Feeds are counted in one pass grouped by source, so the cost does not grow with the
    /// number of subscriptions times the size of the library; labels, which overlap, are
    /// counted one by one.
    func greaderUnreadCounts(for user: UserAccount) async throws -> [GReaderUnread] {
        let (folders, tags) = try await greaderLabels(for: user)
        return try await pool.read { db in
            var bySource: [String: (count: Int, newest: String?)] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT a.source_id, COUNT(*), MAX(l.added_at) FROM library l JOIN articles a ON a.id = l.article_id
                LEFT JOIN article_states s ON s.user_id = l.user_id AND s.article_id = l.article_id
                WHERE l.user_id = ? AND COALESCE(s.read, 0) = 0 GROUP BY a.source_id
                """, arguments: [user.id]) {
                bySource[row[0]] = (row[1], row[2])
            }
            var counts: [GReaderUnread] = []
            func add(_ stream: GReaderStream, _ groups: [(count: Int, newest: String?)]) {
                let total = groups.reduce(0) { $0 + $1.count }
                guard total > 0 else { return }
                let newest = groups.compactMap(\.newest).max().flatMap { Self.millis($0) } ?? 0
                counts.append(GReaderUnread(stream: stream, count: total, newestMillis: newest))
            }
            add(.readingList, Array(bySource.values))
            // The sources each subscription names, as the feed stream's condition finds them.
            var sourcesOf: [String: Set<String>] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT sub.url, f.source_id FROM subscriptions sub JOIN feeds f ON f.url = sub.url
                WHERE sub.user_id = ?1 AND sub.subscribed = 1 AND f.source_id IS NOT NULL
                UNION SELECT sub.url, src.id FROM subscriptions sub JOIN sources src ON src.feed_url = sub.url OR src.key = sub.url
                WHERE sub.user_id = ?1 AND sub.subscribed = 1
                """, arguments: [user.id]) {
                sourcesOf[row[0], default: []].insert(row[1])
            }
            for url in sourcesOf.keys.sorted() {
                add(.feed(url), sourcesOf[url, default: []].compactMap { bySource[$0] })
            }
            for label in folders + tags {
                let stream = GReaderStream.label(label)
                let condition = Self.condition(stream)
                let row = try Row.fetchOne(db, sql: """
                    SELECT COUNT(*), MAX(l.added_at) FROM library l JOIN articles a ON a.id = l.article_id
                    LEFT JOIN article_states s ON s.user_id = l.user_id AND s.article_id = l.article_id
                    WHERE l.user_id = ?1 AND COALESCE(s.read, 0) = 0 AND \(condition)
                    """, arguments: StatementArguments([user.id.databaseValue] + Self.arguments(stream)))
                if let row { add(stream, [(row[0], row[1])]) }
            }
            return counts
        }
    }
}
