import Foundation
import GRDB
import ReaderModels

extension SQLiteSyncRepository {
    /// Forgets tombstones older than the horizon; see `purge(_:)`.
    public func purgeTombstones() async throws -> PurgeReport {
        try await pool.write { db in try self.purge(db) }
    }

    /// Purges when the last purge is an hour old; called from pushes, so a long-running
    /// server keeps its horizon moving without a timer of its own.
    func purgeIfDue(_ db: Database) throws {
        let now = clock.now()
        let due = lastPurge.withLock { last in
            guard now - last >= Self.purgeInterval else { return false }
            last = now
            return true
        }
        if due { _ = try purge(db) }
    }

    /// Forgets tombstones older than the horizon: deleted notes (rows, revisions and change
    /// rows) and the tombstones of articles and sources that left a library. Raises the
    /// purge horizon to the highest change seq removed.
    func purge(_ db: Database) throws -> PurgeReport {
        let cutoff = Timestamp.format(millis: clock.now() - tombstoneMillis)
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT seq, user_id, entity, entity_id FROM changes WHERE deleted = 1 AND changed_at < ?",
            arguments: [cutoff]
        )
        var horizon = try Self.purgedThrough(db)
        var notes = 0
        for row in rows {
            let seq: Int64 = row[0]
            if row[2] == ChangeEntity.note.rawValue {
                try db.execute(sql: "DELETE FROM notes WHERE user_id = ? AND id = ? AND deleted = 1", arguments: [row[1], row[3]])
                notes += 1
            }
            try db.execute(sql: "DELETE FROM changes WHERE seq = ?", arguments: [seq])
            horizon = max(horizon, seq)
        }
        if !rows.isEmpty {
            try db.execute(
                sql: "INSERT OR REPLACE INTO server_state (key, value) VALUES ('purged_through', ?)",
                arguments: [String(horizon)]
            )
        }
        return PurgeReport(notes: notes, horizon: horizon)
    }
}
