import ArgumentParser
import Foundation
import Hummingbird
import ReaderServer

/// `reader-server serve --db PATH | --database postgres://… [--host H] [--port N] [--tombstone-days D] [--refresh-interval S]
/// [--keep-days D] [--keep-per-feed N] [--header-timeout S] [--body-timeout S] [--idle-timeout S] [--max-connections N] [--allow-private-networks]
/// [--log-level L] [--metrics on|off|HOST:PORT]`, each also from a READER_SERVER_ variable (``EnvironmentDefaults``).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the sync API.",
        discussion: """
            The first line on standard output is the base URL, e.g. http://127.0.0.1:54321 \
            (with --port 0 the port is a free one). One JSON line per request goes to standard error \
            (with --log-level info, the default).

            GET /health answers while the process is up, GET /ready while the database answers, \
            GET /metrics in Prometheus's format (see --metrics). SIGTERM or SIGINT stops the server \
            gracefully: requests under way finish, then it exits 0.

            Every option can also be set by an environment variable, READER_SERVER_ and the \
            option's name in capitals (READER_SERVER_DB, READER_SERVER_PORT, ...); an option on the \
            command line wins over its variable. See docs/OPERATIONS.md.

            With --database postgres://… several `serve` processes may share one database behind \
            one address: each feed is fetched by one of them once per --refresh-interval (give \
            them all the same), and a process that dies mid-refresh leaves its feeds to the others \
            after a lease of a few minutes. See docs/POSTGRES.md.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var fetching: FetchOptions

    @Option(help: "The interface to listen on. Env: READER_SERVER_HOST.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one. Env: READER_SERVER_PORT.")
    var port = 8080

    @Option(name: .customLong("tombstone-days"), help: "How many days tombstones (deleted notes, articles that left a library) stay in the change feed. Env: READER_SERVER_TOMBSTONE_DAYS.")
    var tombstoneDays = 30

    @Option(
        name: .customLong("refresh-interval"),
        help: ArgumentHelp("Seconds between refreshes of the subscribed feeds; 0 turns them off. Env: READER_SERVER_REFRESH_INTERVAL.", valueName: "seconds")
    )
    var refreshInterval = 900

    @Option(
        name: .customLong("keep-days"),
        help: ArgumentHelp(
            "Articles that arrived more than this many days ago leave every library, except where a user starred, tagged or annotated them; 0 keeps them for ever. Env: READER_SERVER_KEEP_DAYS.",
            valueName: "days"
        )
    )
    var keepDays = ServerRetention.standard.keepDays

    @Option(
        name: .customLong("keep-per-feed"),
        help: ArgumentHelp(
            "Only this many of each fetched feed's newest articles are kept (imported files are not capped), except where a user starred, tagged or annotated one; 0 sets no cap. Env: READER_SERVER_KEEP_PER_FEED.",
            valueName: "count"
        )
    )
    var keepPerFeed = ServerRetention.standard.keepPerFeed

    @Option(
        name: .customLong("header-timeout"),
        help: ArgumentHelp("Seconds a request's head may take to arrive; then the connection is closed. Env: READER_SERVER_HEADER_TIMEOUT.", valueName: "seconds")
    )
    var headerTimeout = 10.0

    @Option(
        name: .customLong("body-timeout"),
        help: ArgumentHelp("Seconds a request's body may take to arrive after its head. Env: READER_SERVER_BODY_TIMEOUT.", valueName: "seconds")
    )
    var bodyTimeout = 60.0

    @Option(
        name: .customLong("idle-timeout"),
        help: ArgumentHelp("Seconds a connection may wait with no request before it is closed. Env: READER_SERVER_IDLE_TIMEOUT.", valueName: "seconds")
    )
    var idleTimeout = 60.0

    @Option(
        name: .customLong("max-connections"),
        help: "The most connections open at once; more are closed as they arrive. Env: READER_SERVER_MAX_CONNECTIONS."
    )
    var maxConnections = 512

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp(
            "The least severe log line written to standard error: trace, debug, info (a line per request), notice, warning, error or critical. Env: READER_SERVER_LOG_LEVEL.",
            valueName: "level"
        )
    )
    var logLevel = "info"

    @Option(
        help: ArgumentHelp(
            "Where GET /metrics (Prometheus) is served: on (the API's listener), off, or HOST:PORT, a listener of its own, e.g. on a private address. Env: READER_SERVER_METRICS.",
            valueName: "on|off|host:port"
        )
    )
    var metrics = "on"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard tombstoneDays >= 0 else { throw ValidationError("--tombstone-days must be 0 or more") }
        guard refreshInterval >= 0 else { throw ValidationError("--refresh-interval must be 0 or more") }
        guard (0...36_500).contains(keepDays) else { throw ValidationError("--keep-days must be from 0 to 36500") }
        guard (0...10_000_000).contains(keepPerFeed) else { throw ValidationError("--keep-per-feed must be from 0 to 10000000") }
        for (name, seconds) in [("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--idle-timeout", idleTimeout)] {
            guard seconds > 0, seconds <= 86_400 else { throw ValidationError("\(name) must be more than 0 and at most 86400 seconds") }
        }
        guard (1...1_000_000).contains(maxConnections) else { throw ValidationError("--max-connections must be from 1 to 1000000") }
        guard ServerLog.level(named: logLevel) != nil else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
        }
        guard MetricsExposure(metrics) != nil else { throw ValidationError("--metrics must be on, off or HOST:PORT") }
    }

    func run() async throws {
        let configuration = ServerConfiguration(
            databasePath: database.sqlitePath ?? "", host: host, port: port, tombstoneDays: tombstoneDays,
            connections: ConnectionLimits(
                headerTimeout: .seconds(headerTimeout), bodyTimeout: .seconds(bodyTimeout),
                idleTimeout: .seconds(idleTimeout), maxConnections: maxConnections
            ),
            refreshIntervalSeconds: refreshInterval, allowPrivateNetworks: fetching.allowPrivateNetworks,
            retention: ServerRetention(keepDays: keepDays, keepPerFeed: keepPerFeed),
            logLevel: ServerLog.level(named: logLevel) ?? .info, metrics: MetricsExposure(metrics) ?? .main
        )
        let shownHost = host.contains(":") ? "[\(host)]" : host
        try await database.withFeedRepository(
            tombstoneDays: tombstoneDays, refreshIntervalSeconds: refreshInterval, retention: configuration.retention
        ) { repository in
            let app = try buildApplication(configuration, repository: repository) { port in
                // Written straight to the file descriptor: a script waiting for the URL must not
                // wait for a buffer to fill.
                FileHandle.standardOutput.write(Data("http://\(shownHost):\(port)\n".utf8))
            }
            try await app.runService()
        }
        ServerLog.logger(sink: AccessLogSink.standardError.at(configuration.logLevel))
            .notice("stopped", metadata: ["event": "stopped"])
    }
}
