import Foundation
import Logging
import Metrics
import ReaderModels
import ServiceLifecycle

/// Applies the server's retention policy while it runs: shortly after start, then every
/// `interval`. Each pass is logged as one JSON line; a failed one (the database locked,
/// the disk full) is logged and tried again at the next interval.
public struct RetentionService: Service {
    /// Whose articles are pruned, by its own policy.
    public let repository: any FeedRepository
    /// The pause between passes.
    public let interval: Duration
    /// Where the one JSON line per pass goes (the access log's sink).
    public let log: AccessLogSink
    private let logger: Logger

    /// A service pruning `repository` every `interval` (an hour by default).
    public init(repository: any FeedRepository, interval: Duration = .seconds(3600), log: AccessLogSink = .standardError) {
        self.repository = repository
        self.interval = interval
        self.log = log
        logger = ServerLog.logger(label: "reader-server.retention", sink: log)
    }

    /// Loops until the service group shuts down.
    public func run() async throws {
        await repeatUntilShutdown(every: interval) { await self.pruneOnce() }
    }

    /// One pass, logged as one JSON line and counted in the metrics.
    func pruneOnce() async {
        var metadata: Logger.Metadata = ["event": "retention"]
        let result: String
        do {
            let report = try await repository.applyRetention()
            for (name, value) in [
                ("expired", report.expired), ("left_libraries", report.leftLibraries), ("deleted", report.deleted),
            ] {
                metadata[name] = .stringConvertible(value)
                Counter(label: "reader_retention_articles_total", dimensions: [("change", name)]).increment(by: value)
            }
            result = "ok"
        } catch is CancellationError {
            return
        } catch {
            metadata["error"] = .string((error as? RepositoryError)?.message ?? SQLiteSyncRepository.describe(error))
            result = "failed"
        }
        Counter(label: "reader_retention_runs_total", dimensions: [("result", result)]).increment()
        logger.log(level: result == "ok" ? .info : .warning, "retention", metadata: metadata)
    }
}
