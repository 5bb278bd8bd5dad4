import Foundation
import ReaderModels
import ServiceLifecycle

/// Refreshes the subscribed feeds while the server runs: once at start, then every
/// `interval`. It runs in the application's service group, so it stops when the server
/// shuts down; a refresh under way is cancelled (its finished feeds stay written).
public struct FeedRefreshService: Service {
    /// What each refresh runs.
    public let aggregator: FeedAggregator
    /// The pause between the end of one refresh and the start of the next.
    public let interval: Duration
    /// Where the one JSON line per refresh goes (the access log's sink).
    public let log: AccessLogSink

    /// A service refreshing through `aggregator` every `interval`.
    public init(aggregator: FeedAggregator, interval: Duration, log: AccessLogSink = .standardError) {
        self.aggregator = aggregator
        self.interval = interval
        self.log = log
    }

    /// Loops until the service group shuts down. A failed refresh (the database locked,
    /// the disk full) is logged and retried at the next interval rather than stopping the
    /// server, which would also stop sync.
    public func run() async throws {
        await repeatUntilShutdown(every: interval) { await self.refreshOnce() }
    }

    /// One refresh, logged as one JSON line.
    func refreshOnce() async {
        let started = ContinuousClock.now
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("ts", Timestamp.nowText)
        writer.member("event", "feeds_refresh")
        do {
            let report = try await aggregator.refresh()
            for (name, value) in [
                ("fetched", report.fetched), ("not_modified", report.notModified), ("failed", report.failed),
                ("skipped", report.skipped), ("new", report.new), ("updated", report.updated), ("moved", report.moved),
            ] as [(StaticString, Int)] {
                writer.key(name)
                writer.int(value)
            }
        } catch is CancellationError {
            return
        } catch {
            writer.member("error", (error as? RepositoryError)?.message ?? SQLiteSyncRepository.describe(error))
        }
        let elapsed = ContinuousClock.now - started
        writer.key("duration_ms")
        writer.int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        writer.endObject()
        log.write(writer.text)
    }
}

private extension Timestamp {
    static var nowText: String { format(Date()) }
}
