import PostgresNIO

/// How instances share the feed refresh (issue 15, section 2): each feed is fetched by one
/// instance per interval, and an instance killed mid-refresh does not leave it stuck.
///
/// An instance claims due feeds in one statement that moves their `next_fetch_at` to the
/// end of a lease: rows another instance is claiming at the same moment are skipped
/// (`FOR UPDATE SKIP LOCKED`), and once claimed a feed is no longer due, so no one else
/// takes it. The fetch's outcome then sets `next_fetch_at` as the SQLite engine does
/// (the interval, or the backoff). If the instance dies first, the lease runs out and the
/// feed is due again. Not yet wired to a refresh service: see docs/POSTGRES.md.
enum PostgresFeedClaims {
    /// Claims up to `limit` subscribed feeds due at `now` (no `next_fetch_at`, or one not
    /// after `now`), oldest due first, until `leaseUntil`; returns their URLs. Instants are
    /// the stored RFC 3339 text, which sorts as time does.
    static func claimDue(now: String, leaseUntil: String, limit: Int, _ pool: PostgresPool) async throws -> [String] {
        let count = Int64(max(limit, 0))
        let rows = try await pool.client.query("""
            WITH due AS (
              SELECT f.url FROM feeds f
              WHERE (f.next_fetch_at IS NULL OR f.next_fetch_at <= \(now))
                AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.url = f.url AND s.subscribed)
              ORDER BY f.next_fetch_at NULLS FIRST, f.url
              LIMIT \(count)
              FOR UPDATE OF f SKIP LOCKED
            )
            UPDATE feeds SET next_fetch_at = \(leaseUntil) FROM due WHERE feeds.url = due.url
            RETURNING feeds.url
            """, logger: pool.logger)
        var urls: [String] = []
        for try await url in rows.decode(String.self) { urls.append(url) }
        return urls
    }
}
