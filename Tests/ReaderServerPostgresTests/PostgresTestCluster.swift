import Foundation
@testable import ReaderServerPostgres
import Testing

/// The real PostgreSQL every test of this target runs against: one throwaway cluster per
/// test run, started by `.ci/postgres start --owner <this process>` on first use, so it stops
/// when the test process ends, however it ends. Each test gets a database of its own in it.
///
/// `READER_TEST_POSTGRES_URL` names a running server instead (`.ci/postgres run …` sets it).
/// Where PostgreSQL is not installed the tests are skipped, and say so, on a developer's
/// machine; in CI (`CI=true`) they run and fail with the one line that says what installs it.
enum PostgresTestCluster {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Whether the tests can meet a PostgreSQL server; always true in CI, where a missing one
    /// must fail the run rather than skip it.
    static let canRun: Bool = {
        let environment = ProcessInfo.processInfo.environment
        if environment["CI"] == "true" || environment["READER_TEST_POSTGRES_URL"] != nil { return true }
        let paths = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/initdb" }
        let debian = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return (paths + debian.map { "/usr/lib/postgresql/\($0)/bin/initdb" }).contains {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }()

    /// The comment a skipped test shows.
    static let absent: Comment = "PostgreSQL is not installed: .ci/setup installs it (Debian's postgresql package)"

    /// The cluster's administrative URL (database `postgres`), started once per process.
    static let server = Task<PostgresURL, any Error> {
        if let given = ProcessInfo.processInfo.environment["READER_TEST_POSTGRES_URL"] {
            return try PostgresURL(given)
        }
        let process = Process()
        process.executableURL = root.appendingPathComponent(".ci/postgres")
        process.arguments = ["start", "--owner", String(ProcessInfo.processInfo.processIdentifier), "--no-install"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Both pipes at their end means the script has finished. Its exit status is not
        // awaited: Foundation's waitUntilExit was seen to hang here on a child already gone,
        // and what it printed says all there is to know.
        guard let line = printed.split(separator: "\n").first(where: { $0.hasPrefix("READER_TEST_POSTGRES_URL=") }) else {
            throw ClusterError(complaint.isEmpty ? ".ci/postgres start printed no URL" : complaint)
        }
        return try PostgresURL(String(line.dropFirst("READER_TEST_POSTGRES_URL=".count)))
    }

    /// A new, empty database in the cluster, for one test.
    static func freshDatabase() async throws -> PostgresURL {
        var url = try await server.value
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let admin = PostgresPool(url: url, maxConnections: 1)
        try await admin.execute("CREATE DATABASE \(name)")
        await admin.close()
        url.database = name
        return url
    }

    struct ClusterError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}
