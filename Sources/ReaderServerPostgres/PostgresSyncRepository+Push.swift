import Foundation
import PostgresNIO
import ReaderModels
import ReaderServer

extension PostgresSyncRepository {
    /// Applies a push in one transaction, exactly once across instances; see
    /// `SyncRepository.push(_:for:)`.
    ///
    /// The push first locks the user's change feed row. Every other push of the user, on
    /// any instance, waits there until this one commits, so a retried push that lands on
    /// another instance while the first is still running finds every mutation of the first
    /// in `applied_mutations` and answers with the stored bytes.
    public func push(_ request: PushRequest, for user: UserAccount) async throws -> PushOutcome {
        let (outcome, tally) = try await SyncMetrics.measure(.write, "push") { try await applyPush(request, for: user) }
        // Counted after the commit, as on SQLite: a push that rolled back applied nothing.
        SyncMetrics.recordPush(tally)
        // After the push committed: its answer does not wait on a purge's failure.
        await purgeIfDue()
        return outcome
    }

    private func applyPush(_ request: PushRequest, for user: UserAccount) async throws -> (PushOutcome, SyncMetrics.PushTally) {
        try await write { connection, logger in
            var tally = SyncMetrics.PushTally()
            try await PostgresChangeFeed.lock(users: [user.id], connection, logger)
            let encoder = JSONEncoder()
            // Sorted keys: the stored bytes are what every replay returns, so they are fixed once.
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let now = self.nowText
            let applier = PostgresMutationApplier(connection, logger, user: user.id, now: now)
            var results: [Data] = []
            results.reserveCapacity(request.mutations.count)
            // One reading of the wall clock judges every stamp of the push, as on SQLite.
            let wall = self.clock.now()
            for mutation in request.mutations {
                if let stored = try await Self.storedResult(user: user.id, client: request.clientID, mutation: mutation.id, connection, logger) {
                    results.append(stored)
                    tally.replayed += 1
                    continue
                }
                let result = try await applier.apply(mutation, wallMillis: wall)
                tally.count(result.status)
                // Only an applied mutation moves the clock, as on SQLite.
                if result.status != .rejected { try self.clock.receive(mutation.hlc, at: wall) }
                let data = try encoder.encode(result)
                try await connection.query("""
                    INSERT INTO applied_mutations (user_id, client_id, mutation_id, result_json, applied_at)
                    VALUES (\(user.id), \(request.clientID), \(mutation.id), \(ByteBuffer(bytes: data)), \(now))
                    """, logger: logger)
                results.append(data)
            }
            let stamp = self.clock.tick()
            try await PostgresServerClock.save(self.clock, connection, logger)
            return (PushOutcome(results: results, serverHLC: stamp), tally)
        }
    }

    static func storedResult(
        user: Int64, client: String, mutation: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> Data? {
        let rows = try await connection.query("""
            SELECT result_json FROM applied_mutations WHERE user_id = \(user) AND client_id = \(client) AND mutation_id = \(mutation)
            """, logger: logger)
        for try await stored in rows.decode(ByteBuffer.self) { return Data(stored.readableBytesView) }
        return nil
    }
}
