import GRDB

extension Schema {
    /// What settling pushes and applying pulls needs beyond the outbox:
    /// - `notes.orphaned`: the quoted passage is no longer in the article's text (the note
    ///   is kept, never dropped);
    /// - `rejected_mutations`: mutations the server refused, with its reason, kept for the
    ///   person to see instead of blocking the queue;
    /// - `sync_deferred`: pulled notes and state whose article has not arrived yet (an
    ///   article updated on the server moves forward in the change feed);
    /// - `resync_seen`: what a full resync has pulled so far, so entities deleted on the
    ///   server while this device was away can be swept when it ends. It is a table, not
    ///   memory, so a resync killed half way resumes.
    static func createSyncSettlement(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE notes ADD COLUMN orphaned INTEGER NOT NULL DEFAULT 0 CHECK (orphaned IN (0, 1));
            ALTER TABLE sync_state ADD COLUMN token TEXT;
            ALTER TABLE sync_state ADD COLUMN resyncing INTEGER NOT NULL DEFAULT 0 CHECK (resyncing IN (0, 1));
            CREATE TABLE rejected_mutations (
              mutation_id TEXT PRIMARY KEY NOT NULL,
              entity TEXT NOT NULL,
              entity_id TEXT NOT NULL,
              op TEXT NOT NULL,
              fields TEXT NOT NULL,
              hlc TEXT NOT NULL,
              code TEXT NOT NULL,
              message TEXT NOT NULL,
              rejected_at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE sync_deferred (
              entity TEXT NOT NULL,
              id TEXT NOT NULL,
              article_id TEXT NOT NULL,
              record TEXT NOT NULL,
              PRIMARY KEY (entity, id)
            ) WITHOUT ROWID;
            CREATE TABLE resync_seen (
              entity TEXT NOT NULL,
              id TEXT NOT NULL,
              PRIMARY KEY (entity, id)
            ) WITHOUT ROWID;
            """)
    }
}
