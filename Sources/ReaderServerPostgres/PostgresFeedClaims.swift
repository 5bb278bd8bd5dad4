import PostgresNIO
import ReaderServer

/// How instances share the feed refresh (issue 15, section 2): each feed is fetched by one
/// instance per interval, and an instance killed mid-refresh does not leave it stuck.
///
/// An instance claims due feeds in one statement that moves their `next_fetch_at` to the
/// end of a lease: rows another instance is claiming at the same moment are skipped
/// (`FOR UPDATE SKIP LOCKED`), and once claimed a feed is no longer due, so no one else
/// takes it. The fetch's outcome then sets `next_fetch_at` (one refresh interval ahead, or
/// the backoff). If the instance dies first, the lease runs out and the feed is due again.
/// `PostgresSyncRepository.feedsDue(_:)` is the refresh's way in.
enum PostgresFeedClaims {
    /// The columns a `StoredFeed` is read from, in ``decode(_:)``'s order.
    static let columns = "url, etag, last_modified, consecutive_failures, next_fetch_at, source_key"

    /// Claims up to `limit` subscribed feeds due at `now` (no `next_fetch_at`, or one not
    /// after `now`; every subscribed one with `force`), oldest due first, leaving out
    /// `excluding`, until `leaseUntil`; returns them as claimed. Instants are the stored
    /// RFC 3339 text, which sorts as time does.
    static func claim(
        now: String, leaseUntil: String, limit: Int, force: Bool = false, excluding: [String] = [],
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [StoredFeed] {
        let count = Int64(max(limit, 0))
        return try await decode(connection.query("""
            WITH due AS (
              SELECT f.url FROM feeds f
              WHERE (\(force) OR f.next_fetch_at IS NULL OR f.next_fetch_at <= \(now))
                AND f.url <> ALL(\(excluding))
                AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.url = f.url AND s.subscribed)
              ORDER BY f.next_fetch_at NULLS FIRST, f.url
              LIMIT \(count)
              FOR UPDATE OF f SKIP LOCKED
            )
            UPDATE feeds SET next_fetch_at = \(leaseUntil) FROM due WHERE feeds.url = due.url
            RETURNING \(unescaped: columns.split(separator: ",").map { "feeds." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            """, logger: logger))
    }

    /// The URLs of the feeds ``claim(now:leaseUntil:limit:force:excluding:_:_:)`` claims,
    /// in a transaction of its own.
    static func claimDue(now: String, leaseUntil: String, limit: Int, _ pool: PostgresPool) async throws -> [String] {
        try await pool.transaction { connection, logger in
            try await claim(now: now, leaseUntil: leaseUntil, limit: limit, connection, logger).map(\.url)
        }
    }

    /// The feeds in `rows`, selected as ``columns``.
    static func decode(_ rows: PostgresRowSequence) async throws -> [StoredFeed] {
        var feeds: [StoredFeed] = []
        for try await (url, etag, lastModified, failures, next, sourceKey) in rows.decode(
            (String, String?, String?, Int32, String?, String).self
        ) {
            feeds.append(StoredFeed(
                url: url, etag: etag, lastModified: lastModified, consecutiveFailures: Int(failures), nextFetchAt: next,
                sourceKey: sourceKey
            ))
        }
        return feeds.sorted { $0.url < $1.url }
    }
}
