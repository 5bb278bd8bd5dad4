import GRDB

extension Schema {
    /// Where a first sync's newest-first pull stands (docs/SYNC.md, "The first sync"):
    /// `backfill_head` is the newest change of the server's feed when it began, and
    /// `backfill_below` the lowest change applied since. Together they say exactly what the
    /// device holds: every change of the feed from `backfill_below` up to `backfill_head`.
    /// Both are NULL when no newest-first pull is under way; `cursor` stays NULL while one is.
    static func addBackfill(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE sync_state ADD COLUMN backfill_head TEXT;
            ALTER TABLE sync_state ADD COLUMN backfill_below TEXT;
            """)
    }
}
