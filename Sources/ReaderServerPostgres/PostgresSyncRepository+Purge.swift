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
        let cutoff = Timestamp.format(millis: clock.now() - tombstoneMillis)
        return try await write { connection, logger in
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
