import Foundation
import GRDB
import LoopbackHTTP
import ReaderModels
@testable import ReaderStore
import Testing

@Suite struct SchemaTests {
    /// The schema snapshot in Schemas/sqlite/schema.sql, beside Package.swift.
    static let snapshotURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schemas/sqlite/schema.sql")

    /// Every object of a database as SQL, in a stable order, the way the snapshot holds it.
    static func dump(_ db: Database) throws -> String {
        let rows = try Row.fetchAll(db, sql: """
            SELECT type, name, sql FROM sqlite_master
            WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
              AND NOT (type = 'table' AND name GLOB '*_fts_*')
            ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'trigger' THEN 2 ELSE 3 END, name
            """)
        let header = """
            -- What a freshly migrated reader database holds (FTS5 shadow tables left out).
            -- Kept true by SchemaTests; regenerate with UPDATE_SCHEMA_SNAPSHOT=1 swift test --filter SchemaTests.

            """
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        return header + "PRAGMA application_id = \(applicationID);\n\n" + rows.map { ($0["sql"] as String) + ";\n" }.joined(separator: "\n")
    }

    @Test func freshMigrationMatchesTheSnapshot() throws {
        let test = try TestStore()
        let actual = try test.store.pool.read(Self.dump)
        if ProcessInfo.processInfo.environment["UPDATE_SCHEMA_SNAPSHOT"] == "1" {
            try actual.write(to: Self.snapshotURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: Self.snapshotURL, encoding: .utf8)
        #expect(actual == expected, "Schemas/sqlite/schema.sql is out of date: run UPDATE_SCHEMA_SNAPSHOT=1 swift test --filter SchemaTests")
    }

    @Test func migrationsAreNamedAndAllApplied() throws {
        let test = try TestStore()
        let applied = try test.store.pool.read { db in try Schema.migrator.appliedIdentifiers(db) }
        #expect(applied == ["v1-content", "v1-user-state", "v1-outbox-and-sync", "v1-search", "v2-batched-article-index", "v3-sync", "v3-feeds", "v4-search-merges", "v5-application-id", "v6-retention", "v7-sync-api", "v8-text-once", "v9-sync-backfill", "v10-retention-index", "v11-status-counts"])
    }

    @Test func aNewDatabaseHas16KBPagesItsSearchIndexMergesEightSegmentsAtATimeAndTheWALWaitsFor32MB() throws {
        let test = try TestStore()
        let (automerge, pageSize, checkpoint) = try test.store.pool.write { db in
            (
                try Int.fetchOne(db, sql: "SELECT v FROM articles_fts_config WHERE k = 'automerge'"),
                try Int.fetchOne(db, sql: "PRAGMA page_size"),
                try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint")
            )
        }
        #expect(automerge == 8)
        #expect(pageSize == 16_384)
        #expect(checkpoint == 2048)
    }

    /// A file made before databases had 16 KB pages keeps its 4 KB pages (SQLite cannot
    /// change them in WAL mode), and its log is bounded at the same 32 MB: 8,192 of them.
    @Test func aDatabaseWith4KBPagesKeepsThemAndItsWALWaitsFor32MB() throws {
        let folder = TestFolder.url("store")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("reader.sqlite").path
        try DatabaseQueue(path: path).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA application_id = \(Int32(bitPattern: StoreFile.applicationID))")
        }
        let store = try ReaderStore(path: path, environment: TestStore.environment(start: Date(), idPrefix: ""))
        let (pageSize, checkpoint) = try store.pool.write { db in
            (try Int.fetchOne(db, sql: "PRAGMA page_size"), try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint"))
        }
        #expect(pageSize == 4096)
        #expect(checkpoint == 8192)
        try store.importArticles([ArticleDraft(source: SourceDraft(key: "https://a.example/", title: "A", kind: .rss), guid: "1", title: "Still here", html: "<p>Body</p>", text: "Body")])
        #expect(try store.search("still").count == 1)
    }

    @Test func theWriterReadsThroughASmallerPageCacheThanTheReaders() throws {
        let test = try TestStore()
        let writer = try test.store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        let reader = try test.store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        #expect(writer == -2000)
        #expect(reader == -8000)
    }

    @Test func databaseUsesWALAndForeignKeys() throws {
        let test = try TestStore()
        let (journal, foreignKeys, integrity) = try test.store.pool.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try String.fetchOne(db, sql: "PRAGMA integrity_check")
            )
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(integrity == "ok")
    }

    @Test func reopeningKeepsTheDeviceIDAndMigratesNothing() throws {
        let test = try TestStore()
        let device = try test.store.status().deviceID
        let reopened = try ReaderStore(path: test.store.path)
        #expect(try reopened.status().deviceID == device)
        #expect(device.count == 16)
    }
}
