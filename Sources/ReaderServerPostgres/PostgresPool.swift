import Foundation
import Logging
import PostgresNIO
import ReaderServer

/// A pool of connections to one PostgreSQL database, running for as long as the value is
/// open. postgres-nio's client only leases connections while its `run()` is awaited, so the
/// database owns the task that awaits it and ends it in ``close()``.
package final class PostgresPool: Sendable {
    /// Where the pool connects.
    package let url: PostgresURL
    /// postgres-nio's pooled client; queries go through it or through ``transaction(readOnlySnapshot:_:)``.
    package let client: PostgresClient
    private let running: Task<Void, Never>
    /// postgres-nio asks for a logger on every query; the server's access log says what a
    /// request did, so the driver's own lines are off.
    package let logger = Logger(label: "reader-server.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A pool of at most `maxConnections` connections to `url`; nothing connects until the
    /// first query.
    package init(url: PostgresURL, maxConnections: Int = 8) {
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable
        )
        configuration.options.maximumConnections = max(maxConnections, 1)
        configuration.options.connectTimeout = .seconds(10)
        self.url = url
        let client = PostgresClient(configuration: configuration)
        self.client = client
        running = Task { await client.run() }
    }

    /// Opens and closes one connection outside the pool. The pool retries a failed connect
    /// with backoff for as long as a query waits, so a wrong host or port would hang there;
    /// this attempt fails at once (or after 10 seconds) with the reason.
    package func checkReachable() async throws {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable
        )
        configuration.options.connectTimeout = .seconds(10)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        try await connection.close()
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
        return try await client.withConnection { connection in
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

    /// Runs one statement of SQL text with no arguments (administration and tests).
    package func execute(_ sql: String) async throws {
        try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }

    /// The SQLSTATE of a server error, e.g. 23505 for a unique violation.
    package static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
