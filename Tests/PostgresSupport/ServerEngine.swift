import Foundation
import Testing

/// The engine the sync and server suites' servers run on: SQLite, or PostgreSQL when
/// `READER_TEST_SERVER_ENGINE=postgres` (the PostgreSQL pass of `.ci/run`), each server on a
/// fresh database of the test run's cluster (``PostgresTestCluster``).
public enum ServerEngine: String, Sendable {
    case sqlite, postgres

    public static let current: ServerEngine = {
        let value = ProcessInfo.processInfo.environment["READER_TEST_SERVER_ENGINE"] ?? "sqlite"
        guard let engine = ServerEngine(rawValue: value) else {
            preconditionFailure("READER_TEST_SERVER_ENGINE=\(value): give sqlite or postgres")
        }
        return engine
    }()
}

extension Trait where Self == ConditionTrait {
    /// A test that reaches into the server's SQLite file itself, or tests what only the SQLite
    /// engine does: on the PostgreSQL pass it is skipped, and `why` says so.
    public static func sqliteServerOnly(_ why: Comment) -> Self {
        .enabled(if: ServerEngine.current == .sqlite, why)
    }
}
