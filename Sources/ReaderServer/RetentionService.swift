import Foundation
import ReaderModels
import ServiceLifecycle

/// Applies the server's retention policy while it runs: shortly after start, then every
/// `interval`. Each pass is logged as one JSON line; a failed one (the database locked,
/// the disk full) is logged and tried again at the next interval.
public struct RetentionService: Service {
    /// Whose articles are pruned, by its own policy.
    public let repository: SQLiteSyncRepository
    /// The pause between passes.
    public let interval: Duration
    /// Where the one JSON line per pass goes (the access log's sink).
    public let log: AccessLogSink

    /// A service pruning `repository` every `interval` (an hour by default).
    public init(repository: SQLiteSyncRepository, interval: Duration = .seconds(3600), log: AccessLogSink = .standardError) {
        self.repository = repository
        self.interval = interval
        self.log = log
    }

    /// Loops until the service group shuts down.
    public func run() async throws {
        await repeatUntilShutdown(every: interval) { await self.pruneOnce() }
    }

    /// One pass, logged as one JSON line.
    func pruneOnce() async {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("ts", Timestamp.format(Date()))
        writer.member("event", "retention")
        do {
            let report = try await repository.applyRetention()
            for (name, value) in [
                ("expired", report.expired), ("left_libraries", report.leftLibraries), ("deleted", report.deleted),
            ] as [(StaticString, Int)] {
                writer.key(name)
                writer.int(value)
            }
        } catch is CancellationError {
            return
        } catch {
            writer.member("error", (error as? RepositoryError)?.message ?? SQLiteSyncRepository.describe(error))
        }
        writer.endObject()
        log.write(writer.text)
    }
}
