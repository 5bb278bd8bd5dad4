import Foundation
import GRDB
@testable import ReaderServer
import Testing

/// The server's schema snapshot, Schemas/sqlite/server-schema.sql: part of the contract an
/// operator (or a second storage engine) reads, kept true here.
@Suite struct ServerSchemaTests {
    static let snapshotURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schemas/sqlite/server-schema.sql")

    static func dump(_ db: Database) throws -> String {
        let rows = try Row.fetchAll(db, sql: """
            SELECT type, name, sql FROM sqlite_master
            WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
            ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'trigger' THEN 2 ELSE 3 END, name
            """)
        let header = """
            -- What a freshly migrated reader-server database holds.
            -- Kept true by ServerSchemaTests; regenerate with UPDATE_SCHEMA_SNAPSHOT=1 swift test --filter ServerSchemaTests.

            """
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        return header + "PRAGMA application_id = \(applicationID);\n\n" + rows.map { ($0["sql"] as String) + ";\n" }.joined(separator: "\n")
    }

    @Test func freshMigrationMatchesTheSnapshot() async throws {
        let server = try TestServer()
        let actual = try await server.repository.pool.read(Self.dump)
        if ProcessInfo.processInfo.environment["UPDATE_SCHEMA_SNAPSHOT"] == "1" {
            try actual.write(to: Self.snapshotURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: Self.snapshotURL, encoding: .utf8)
        #expect(actual == expected, "Schemas/sqlite/server-schema.sql is out of date: run UPDATE_SCHEMA_SNAPSHOT=1 swift test --filter ServerSchemaTests")
    }

    @Test func migrationsAreNamedAndAllApplied() async throws {
        let server = try TestServer()
        let applied = try await server.repository.pool.read { db in try SQLiteSyncRepository.migrator.appliedIdentifiers(db) }
        #expect(applied == ["v1-sync-server", "v2-feeds", "v3-application-id", "v4-stamps-within-bound", "v5-per-user-library", "v6-greader", "v7-library-arrival"])
    }
}
