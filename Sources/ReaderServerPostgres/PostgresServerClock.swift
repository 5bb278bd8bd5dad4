import PostgresNIO
import ReaderModels
import ReaderServer

/// The server clock of one instance over a shared database. Each instance ticks its own
/// `ServerClock`; the largest stamp any of them issued is kept in `server_state` under
/// `clock`, raised and never lowered, so an instance (re)started later resumes past every
/// stamp the others gave out before it started.
enum PostgresServerClock {
    /// The clock resumed from the stamp saved in `database` (none on a new database).
    static func resume(_ database: PostgresPool, wallMillis: @escaping @Sendable () -> Int64) async throws -> ServerClock {
        let rows = try await database.client.query(
            "SELECT value FROM server_state WHERE key = 'clock'", logger: database.logger
        )
        var saved: HLC?
        for try await value in rows.decode(String.self) { saved = HLC(value) }
        return ServerClock(last: saved, wallMillis: wallMillis)
    }

    /// Raises the saved stamp to `clock`'s latest, inside the caller's transaction.
    /// Stamps' text sorts as the stamps do, byte by byte (the column is `COLLATE "C"`).
    static func save(_ clock: ServerClock, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let stamp = clock.last.description
        try await connection.query("""
            INSERT INTO server_state (key, value) VALUES ('clock', \(stamp))
            ON CONFLICT (key) DO UPDATE SET value = GREATEST(server_state.value, EXCLUDED.value)
            """, logger: logger)
    }
}
