import Foundation
import GRDB
import ReaderModels

/// Which items of a stream a request asks for: `s`, `xt`, `it`, `ot`, `nt`, `r`, `n`, `c`.
package struct GReaderStreamQuery: Sendable {
    package var stream: GReaderStream
    package var exclude: GReaderStream?
    package var include: GReaderStream?
    /// Items that entered the user's library at or after this time (`ot`, milliseconds).
    package var oldestMillis: Int64?
    /// Items that entered the user's library before this time (`nt`, milliseconds).
    package var newestMillis: Int64?
    package var oldestFirst = false
    package var count: Int
    /// The id the previous page ended at (`c`).
    package var continuation: Int64?

    package init(
        stream: GReaderStream, exclude: GReaderStream? = nil, include: GReaderStream? = nil, oldestMillis: Int64? = nil,
        newestMillis: Int64? = nil, oldestFirst: Bool = false, count: Int, continuation: Int64? = nil
    ) {
        self.stream = stream
        self.exclude = exclude
        self.include = include
        self.oldestMillis = oldestMillis
        self.newestMillis = newestMillis
        self.oldestFirst = oldestFirst
        self.count = count
        self.continuation = continuation
    }
}

/// One page of a stream's item ids and where the next page starts.
package struct GReaderIDPage: Sendable {
    package var ids: [Int64]
    package var continuation: Int64?

    package init(ids: [Int64], continuation: Int64?) {
        self.ids = ids
        self.continuation = continuation
    }
}

/// An item as `stream/items/contents` and the Atom form show it.
package struct GReaderItem: Sendable {
    package var id: Int64
    package var title: String
    package var url: String?
    package var author: String?
    package var html: String
    package var publishedMillis: Int64
    package var updatedMillis: Int64?
    package var crawledMillis: Int64
    package var read: Bool
    package var starred: Bool
    package var labels: [String]
    package var feedURL: String
    package var feedTitle: String
    package var siteURL: String?

    package init(
        id: Int64, title: String, url: String?, author: String?, html: String, publishedMillis: Int64, updatedMillis: Int64?, crawledMillis: Int64, read: Bool, starred: Bool, labels: [String], feedURL: String, feedTitle: String, siteURL: String?
    ) {
        self.id = id
        self.title = title
        self.url = url
        self.author = author
        self.html = html
        self.publishedMillis = publishedMillis
        self.updatedMillis = updatedMillis
        self.crawledMillis = crawledMillis
        self.read = read
        self.starred = starred
        self.labels = labels
        self.feedURL = feedURL
        self.feedTitle = feedTitle
        self.siteURL = siteURL
    }
}

/// The reads of the API, all on the user's library: an article the user does not hold is
/// never found, exactly like one that does not exist.
extension SQLiteSyncRepository {
    /// The SQL condition (on `a` articles, `s` the user's state, `?1` the user) that keeps
    /// the items of `stream`; its other parameters are ``arguments(_:)``, in order.
    static func condition(_ stream: GReaderStream) -> String {
        switch stream {
        case .readingList: "1"
        case .starred: "COALESCE(s.starred, 0) = 1"
        case .read: "COALESCE(s.read, 0) = 1"
        // The sources a feed URL names: its feed row's, or a source imported from that URL.
        case .feed: "a.source_id IN (SELECT source_id FROM feeds WHERE url = ? UNION SELECT id FROM sources WHERE feed_url = ? OR key = ?)"
        case .label:
            """
            (EXISTS (SELECT 1 FROM json_each(s.tags) t WHERE t.value = ?)
             OR a.source_id IN (SELECT f.source_id FROM subscriptions sub JOIN feeds f ON f.url = sub.url
               JOIN json_each(sub.tags) t WHERE sub.user_id = ?1 AND sub.subscribed = 1 AND t.value = ?))
            """
        }
    }

    static func arguments(_ stream: GReaderStream) -> [DatabaseValue] {
        switch stream {
        case .readingList, .starred, .read: []
        case .feed(let url): Array(repeating: url.databaseValue, count: 3)
        case .label(let name): [name.databaseValue, name.databaseValue]
        }
    }

    package func greaderItemIDs(for user: UserAccount, _ query: GReaderStreamQuery) async throws -> GReaderIDPage {
        var conditions = ["l.user_id = ?1"]
        var arguments: [DatabaseValue] = [user.id.databaseValue]
        for (stream, negate) in [(query.stream, false), (query.include, false), (query.exclude, true)] {
            guard let stream else { continue }
            let sql = Self.condition(stream)
            conditions.append(negate ? "NOT (\(sql))" : sql)
            arguments += Self.arguments(stream)
        }
        if let ot = query.oldestMillis {
            conditions.append("l.added_at >= ?")
            arguments.append(Timestamp.format(millis: ot).databaseValue)
        }
        if let nt = query.newestMillis {
            conditions.append("l.added_at < ?")
            arguments.append(Timestamp.format(millis: nt).databaseValue)
        }
        if let after = query.continuation {
            conditions.append(query.oldestFirst ? "g.id > ?" : "g.id < ?")
            arguments.append(after.databaseValue)
        }
        // SQLite numbers each bare `?` one past the largest number used before it, so after
        // the leading `?1` they take 2, 3, … in order while `?1` stays the user.
        let sql = """
            SELECT g.id FROM library l JOIN greader_items g ON g.article_id = l.article_id
            JOIN articles a ON a.id = l.article_id
            LEFT JOIN article_states s ON s.user_id = l.user_id AND s.article_id = l.article_id
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY g.id \(query.oldestFirst ? "ASC" : "DESC") LIMIT ?
            """
        arguments.append((query.count + 1).databaseValue)
        let bound = StatementArguments(arguments)
        let ids = try await pool.read { db in try Int64.fetchAll(db, sql: sql, arguments: bound) }
        let page = Array(ids.prefix(query.count))
        return GReaderIDPage(ids: page, continuation: ids.count > query.count ? page.last : nil)
    }

    package func greaderItems(for user: UserAccount, ids: [Int64]) async throws -> [GReaderItem] {
        var seen: Set<Int64> = []
        let unique = ids.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return [] }
        // CROSS JOIN keeps the asked ids the outer loop (SQLite takes the order as written):
        // led by the library, the plan probed every id for every article the user holds,
        // 1 s for 400 ids in a library of 10,000 against 8 ms this way.
        let found = try await pool.read { db -> [Int64: GReaderItem] in
            var found: [Int64: GReaderItem] = [:]
            for start in stride(from: 0, to: unique.count, by: 400) {
                let chunk = Array(unique[start..<min(start + 400, unique.count)])
                let rows = try Row.fetchAll(db, sql: Self.itemsSQL(count: chunk.count),
                    arguments: StatementArguments([user.id] + chunk))
                for row in rows {
                    let item = Self.item(row)
                    found[item.id] = item
                }
            }
            return found
        }
        return unique.compactMap { found[$0] }
    }

    /// The query of `greaderItems` for `count` ids (`?1` the user, then the ids).
    static func itemsSQL(count: Int) -> String {
        """
        SELECT g.id, a.title, a.url, a.author, a.html, a.published_at, a.updated_at, l.added_at,
          COALESCE(s.read, 0), COALESCE(s.starred, 0), COALESCE(s.tags, '[]'),
          COALESCE((SELECT f.url FROM feeds f JOIN subscriptions sub ON sub.url = f.url AND sub.subscribed = 1
                    AND sub.user_id = ?1 WHERE f.source_id = a.source_id ORDER BY f.url LIMIT 1),
                   src.feed_url, src.key),
          src.title, src.site_url, a.first_seen_at
        FROM greader_items g CROSS JOIN library l ON l.user_id = ?1 AND l.article_id = g.article_id
        JOIN articles a ON a.id = l.article_id JOIN sources src ON src.id = a.source_id
        LEFT JOIN article_states s ON s.user_id = l.user_id AND s.article_id = l.article_id
        WHERE g.id IN (\(Array(repeating: "?", count: count).joined(separator: ",")))
        """
    }

    private static func item(_ row: Row) -> GReaderItem {
        // Crawl time is when the article entered this user's library (what `ot` compares);
        // an article without a date is dated when the server first stored it.
        let crawled = millis(row[7]) ?? 0
        return GReaderItem(
            id: row[0], title: row[1], url: row[2], author: row[3], html: row[4],
            publishedMillis: millis(row[5]) ?? millis(row[14]) ?? crawled, updatedMillis: millis(row[6]), crawledMillis: crawled,
            read: row[8], starred: row[9], labels: RecordRows.tags(row[10]), feedURL: row[11], feedTitle: row[12],
            siteURL: row[13]
        )
    }

    static func millis(_ text: String?) -> Int64? {
        text.flatMap(Timestamp.parse).map(Timestamp.millis)
    }
}
