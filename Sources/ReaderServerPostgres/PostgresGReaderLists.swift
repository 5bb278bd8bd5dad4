import PostgresNIO
import ReaderModels
import ReaderServer

/// The lists of the API on PostgreSQL: subscriptions, labels, unread counts, as the SQLite
/// engine answers them. Labels come out of `jsonb_array_elements_text` in the database's
/// collation, so every order by label says `COLLATE "C"`: byte order, as on SQLite.
extension PostgresSyncRepository {
    package func greaderSubscriptions(for user: UserAccount) async throws -> [GReaderSubscription] {
        try await read { connection, logger in
            let rows = try await connection.query("""
                SELECT sub.url, sub.title, sub.tags, f.title, f.site_url
                FROM subscriptions sub LEFT JOIN feeds f ON f.url = sub.url
                WHERE sub.user_id = \(user.id) AND sub.subscribed ORDER BY sub.url
                """, logger: logger)
            var subscriptions: [GReaderSubscription] = []
            for try await (url, own, tags, feedTitle, siteURL) in rows.decode((String, ByteBuffer?, String, String?, String?).self) {
                let title = own.map { String(buffer: $0) } ?? feedTitle ?? url
                subscriptions.append(GReaderSubscription(url: url, title: title, labels: JSONValue.strings(in: tags), siteURL: siteURL))
            }
            return subscriptions
        }
    }

    package func greaderLabels(for user: UserAccount) async throws -> (folders: [String], tags: [String]) {
        let limit = Int64(GReaderLimits.maxLabels)
        let (folders, tags) = try await readSnapshot { connection, logger in
            var folders: [String] = []
            for try await name in try await connection.query("""
                SELECT DISTINCT t.v COLLATE "C" FROM subscriptions sub CROSS JOIN jsonb_array_elements_text(sub.tags::jsonb) t(v)
                WHERE sub.user_id = \(user.id) AND sub.subscribed ORDER BY 1 LIMIT \(limit)
                """, logger: logger).decode(String.self) { folders.append(name) }
            var tags: [String] = []
            for try await name in try await connection.query("""
                SELECT DISTINCT t.v COLLATE "C" FROM article_states s
                JOIN library l ON l.user_id = s.user_id AND l.article_id = s.article_id
                CROSS JOIN jsonb_array_elements_text(s.tags::jsonb) t(v)
                WHERE s.user_id = \(user.id) AND s.tags <> '[]' ORDER BY 1 LIMIT \(limit)
                """, logger: logger).decode(String.self) { tags.append(name) }
            return (folders, tags)
        }
        let folderSet = Set(folders)
        return (folders, Array(tags.filter { !folderSet.contains($0) }.prefix(GReaderLimits.maxLabels - folders.count)))
    }

    /// Unread counts from one snapshot: grouped by source for the reading list and the
    /// feeds, and in one grouped pass for the labels, as on SQLite.
    package func greaderUnreadCounts(for user: UserAccount) async throws -> [GReaderUnread] {
        let limit = Int64(GReaderLimits.maxLabels)
        typealias Group = (count: Int, newest: String?)
        let (bySource, sourcesOf, labels) = try await readSnapshot { connection, logger in
            var bySource: [String: Group] = [:]
            for try await (source, count, newest) in try await connection.query("""
                SELECT a.source_id, COUNT(*), MAX(l.added_at) FROM library l JOIN articles a ON a.id = l.article_id
                LEFT JOIN article_states s ON s.user_id = l.user_id AND s.article_id = l.article_id
                WHERE l.user_id = \(user.id) AND NOT COALESCE(s.read, false) GROUP BY a.source_id
                """, logger: logger).decode((String, Int64, String?).self) {
                bySource[source] = (Int(count), newest)
            }
            // The sources each subscription names, as the feed stream's condition finds them.
            var sourcesOf: [String: Set<String>] = [:]
            for try await (url, source) in try await connection.query("""
                SELECT sub.url, f.source_id FROM subscriptions sub JOIN feeds f ON f.url = sub.url
                WHERE sub.user_id = \(user.id) AND sub.subscribed AND f.source_id IS NOT NULL
                UNION SELECT sub.url, src.id FROM subscriptions sub JOIN sources src ON src.feed_url = sub.url OR src.key = sub.url
                WHERE sub.user_id = \(user.id) AND sub.subscribed
                """, logger: logger).decode((String, String).self) {
                sourcesOf[url, default: []].insert(source)
            }
            // An unread item is under a label when its own tags hold it or a subscription of
            // its source is in that folder; UNION counts an item under both once.
            var labels: [(String, Group)] = []
            for try await (label, count, newest) in try await connection.query("""
                WITH unread AS (
                  SELECT l.article_id, a.source_id, COALESCE(s.tags, '[]') AS tags, l.added_at
                  FROM library l JOIN articles a ON a.id = l.article_id
                  LEFT JOIN article_states s ON s.user_id = l.user_id AND s.article_id = l.article_id
                  WHERE l.user_id = \(user.id) AND NOT COALESCE(s.read, false)
                ), folders AS (
                  SELECT DISTINCT t.v COLLATE "C" AS label, f.source_id FROM subscriptions sub JOIN feeds f ON f.url = sub.url
                    CROSS JOIN jsonb_array_elements_text(sub.tags::jsonb) t(v)
                  WHERE sub.user_id = \(user.id) AND sub.subscribed
                ), labeled AS (
                  SELECT t.v COLLATE "C" AS label, u.article_id, u.added_at FROM unread u
                    CROSS JOIN jsonb_array_elements_text(u.tags::jsonb) t(v)
                  UNION
                  SELECT fo.label, u.article_id, u.added_at FROM unread u JOIN folders fo ON fo.source_id = u.source_id
                )
                SELECT label, COUNT(*), MAX(added_at) FROM labeled GROUP BY label ORDER BY label LIMIT \(limit)
                """, logger: logger).decode((String, Int64, String?).self) {
                labels.append((label, (Int(count), newest)))
            }
            return (bySource, sourcesOf, labels)
        }
        var counts: [GReaderUnread] = []
        func add(_ stream: GReaderStream, _ groups: [Group]) {
            let total = groups.reduce(0) { $0 + $1.count }
            guard total > 0 else { return }
            let newest = groups.compactMap(\.newest).max().flatMap { Self.millis($0) } ?? 0
            counts.append(GReaderUnread(stream: stream, count: total, newestMillis: newest))
        }
        add(.readingList, Array(bySource.values))
        for url in sourcesOf.keys.sorted() {
            add(.feed(url), sourcesOf[url, default: []].compactMap { bySource[$0] })
        }
        for (label, group) in labels { add(.label(label), [group]) }
        return counts
    }
}
