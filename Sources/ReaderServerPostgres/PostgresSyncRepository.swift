import Foundation
import PostgresNIO
import ReaderModels
import ReaderServer
import Synchronization

/// The sync server's storage on PostgreSQL, for several server processes sharing one
/// database: users, tokens, the clock, push exactly once across instances, pull, import,
/// purge, and the feeds (subscriptions by admin, the refresh, each feed fetched by one
/// instance per interval, retention), and the Google Reader API (`GReaderStorage`).
/// docs/POSTGRES.md says what is done and what is next.
public final class PostgresSyncRepository: Sendable {
    /// The connections every query goes through.
    package let database: PostgresPool
    let clock: ServerClock
    /// How long a tombstone stays in the change feed, in milliseconds.
    let tombstoneMillis: Int64
    /// How long after a fetch its feed is due again, in milliseconds: every instance's
    /// refresh skips it until then, so the instances together fetch it once an interval.
    let refreshMillis: Int64
    /// How long articles are kept (`applyRetention()`).
    let retention: ServerRetention
    /// When this instance last saw a purge done (wall millis), so a push asks the database
    /// at most once an hour whether one is due.
    let lastPurge = Mutex<Int64>(0)
    /// How many transactions `writeRetrying` ran again since this instance started.
    let transactionsRunAgain = Mutex<Int>(0)

    static let purgeInterval: Int64 = 3_600_000

    /// Connects to `url` and brings the schema up to date (see `PostgresMigrations`).
    ///
    /// - Parameters:
    ///   - tombstoneDays: how long tombstones stay in the change feed.
    ///   - refreshIntervalSeconds: how long after a fetch its feed is due again (the
    ///     server's `--refresh-interval`); 0: at the next refresh.
    ///   - retention: how long articles are kept.
    ///   - wallMillis: the wall clock in milliseconds since 1970 (nil: the system clock);
    ///     tests move it by hand.
    /// - Throws: `RepositoryError` when the database cannot be reached or migrated.
    public init(
        url: PostgresURL, maxConnections: Int = 8, tombstoneDays: Int = 30, refreshIntervalSeconds: Int = 900,
        retention: ServerRetention = .standard, wallMillis: (@Sendable () -> Int64)? = nil
    ) async throws {
        tombstoneMillis = Int64(max(tombstoneDays, 0)) * 86_400_000
        refreshMillis = Int64(max(refreshIntervalSeconds, 0)) * 1000
        self.retention = retention
        let database = PostgresPool(url: url, maxConnections: maxConnections)
        do {
            try await database.checkReachable()
            try await PostgresMigrations.migrate(database)
            clock = try await PostgresServerClock.resume(database, wallMillis: wallMillis ?? Self.systemMillis)
        } catch {
            let reason = database.describe(error)
            await database.close()
            throw RepositoryError("cannot open the server database \(url): \(reason)")
        }
        self.database = database
    }

    /// Closes every connection. Call it once, when done; the repository is unusable after.
    public func close() async {
        await database.close()
    }

    /// A fresh stamp of the server's clock.
    public func serverStamp() async -> HLC {
        clock.tick()
    }

    /// The current wall time in the text form the database stores.
    var nowText: String { Timestamp.format(millis: clock.now()) }

    @Sendable static func systemMillis() -> Int64 {
        Timestamp.millis(Date())
    }

    /// Runs `body` in a transaction, turning a database failure into a `RepositoryError`
    /// that says what went wrong without SQL; a `RepositoryError` of `body`'s passes as is.
    func write<Result: Sendable>(_ body: (PostgresConnection, Logger) async throws -> Result) async throws -> Result {
        do {
            return try await database.transaction(body)
        } catch let error as RepositoryError {
            throw error
        } catch {
            throw RepositoryError(database.describe(error))
        }
    }

    /// `write`, run again from the start when the transaction was undone for a reason that
    /// a second run clears: PostgreSQL chose it as a deadlock's victim (40P01) or could not
    /// serialise it (40001), or `body` found what it read before locking has changed
    /// (`TransactionRetry`). At most `attempts` runs in all; the last failure is thrown as
    /// `write` throws it.
    ///
    /// Only for a body whose every effect is in the transaction (no state outside it that a
    /// second run would add to): the fetch writers, whose lock order can meet a subscription
    /// committed between their reads (docs/POSTGRES.md).
    func writeRetrying<Result: Sendable>(
        attempts: Int = 3, _ body: (PostgresConnection, Logger) async throws -> Result
    ) async throws -> Result {
        var run = 1
        while true {
            do {
                return try await database.transaction(body)
            } catch let error as RepositoryError {
                throw error
            } catch where run < attempts && Self.undoneForRetry(error) {
                run += 1
                transactionsRunAgain.withLock { $0 += 1 }
            } catch let error as TransactionRetry {
                throw RepositoryError(error.description)
            } catch {
                throw RepositoryError(database.describe(error))
            }
        }
    }

    /// Whether `error` undid a transaction that a second run may carry through.
    static func undoneForRetry(_ error: any Error) -> Bool {
        if error is TransactionRetry { return true }
        let state = PostgresPool.sqlState(of: error)
        return state == "40P01" || state == "40001"
    }
}

/// Thrown inside `writeRetrying` when what the transaction read before taking its locks
/// changed before it held them: the run is undone and made again.
struct TransactionRetry: Error, CustomStringConvertible {
    var description: String
}

/// Every method of the protocol is here, each tested against a real cluster.
extension PostgresSyncRepository: SyncRepository {
    /// One round trip: `/ready` asks whether the database answers, not what it holds.
    public func checkReadiness() async throws {
        try await SyncMetrics.measure(.read, "ready") { try await database.execute("SELECT 1") }
    }
}
