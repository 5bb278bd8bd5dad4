import PostgresNIO
import ReaderModels
import ReaderServer

/// SQL built piece by piece with its parameters numbered as they are added (`$1`, `$2`, …),
/// for the queries whose conditions depend on the request.
struct PostgresGReaderSQL {
    private(set) var bindings = PostgresBindings()

    /// Adds `value` and returns its placeholder.
    mutating func bind(_ value: some PostgresNonThrowingEncodable) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    func query(_ sql: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}

/// The reads of the API on PostgreSQL, all on the user's library, as on SQLite
/// (`SQLiteSyncRepository`'s `greaderItemIDs` and `greaderItems`).
extension PostgresSyncRepository {
    /// The condition (on `a` articles, `s` the user's state) that keeps the items of
    /// `stream`; `user` is the placeholder of the user's id. Tags are stored as JSON text,
    /// read with `jsonb_array_elements_text`; equality of text is byte equality.
    static func condition(_ stream: GReaderStream, user: String, _ sql: inout PostgresGReaderSQL) -> String {
        switch stream {
        case .readingList: return "TRUE"
        case .starred: return "COALESCE(s.starred, false)"
        case .read: return "COALESCE(s.read, false)"
        case .feed(let url):
            // The sources a feed URL names: its feed row's, or a source imported from that URL.
            let url = sql.bind(url)
            return "a.source_id IN (SELECT source_id FROM feeds WHERE url = \(url) UNION SELECT id FROM sources WHERE feed_url = \(url) OR key = \(url))"
        case .label(let name):
            let name = sql.bind(name)
            return """
                (EXISTS (SELECT 1 FROM jsonb_array_elements_text(s.tags::jsonb) t(v) WHERE t.v = \(name))
                 OR a.source_id IN (SELECT f.source_id FROM subscriptions sub JOIN feeds f ON f.url = sub.url
                   CROSS JOIN jsonb_array_elements_text(sub.tags::jsonb) t(v)
                   WHERE sub.user_id = \(user) AND sub.subscribed AND t.v = \(name)))
                """
        }
    }

    /// A page of the ids of a stream, newest first unless `oldestFirst`, from one statement
    /// (one snapshot). The continuation is the id the page ended at, so a write between two
    /// pages moves no item across the boundary.
    package func greaderItemIDs(for user: UserAccount, _ query: GReaderStreamQuery) async throws -> GReaderIDPage {
        var sql = PostgresGReaderSQL()
        let userID = sql.bind(user.id)
        var conditions = ["l.user_id = \(userID)"]
        for (stream, negate) in [(query.stream, false), (query.include, false), (query.exclude, true)] {
            guard let stream else { continue }
            let condition = Self.condition(stream, user: userID, &sql)
            conditions.append(negate ? "NOT (\(condition))" : condition)
        }
        if let ot = query.oldestMillis {
            conditions.append("l.added_at >= \(sql.bind(Timestamp.format(millis: ot)))")
        }
        if let nt = query.newestMillis {
            conditions.append("l.added_at < \(sql.bind(Timestamp.format(millis: nt)))")
        }
        if let after = query.continuation {
            conditions.append("g.id \(query.oldestFirst ? ">" : "<") \(sql.bind(after))")
        }
        let limit = sql.bind(Int64(query.count + 1))
        let statement = sql.query("""
            SELECT g.id FROM library l JOIN greader_items g ON g.article_id = l.article_id
            JOIN articles a ON a.id = l.article_id
            LEFT JOIN article_states s ON s.user_id = l.user_id AND s.article_id = l.article_id
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY g.id \(query.oldestFirst ? "ASC" : "DESC") LIMIT \(limit)
            """)
        let ids = try await read { connection, logger in
            var ids: [Int64] = []
            for try await id in try await connection.query(statement, logger: logger).decode(Int64.self) { ids.append(id) }
            return ids
        }
        let page = Array(ids.prefix(query.count))
        return GReaderIDPage(ids: page, continuation: ids.count > query.count ? page.last : nil)
    }

    /// The most ids one query of `greaderItems` looks up.
    static let greaderItemChunk = 400

    package func greaderItems(for user: UserAccount, ids: [Int64]) async throws -> [GReaderItem] {
        var seen: Set<Int64> = []
        let unique = ids.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return [] }
        let found = try await readSnapshot { connection, logger -> [Int64: GReaderItem] in
            var found: [Int64: GReaderItem] = [:]
            for start in stride(from: 0, to: unique.count, by: Self.greaderItemChunk) {
                let chunk = Array(unique[start..<min(start + Self.greaderItemChunk, unique.count)])
                let rows = try await connection.query("""
                    SELECT g.id, a.title, a.url, a.author, a.html, a.published_at, a.updated_at, l.added_at,
                      COALESCE(s.read, false), COALESCE(s.starred, false), COALESCE(s.tags, '[]'),
                      COALESCE((SELECT f.url FROM feeds f JOIN subscriptions sub ON sub.url = f.url AND sub.subscribed
                                AND sub.user_id = \(user.id) WHERE f.source_id = a.source_id ORDER BY f.url LIMIT 1),
                               src.feed_url, src.key),
                      src.title, src.site_url, a.first_seen_at
                    FROM greader_items g JOIN library l ON l.user_id = \(user.id) AND l.article_id = g.article_id
                    JOIN articles a ON a.id = l.article_id JOIN sources src ON src.id = a.source_id
                    LEFT JOIN article_states s ON s.user_id = l.user_id AND s.article_id = l.article_id
                    WHERE g.id = ANY(\(chunk))
                    """, logger: logger)
                for try await row in rows.decode(
                    (Int64, String, String?, String?, String, String?, String?, String, Bool, Bool, String, String, String, String?, String)
                        .self
                ) {
                    // Crawl time is when the article entered this user's library (what `ot`
                    // compares); an article without a date is dated when first stored.
                    let crawled = Self.millis(row.7) ?? 0
                    found[row.0] = GReaderItem(
                        id: row.0, title: row.1, url: row.2, author: row.3, html: row.4,
                        publishedMillis: Self.millis(row.5) ?? Self.millis(row.14) ?? crawled, updatedMillis: Self.millis(row.6),
                        crawledMillis: crawled, read: row.8, starred: row.9, labels: JSONValue.strings(in: row.10),
                        feedURL: row.11, feedTitle: row.12, siteURL: row.13
                    )
                }
            }
            return found
        }
        return unique.compactMap { found[$0] }
    }
}
