import Foundation
import GRDB
import Metrics

extension SQLiteSyncRepository {
    /// One row of the server's state, read in a transaction of its own: the file answers.
    public func checkReadiness() async throws {
        _ = try await SyncMetrics.measure(.read, "ready") {
            try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM server_state") }
        }
    }

    /// Sets the gauges a scrape reads from the file system and the pool's settings: the
    /// database and WAL file sizes and the most reader connections the pool opens. GRDB
    /// does not say how many of its connections are busy; the in-flight and duration
    /// metrics of ``SyncMetrics/measure(_:_:_:)`` stand for that.
    func recordStorageMetrics() {
        Gauge(label: "reader_db_max_readers").record(pool.configuration.maximumReaderCount)
        for (file, path) in [("database", pool.path), ("wal", pool.path + "-wal")] {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            Gauge(label: "reader_db_file_bytes", dimensions: [("file", file)]).record(size)
        }
    }
}
