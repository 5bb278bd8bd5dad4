import PostgresNIO

/// Each user's change feed on PostgreSQL: numbered per user, gap-free across instances.
///
/// A writer takes the user's next sequence number by updating their `change_feeds` row,
/// which locks that row until the transaction ends. A second writer to the same user's feed
/// waits there, so one user's numbers are handed out in the order their transactions
/// commit, and a rolled-back transaction gives its number back. A reader whose snapshot
/// holds number N therefore holds every number below N that still exists: a cursor never
/// skips a change that commits later with a smaller number, the trap a shared `SEQUENCE`
/// falls into when transactions commit out of order (docs/POSTGRES.md).
///
/// A transaction that writes to several users' feeds (a fetch, an import) must call
/// ``lock(users:_:_:)`` first, which locks their rows in ascending order, so two such
/// transactions cannot deadlock on each other.
enum PostgresChangeFeed {
    /// Records a change of `entity` `id` in `user`'s feed and returns its sequence number.
    /// The entity's earlier change row goes: a feed holds each entity once, at its latest.
    @discardableResult
    static func record(
        user: Int64, entity: String, id: String, deleted: Bool = false, at now: String,
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> Int64 {
        let rows = try await connection.query("""
            WITH next AS (
              UPDATE change_feeds SET last_seq = last_seq + 1 WHERE user_id = \(user) RETURNING last_seq
            )
            INSERT INTO changes (user_id, seq, entity, entity_id, deleted, changed_at)
            SELECT \(user), last_seq, \(entity), \(id), \(deleted), \(now) FROM next
            ON CONFLICT (user_id, entity, entity_id) DO UPDATE
              SET seq = EXCLUDED.seq, deleted = EXCLUDED.deleted, changed_at = EXCLUDED.changed_at
            RETURNING seq
            """, logger: logger)
        for try await seq in rows.decode(Int64.self) { return seq }
        throw PostgresFeedError.noFeed(user: user)
    }

    /// Locks the feeds of `users` in ascending order of id, for a transaction about to
    /// write to several of them.
    static func lock(users: [Int64], _ connection: PostgresConnection, _ logger: Logger) async throws {
        let ids = Array(Set(users)).sorted()
        guard !ids.isEmpty else { return }
        try await connection.run("""
            SELECT user_id FROM change_feeds WHERE user_id = ANY(\(ids)) ORDER BY user_id FOR UPDATE
            """, logger: logger)
    }

    /// The last number given out in `user`'s feed, and the highest one a purge removed.
    static func bounds(of user: Int64, _ connection: PostgresConnection, _ logger: Logger) async throws -> (last: Int64, purged: Int64) {
        let rows = try await connection.query(
            "SELECT last_seq, purged_through FROM change_feeds WHERE user_id = \(user)", logger: logger
        )
        for try await bounds in rows.decode((Int64, Int64).self) { return (bounds.0, bounds.1) }
        throw PostgresFeedError.noFeed(user: user)
    }
}

/// A user without a change feed: removed while a request of theirs was running.
enum PostgresFeedError: Error, CustomStringConvertible {
    case noFeed(user: Int64)

    var description: String {
        switch self {
        case .noFeed(let user): "user \(user) has no change feed (removed meanwhile?)"
        }
    }
}
