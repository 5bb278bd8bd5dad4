import Logging
import ReaderModels

/// What a running sync server needs to know: where to listen, where its database is, and
/// the limits it holds clients to.
public struct ServerConfiguration: Sendable {
    /// The SQLite database file; created and migrated on first use.
    public var databasePath: String
    /// The interface to listen on; loopback by default, so a server is private unless asked.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int
    /// How long a deleted note's tombstone stays in the change feed.
    public var tombstoneDays: Int
    /// The limits of requests and responses.
    public var limits: ServerLimits
    /// The timeouts of connections and the most open at once.
    public var connections: ConnectionLimits
    /// Seconds between refreshes of the feeds users subscribe to; 0 turns refreshing off.
    public var refreshIntervalSeconds: Int
    /// Whether feeds may be fetched from loopback, private and other non-public addresses
    /// (a home LAN, tests). Off by default: users' URLs must not reach into the server's
    /// own machine or network.
    public var allowPrivateNetworks: Bool
    /// How long articles are kept; applied at start and every hour.
    public var retention: ServerRetention
    /// The least severe log line written (requests are `info`).
    public var logLevel: Logger.Level
    /// Where `/metrics` is served, if anywhere.
    public var metrics: MetricsExposure

    /// A configuration with the documented defaults.
    public init(
        databasePath: String, host: String = "127.0.0.1", port: Int = 8080, tombstoneDays: Int = 30,
        limits: ServerLimits = ServerLimits(), connections: ConnectionLimits = ConnectionLimits(),
        refreshIntervalSeconds: Int = 900, allowPrivateNetworks: Bool = false, retention: ServerRetention = .standard,
        logLevel: Logger.Level = .info, metrics: MetricsExposure = .main
    ) {
        self.logLevel = logLevel
        self.metrics = metrics
        self.retention = retention
        self.databasePath = databasePath
        self.host = host
        self.port = port
        self.tombstoneDays = tombstoneDays
        self.limits = limits
        self.connections = connections
        self.refreshIntervalSeconds = refreshIntervalSeconds
        self.allowPrivateNetworks = allowPrivateNetworks
    }
}

/// The sizes the server refuses to go beyond, and when it compresses. The defaults are
/// the contract's (`WireLimits`), which clients size their own caps by.
public struct ServerLimits: Sendable, Hashable {
    /// The largest request body accepted; larger gets 413 `too_large`.
    public var maxBodyBytes: Int
    /// The most mutations in one push; more gets 413 `too_large`.
    public var maxBatch: Int
    /// The largest page of changes; a larger `limit` is clamped to it.
    public var maxPage: Int
    /// The page size when the client names none.
    public var defaultPage: Int
    /// A page stops taking changes once its JSON would pass this many bytes (it always
    /// carries one change, whatever its size).
    public var maxPageBytes: Int
    /// Pages built at once; more pulls wait their turn, so the memory that building pages
    /// takes does not grow with the number of clients pulling.
    public var maxConcurrentPages: Int
    /// Response bodies at least this long are gzipped for a client that accepts gzip;
    /// below it the gzip header costs more than it saves.
    public var gzipMinimumBytes: Int

    /// The limits with the documented defaults: 8 MB bodies, 500 mutations, pages of 500 up
    /// to 1000 changes and 4 MB, two pages built at once.
    public init(
        maxBodyBytes: Int = WireLimits.maxPushBodyBytes, maxBatch: Int = WireLimits.maxPushMutations, maxPage: Int = 1000,
        defaultPage: Int = 500, maxPageBytes: Int = WireLimits.pageBudgetBytes, maxConcurrentPages: Int = 2,
        gzipMinimumBytes: Int = 1024
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxBatch = maxBatch
        self.maxPage = maxPage
        self.defaultPage = defaultPage
        self.maxPageBytes = maxPageBytes
        self.maxConcurrentPages = max(maxConcurrentPages, 1)
        self.gzipMinimumBytes = gzipMinimumBytes
    }
}

/// The version `GET /v1/me` reports.
public enum ServerVersion {
    /// The server's version, in step with the `reader` CLI.
    public static let current = "0.1.0"
}

/// Where the server answers `GET /metrics`.
public enum MetricsExposure: Sendable, Hashable {
    /// Not at all; nothing is recorded.
    case off
    /// On the API's own listener, beside `/health` and `/ready`.
    case main
    /// On a listener of its own (a private address), and not on the API's.
    case separate(host: String, port: Int)

    /// `off`, `on` (the API's listener) or `HOST:PORT` (`[::1]:9464` for IPv6); nil for
    /// anything else.
    public init?(_ text: String) {
        switch text.lowercased() {
        case "off", "false", "0", "no": self = .off
        case "on", "true", "1", "yes", "main": self = .main
        default:
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                  (0...65535).contains(port)
            else { return nil }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { return nil }
            self = .separate(host: host, port: port)
        }
    }
}
