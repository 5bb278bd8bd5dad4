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
    func greaderUnreadCounts(for user: UserAccount) async throws -> [GReaderUnread] {
        let subscriptions = try await greaderSubscriptions(for: user)
        let (folders, tags) = try await greaderLabels(for: user)
        return try await pool.read { db in
            var counts: [GReaderUnread] = []
            func count(_ stream: GReaderStream) throws {
                let (condition, _) = Self.condition(stream)
                let row = try Row.fetchOne(db, sql: """
                    SELECT COUNT(*), MAX(a.first_seen_at) FROM library l JOIN articles a ON a.id = l.article_id
                    LEFT JOIN article_states s ON s.user_id = l.user_id AND s.article_id = l.article_id
                    WHERE l.user_id = ?1 AND COALESCE(s.read, 0) = 0 AND \(condition)
                    """, arguments: StatementArguments([user.id] + Self.arguments(stream).map { $0.databaseValue }))
                guard let row, let unread = row[0] as Int?, unread > 0 else { return }
                counts.append(GReaderUnread(stream: stream, count: unread, newestMillis: Self.millis(row[1]) ?? 0))
            }
            try count(.readingList)
            for subscription in subscriptions { try count(.feed(subscription.url)) }
            for label in folders + tags { try count(.label(label)) }
            return counts
        }
    }
}
