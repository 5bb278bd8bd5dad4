import PostgresNIO
import ReaderModels
import ReaderServer

extension PostgresSyncRepository {
    /// Forgets tombstones older than the tombstone horizon, as on SQLite: deleted notes
    /// (rows, revisions and change rows) and the tombstones of articles and sources that
    /// left a library. Each user's purge horizon rises to the highest number removed from
    /// their feed. The report's horizon is the highest of the users this purge touched.
    ///
    /// The feeds it changes are locked first, in ascending order, so a purge on one
    /// instance and writes on another neither deadlock nor interleave inside one feed.
    public func purgeTombstones() async throws -> PurgeReport {
        try await purge(onlyIfDue: false) ?? PurgeReport(notes: 0, horizon: 0)
    }

    /// Purges when no instance has in the last hour; called after pushes, in a transaction
    /// of its own (inside the push it would take other users' feed locks while holding the
    /// pusher's, out of order). A failure leaves it due, for the next push to try again.
    func purgeIfDue() async {
        let now = clock.now()
        guard lastPurge.withLock({ now - $0 >= Self.purgeInterval }) else { return }
        if (try? await purge(onlyIfDue: true)) != nil {
            lastPurge.withLock { $0 = now }
        }
    }

    /// The purge; with `onlyIfDue`, nil when another instance is purging or purged within
    /// the hour (`server_state.purged_at`), so all instances together purge once an hour.
    func purge(onlyIfDue: Bool) async throws -> PurgeReport? {
        let now = clock.now()
        let cutoff = Timestamp.format(millis: now - tombstoneMillis)
        let purgedAt = String(now), since = now - Self.purgeInterval
        return try await write { connection, logger -> PurgeReport? in
            if onlyIfDue {
                var claimed = false
                // Any constant both sides agree on: it names "reader-server purge".
                for try await taken in try await connection.query(
                    "SELECT pg_try_advisory_xact_lock(1381192279)", logger: logger
                ).decode(Bool.self) { claimed = taken }
                guard claimed else { return nil }
                var recent = false
                for try await value in try await connection.query(
                    "SELECT value FROM server_state WHERE key = 'purged_at'", logger: logger
                ).decode(String.self) { recent = (Int64(value) ?? 0) > since }
                guard !recent else { return nil }
            }
            try await connection.query("""
                INSERT INTO server_state (key, value) VALUES ('purged_at', \(purgedAt))
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                """, logger: logger)
            var users: [Int64] = []
            for try await user in try await connection.query("""
                SELECT DISTINCT user_id FROM changes WHERE deleted AND changed_at < \(cutoff) ORDER BY user_id
                """, logger: logger).decode(Int64.self) { users.append(user) }
            guard !users.isEmpty else { return PurgeReport(notes: 0, horizon: 0) }
            try await PostgresChangeFeed.lock(users: users, connection, logger)
            let rows = try await connection.query("""
                WITH gone AS (
                  DELETE FROM changes WHERE deleted AND changed_at < \(cutoff) AND user_id = ANY(\(users))
                  RETURNING user_id, seq, entity, entity_id
                ), notes AS (
                  DELETE FROM notes n USING gone g
                  WHERE g.entity = 'note' AND n.user_id = g.user_id AND n.id = g.entity_id AND n.deleted
                  RETURNING n.id
                ), raised AS (
                  UPDATE change_feeds f SET purged_through = GREATEST(f.purged_through, m.top)
                  FROM (SELECT user_id, max(seq) AS top FROM gone GROUP BY user_id) m
                  WHERE f.user_id = m.user_id RETURNING f.purged_through
                )
                SELECT (SELECT count(*) FROM gone WHERE entity = 'note'), (SELECT COALESCE(max(purged_through), 0) FROM raised)
                """, logger: logger)
            for try await (notes, horizon) in rows.decode((Int64, Int64).self) {
                return PurgeReport(notes: Int(notes), horizon: horizon)
            }
            return PurgeReport(notes: 0, horizon: 0)
        }
    }
}
