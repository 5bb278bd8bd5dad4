import Foundation
import LoopbackHTTP
import PostgresNIO
import ReaderServerPostgres
import Testing

/// The real PostgreSQL the tests run against: one throwaway cluster per test run, started
/// by `.ci/postgres start --owner <this process>` on first use, so it stops when the test
/// process ends, however it ends. Each test gets a database of its own in it.
///
/// `READER_TEST_POSTGRES_URL` names a running server instead (`.ci/postgres run …` sets it).
/// Where PostgreSQL is not installed the tests are skipped, and say so, on a developer's
/// machine; in CI (`CI=true`) they run and fail with the one line that says what installs it.
public enum PostgresTestCluster {
    /// The package's root folder.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Whether the tests can meet a PostgreSQL server; always true in CI, where a missing one
    /// must fail the run rather than skip it.
    public static let canRun: Bool = {
        let environment = ProcessInfo.processInfo.environment
        if environment["CI"] == "true" || environment["READER_TEST_POSTGRES_URL"] != nil { return true }
        let paths = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/initdb" }
        let debian = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return (paths + debian.map { "/usr/lib/postgresql/\($0)/bin/initdb" }).contains {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }()

    /// The comment a skipped test shows.
    public static let absent: Comment = "PostgreSQL is not installed: .ci/setup installs it (Debian's postgresql package)"

    /// The cluster's administrative URL (database `postgres`), started once per process.
    public static let server = Task<PostgresURL, any Error> {
        if let given = ProcessInfo.processInfo.environment["READER_TEST_POSTGRES_URL"] {
            return try PostgresURL(given)
        }
        let started = try await ChildProcess.run(
            root.appendingPathComponent(".ci/postgres"),
            ["start", "--owner", String(ProcessInfo.processInfo.processIdentifier), "--no-install"]
        )
        guard started.status == 0,
              let line = started.stdout.split(separator: "\n").first(where: { $0.hasPrefix("READER_TEST_POSTGRES_URL=") })
        else {
            throw ClusterError(started.stderr.isEmpty ? ".ci/postgres start printed no URL (\(started.termination))" : started.stderr)
        }
        return try PostgresURL(String(line.dropFirst("READER_TEST_POSTGRES_URL=".count)))
    }

    /// A new, empty database in the cluster, for one test.
    public static func freshDatabase() async throws -> PostgresURL {
        var url = try await server.value
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let admin = PostgresPool(url: url, maxConnections: 1)
        try await admin.execute("CREATE DATABASE \(name)")
        await admin.close()
        url.database = name
        return url
    }

    /// The first column of every row `sql` selects in the database at `url`, as text: for a
    /// test that checks what a server stored (the SQLite tests read their file directly).
    public static func texts(_ sql: String, in url: String) async throws -> [String] {
        let pool = PostgresPool(url: try PostgresURL(url), maxConnections: 1)
        do {
            var found: [String] = []
            for try await text in try await pool.client.query(PostgresQuery(unsafeSQL: sql), logger: pool.logger).decode(String.self) {
                found.append(text)
            }
            await pool.close()
            return found
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Starting the cluster failed; what `.ci/postgres` said.
    public struct ClusterError: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}
