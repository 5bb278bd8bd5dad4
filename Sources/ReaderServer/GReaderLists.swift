import Foundation
import GRDB
import ReaderModels

/// A subscription as `subscription/list` shows it.
package struct GReaderSubscription: Sendable {
    package var url: String
    package var title: String
    package var labels: [String]
    package var siteURL: String?
    /// The time the newest item of the feed was first stored, for sorting.
    package var newestMillis: Int64?

    package init(url: String, title: String, labels: [String], siteURL: String? = nil, newestMillis: Int64? = nil) {
        self.url = url
        self.title = title
        self.labels = labels
        self.siteURL = siteURL
        self.newestMillis = newestMillis
    }
}

/// The unread items of one stream.
package struct GReaderUnread: Sendable {
    package var stream: GReaderStream
    package var count: Int
    package var newestMillis: Int64

    package init(stream: GReaderStream, count: Int, newestMillis: Int64) {
        self.stream = stream
        self.count = count
        self.newestMillis = newestMillis
    }
}

/// The lists of the API: subscriptions, labels, unread counts; all of the user's own.
extension SQLiteSyncRepository {
    /// `GReaderLimits.maxLabels`.
    static let greaderMaxLabels = GReaderLimits.maxLabels

    /// The title is the one the user gave, else the feed's own, else its URL.
    package func greaderSubscriptions(for user: UserAccount) async throws -> [GReaderSubscription] {
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
    package func greaderLabels(for user: UserAccount) async throws -> (folders: [String], tags: [String]) {
        try await pool.read { db in
            let folders = try String.fetchAll(db, sql: """
                SELECT DISTINCT t.value FROM subscriptions sub, json_each(sub.tags) t
                WHERE sub.user_id = ? AND sub.subscribed = 1 ORDER BY t.value LIMIT ?
                """, arguments: [user.id, Self.greaderMaxLabels])
            let tags = try String.fetchAll(db, sql: """
                SELECT DISTINCT t.value FROM article_states s JOIN library l ON l.user_id = s.user_id AND l.article_id = s.article_id,
                  json_each(s.tags) t
                WHERE s.user_id = ? AND s.tags <> '[]' ORDER BY t.value LIMIT ?
                """, arguments: [user.id, Self.greaderMaxLabels])
            let folderSet = Set(folders)
            return (folders, Array(tags.filter { !folderSet.contains($0) }.prefix(Self.greaderMaxLabels - folders.count)))
        }
    }

    /// Unread counts: the reading list, each subscribed feed, each label with unread items.
    /// Feeds are counted in one pass grouped by source, so the cost does not grow with the
    /// number of subscriptions times the size of the library; labels likewise, in one
    /// grouped pass.
    package func greaderUnreadCounts(for user: UserAccount) async throws -> [GReaderUnread] {
        try await pool.read { db in
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
            // Every label in one grouped pass: an unread item is under a label when its own
            // tags hold it or a subscription of its source is in that folder (the label
            // stream's condition); UNION counts an item under both once. The newest labels
            // past `maxLabels` are not counted, as tag/list does not list them.
            for row in try Row.fetchAll(db, sql: """
                WITH unread AS (
                  SELECT l.article_id, a.source_id, COALESCE(s.tags, '[]') AS tags, l.added_at
                  FROM library l JOIN articles a ON a.id = l.article_id
                  LEFT JOIN article_states s ON s.user_id = l.user_id AND s.article_id = l.article_id
                  WHERE l.user_id = ?1 AND COALESCE(s.read, 0) = 0
                ), folders AS (
                  SELECT DISTINCT t.value AS label, f.source_id FROM subscriptions sub JOIN feeds f ON f.url = sub.url,
                    json_each(sub.tags) t
                  WHERE sub.user_id = ?1 AND sub.subscribed = 1
                ), labeled AS (
                  SELECT t.value AS label, u.article_id, u.added_at FROM unread u, json_each(u.tags) t
                  UNION
                  SELECT fo.label, u.article_id, u.added_at FROM unread u JOIN folders fo ON fo.source_id = u.source_id
                )
                SELECT label, COUNT(*), MAX(added_at) FROM labeled GROUP BY label ORDER BY label LIMIT ?2
                """, arguments: [user.id, Self.greaderMaxLabels]) {
                add(.label(row[0]), [(row[1], row[2])])
            }
            return counts
        }
    }
}
