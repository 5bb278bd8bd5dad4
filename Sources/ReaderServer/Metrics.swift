import CoreMetrics
import Foundation
import Metrics
import Prometheus
import ReaderModels

/// The process's metrics: swift-metrics' backend is a Prometheus registry, and `/metrics`
/// answers its text exposition. Hummingbird's `MetricsMiddleware` records requests (by
/// route template, method and status) and their latency; ``SyncMetrics`` records pushes,
/// pulls, feed refreshes and the database's use.
///
/// Labels carry only route templates, method names, status codes and fixed outcome names:
/// never a raw path, a query, a user, a feed URL or a token, so what a scrape shows is
/// bounded and holds no one's data.
public final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    private init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// The one registry of the process, bootstrapped as swift-metrics' backend on first
    /// use: swift-metrics has one backend per process, and bootstrapping it twice traps.
    public static let shared: ServerMetrics = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Pushes take milliseconds, a feed refresh can take minutes.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
            .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
        ]
        factory.nameAndLabelSanitizer = ServerMetrics.sanitize
        MetricsSystem.bootstrap(factory)
        return ServerMetrics(registry: registry)
    }()

    /// Hummingbird's names in Prometheus's conventions (counters end in _total, durations
    /// say their unit), and a request method outside HTTP's own as `_OTHER`: a client can
    /// send any token as a method, and each would otherwise make series of its own.
    static func sanitize(_ name: String, _ labels: [(String, String)]) -> (String, [(String, String)]) {
        let labels = labels.map { label, value in
            (label, label == "http.request.method" && !knownMethods.contains(value) ? "_OTHER" : value)
        }
        return (prometheusNames[name] ?? name, labels)
    }

    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY"]

    static let prometheusNames = [
        "hb.requests": "http_server_requests_total",
        "hb.request.errors": "http_server_request_errors_total",
        "http.server.request.duration": "http_server_request_duration_seconds",
    ]

    /// The Prometheus text exposition of every metric recorded so far.
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

/// What the sync server counts beyond requests. Metric objects are made at each use rather
/// than kept: one made before the backend was bootstrapped would record nowhere for good,
/// and the lookup costs nothing next to the database work it counts.
package enum SyncMetrics {
    /// One push's mutations by how they were settled, counted once the transaction committed.
    package struct PushTally: Sendable {
        package var applied = 0
        package var merged = 0
        package var keptBoth = 0
        package var rejected = 0
        /// Already applied in an earlier push (a retry): answered from the stored result.
        package var replayed = 0

        package init() {}

        package mutating func count(_ status: MutationStatus) {
            switch status {
            case .applied: applied += 1
            case .merged: merged += 1
            case .keptBoth: keptBoth += 1
            case .rejected: rejected += 1
            }
        }
    }

    /// Records a committed push.
    package static func recordPush(_ tally: PushTally) {
        Counter(label: "reader_push_transactions_total").increment()
        for (result, count) in [
            ("applied", tally.applied), ("merged", tally.merged), ("kept_both", tally.keptBoth),
            ("rejected", tally.rejected), ("replayed", tally.replayed),
        ] where count > 0 {
            Counter(label: "reader_push_mutations_total", dimensions: [("result", result)]).increment(by: count)
        }
    }

    /// Records a page of changes served to a client.
    package static func recordPull(changes: Int) {
        Counter(label: "reader_pull_pages_total").increment()
        Counter(label: "reader_pull_changes_total").increment(by: changes)
    }

    /// The kinds of database access the server measures.
    package enum Access: String, Sendable {
        case read, write
    }

    /// Runs `body`, one database transaction of `operation` (push, pull, ready), counting
    /// it as in flight meanwhile and timing it: the time includes the wait for SQLite's one
    /// writer or a free reader connection, which is what a saturated database looks like.
    package static func measure<T>(
        _ access: Access, _ operation: String, _ body: () async throws -> T
    ) async throws -> T {
        let inFlight = Meter(label: "reader_db_transactions_in_flight", dimensions: [("access", access.rawValue)])
        inFlight.increment()
        let start = ContinuousClock.now
        defer {
            inFlight.decrement()
            CoreMetrics.Timer(label: "reader_db_transaction_duration_seconds", dimensions: [
                ("access", access.rawValue), ("operation", operation),
            ]).recordInterval(since: start)
        }
        return try await body()
    }
}

extension CoreMetrics.Timer {
    /// Records the time from `start` to now.
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = (ContinuousClock.now - start).components
        recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }
}
