import Foundation
import Logging
import PostgresNIO
import ReaderServer
import Synchronization

/// A pool of connections to one PostgreSQL database, running for as long as the value is
/// open. postgres-nio's client only leases connections while its `run()` is awaited, so the
/// database owns the task that awaits it and ends it in ``close()``.
package final class PostgresPool: Sendable {
    /// Where the pool connects.
    package let url: PostgresURL
    /// postgres-nio's pooled client; queries go through it or through ``transaction(readOnlySnapshot:_:)``.
    package let client: PostgresClient
    private let running: Task<Void, Never>
    /// The most connections the pool opens.
    package let maxConnections: Int
    /// Leases in flight and leases waiting, counted around each ``lease(_:)``: postgres-nio
    /// keeps its own pool figures to itself (its observability delegate is internal).
    private let counts = Mutex(LeaseCounts())
    /// Why the URL's TLS settings could not be used, if they could not.
    private let tlsProblem: RepositoryError?
    /// postgres-nio asks for a logger on every query; the server's access log says what a
    /// request did, so the driver's own lines are off.
    package let logger = Logger(label: "reader-server.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A pool of at most `maxConnections` connections to `url`; nothing connects until the
    /// first query.
    /// An `sslrootcert` that cannot be read leaves a pool that trusts no root, so it
    /// connects nowhere, and ``checkReachable()`` throws the reason.
    package init(url: PostgresURL, maxConnections: Int = 8) {
        var settings: TLSConfiguration
        do {
            settings = try Self.tlsConfiguration(for: url)
            tlsProblem = nil
        } catch {
            settings = TLSConfiguration.makeClientConfiguration()
            settings.trustRoots = .certificates([])
            tlsProblem = error
        }
        let tls: PostgresClient.Configuration.TLS = switch url.sslMode {
        case .disable: .disable
        case .prefer: .prefer(settings)
        case .require, .verifyCA, .verifyFull: .require(settings)
        }
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls
        )
        configuration.options.maximumConnections = max(maxConnections, 1)
        configuration.options.connectTimeout = .seconds(10)
        self.url = url
        self.maxConnections = max(maxConnections, 1)
        let client = PostgresClient(configuration: configuration)
        self.client = client
        running = Task { await client.run() }
    }

    /// Opens and closes one connection outside the pool. The pool retries a failed connect
    /// with backoff for as long as a query waits, so a wrong host or port would hang there;
    /// this attempt fails at once (or after 10 seconds) with the reason.
    package func checkReachable() async throws {
        if let tlsProblem { throw tlsProblem }
        let tls: PostgresConnection.Configuration.TLS = switch url.sslMode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: Self.tlsConfiguration(for: url)))
        case .require, .verifyCA, .verifyFull: .require(try NIOSSLContext(configuration: Self.tlsConfiguration(for: url)))
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls
        )
        configuration.options.connectTimeout = .seconds(10)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        try await connection.close()
    }

    /// NIOSSL's client settings for the URL's `sslmode`: `prefer` and `require` encrypt
    /// without checking the certificate (as libpq does); `verify-ca` checks the chain,
    /// `verify-full` the chain and the host name (or the address, for an IP literal).
    static func tlsConfiguration(for url: PostgresURL) throws(RepositoryError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch url.sslMode {
        case .disable, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let path = url.sslRootCert {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            } catch {
                throw RepositoryError("--database: sslrootcert \(path) is not a readable PEM certificate file")
            }
        }
        return tls
    }

    /// The pool's figures now: connections leased, requests waiting for one, and the most
    /// it opens.
    package var leaseCounts: LeaseCounts {
        var counts = counts.withLock { $0 }
        counts.max = maxConnections
        return counts
    }

    /// What ``leaseCounts`` reports.
    package struct LeaseCounts: Sendable, Equatable {
        /// Requests holding a connection.
        package var inUse = 0
        /// Requests waiting for the pool to hand them one.
        package var waiting = 0
        /// The most connections the pool opens.
        package var max = 0
    }

    /// Runs `body` with a connection of the pool, counted in ``leaseCounts``: waiting until
    /// the pool hands one over, in use until `body` returns.
    package func lease<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        counts.withLock { $0.waiting += 1 }
        var leased = false
        defer {
            counts.withLock { leased ? ($0.inUse -= 1) : ($0.waiting -= 1) }
        }
        return try await client.withConnection { connection in
            counts.withLock { $0.waiting -= 1; $0.inUse += 1 }
            leased = true
            return try await body(connection)
        }
    }

    /// Closes every connection; queries after this fail.
    package func close() async {
        running.cancel()
        await running.value
    }

    /// Runs `body` on one connection inside `BEGIN` … `COMMIT`, and rolls back when it
    /// throws. The error thrown is `body`'s own, not wrapped, so a `RepositoryError` reaches
    /// the command line as its sentence. postgres-nio's `withTransaction` wraps it, hence this.
    ///
    /// - Parameter readOnlySnapshot: one snapshot for every statement (`REPEATABLE READ,
    ///   READ ONLY`), for a page built from several queries that must agree.
    package func transaction<Result: Sendable>(
        readOnlySnapshot: Bool = false, _ body: (PostgresConnection, Logger) async throws -> Result
    ) async throws -> Result {
        let logger = self.logger
        return try await lease { connection in
            try await connection.query(readOnlySnapshot ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" : "BEGIN", logger: logger)
            do {
                let result = try await body(connection, logger)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                // A connection whose rollback failed is broken; the pool drops it.
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// A failure in words, without SQL: the server never shows SQL to a client, and the
    /// command line shows a person what they can act on.
    package func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if error.code == .server, let info = error.serverInfo {
            return "PostgreSQL error \(info[.sqlState] ?? "?"): \(info[.message] ?? "no message")"
        }
        if error.code == .sslUnsupported {
            return "PostgreSQL at \(url.host):\(url.port) does not offer TLS (sslmode=\(url.sslMode.rawValue) requires it)"
        }
        if error.code == .connectionError || error.code == .failedToAddSSLHandler,
           let reason = error.underlying.flatMap(Self.certificateProblem) {
            return "TLS to PostgreSQL at \(url.host):\(url.port) failed: \(reason)"
        }
        if error.code == .connectionError || error.code == .serverClosedConnection || error.code == .poolClosed {
            // NIO's description nests every attempt; a person needs the gist.
            let underlying = error.underlying.map { "\($0)" } ?? ""
            let reason = underlying.contains("refused") ? "connection refused"
                : underlying.lowercased().contains("timeout") || underlying.lowercased().contains("timed out") ? "no answer in time"
                : "\(error.code)"
            return "cannot reach PostgreSQL at \(url.host):\(url.port) (\(reason))"
        }
        return "PostgreSQL client error (\(error.code))"
    }

    /// What is wrong with the server's certificate, in words, when `error` is NIOSSL's.
    private static func certificateProblem(_ error: any Error) -> String? {
        if let error = error as? NIOSSLExtraError, "\(error)".lowercased().contains("validatehostname") {
            return "the server's certificate does not name this host (sslmode=verify-full)"
        }
        if let error = error as? NIOSSLError, case .handshakeFailed = error {
            let text = "\(error)"
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                return "the server's certificate is not signed by a trusted root (check sslrootcert)"
            }
            return "the TLS handshake failed"
        }
        return nil
    }

    /// Runs one statement of SQL text with no arguments (administration and tests).
    package func execute(_ sql: String) async throws {
        try await lease { connection in _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
    }

    /// The SQLSTATE of a server error, e.g. 23505 for a unique violation.
    package static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
