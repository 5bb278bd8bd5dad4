import Metrics
import ReaderServer

extension PostgresSyncRepository: StorageGaugeSource {
    /// The pool's use at the scrape: connections leased to a request, requests waiting for
    /// one, and the most the pool opens. postgres-nio keeps its own pool figures to itself,
    /// so these count the leases the repository takes through ``PostgresPool``.
    package func recordStorageGauges() {
        let counts = database.leaseCounts
        Gauge(label: "reader_db_pool_in_use").record(counts.inUse)
        Gauge(label: "reader_db_pool_waiting").record(counts.waiting)
        Gauge(label: "reader_db_pool_max_connections").record(counts.max)
    }
}
