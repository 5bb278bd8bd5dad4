import CoreMetrics
import Foundation
import Logging
import Metrics
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
    private let logger: Logger

    /// A service refreshing through `aggregator` every `interval`.
    public init(aggregator: FeedAggregator, interval: Duration, log: AccessLogSink = .standardError) {
        self.aggregator = aggregator
        self.interval = interval
        self.log = log
        logger = ServerLog.logger(label: "reader-server.refresh", sink: log)
    }

    /// Loops until the service group shuts down. A failed refresh (the database locked,
    /// the disk full) is logged and retried at the next interval rather than stopping the
    /// server, which would also stop sync.
    public func run() async throws {
        await repeatUntilShutdown(every: interval) { await self.refreshOnce() }
    }

    /// One refresh, logged as one JSON line and counted in the metrics.
    func refreshOnce() async {
        let started = ContinuousClock.now
        var metadata: Logger.Metadata = ["event": "feeds_refresh"]
        let result: String
        do {
            let report = try await aggregator.refresh()
            for (name, value) in [
                ("fetched", report.fetched), ("not_modified", report.notModified), ("failed", report.failed),
                ("skipped", report.skipped),
            ] {
                metadata[name] = .stringConvertible(value)
                Counter(label: "reader_feed_refresh_feeds_total", dimensions: [("outcome", name)]).increment(by: value)
            }
            for (name, value) in [("new", report.new), ("updated", report.updated), ("moved", report.moved)] {
                metadata[name] = .stringConvertible(value)
                Counter(label: "reader_feed_refresh_articles_total", dimensions: [("change", name)]).increment(by: value)
            }
            result = "ok"
        } catch is CancellationError {
            return
        } catch {
            metadata["error"] = .string((error as? RepositoryError)?.message ?? SQLiteSyncRepository.describe(error))
            result = "failed"
        }
        Counter(label: "reader_feed_refresh_runs_total", dimensions: [("result", result)]).increment()
        CoreMetrics.Timer(label: "reader_feed_refresh_duration_seconds").recordInterval(since: started)
        let elapsed = ContinuousClock.now - started
        metadata["duration_ms"] = .stringConvertible(
            elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        )
        logger.log(level: result == "ok" ? .info : .warning, "feeds refresh", metadata: metadata)
    }
}
