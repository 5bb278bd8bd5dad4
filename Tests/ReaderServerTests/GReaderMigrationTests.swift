import Foundation
import GRDB
import LoopbackHTTP
import ReaderModels
@testable import ReaderServer
import Testing

/// Migration v6-greader numbers the articles a server already has, and the numbers stay
/// with their articles: an update keeps it, a deleted article's number is never given again.
@Suite struct GReaderMigrationTests {
    static func insertArticle(_ db: Database, id: String, seen: String) throws {
        try db.execute(sql: """
            INSERT INTO articles (id, source_id, guid, title, html, text, content_hash, first_seen_at)
            VALUES (?, 'src000000001', ?, 'Title', '', '', ?, ?)
            """, arguments: [id, id, String(repeating: "0", count: 64), seen])
    }

    @Test func existingArticlesAreNumberedInArrivalOrderAndNumbersAreNeverReused() async throws {
        let folder = try TestFolder.make("greader-migration")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("server.sqlite").path
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteSyncRepository.migrator.migrate(pool, upTo: "v5-per-user-library")
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO sources (id, key, kind, title) VALUES ('src000000001', 'k', 'rss', 't')")
                // Stored out of arrival order: the later one first.
                try Self.insertArticle(db, id: "bbbbbbbbbbbbbbbb", seen: "2026-11-02T00:00:00.000Z")
                try Self.insertArticle(db, id: "aaaaaaaaaaaaaaaa", seen: "2026-11-01T00:00:00.000Z")
            }
        }
        let repository = try SQLiteSyncRepository(path: path)
        let numbered = try await repository.pool.write { db -> [String: Int64] in
            var numbers = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT article_id, id FROM greader_items").map {
                ($0[0] as String, $0[1] as Int64)
            })
            try db.execute(sql: "UPDATE articles SET title = 'Changed' WHERE id = 'aaaaaaaaaaaaaaaa'")
            try db.execute(sql: "DELETE FROM articles WHERE id = 'bbbbbbbbbbbbbbbb'")
            try Self.insertArticle(db, id: "cccccccccccccccc", seen: "2026-11-03T00:00:00.000Z")
            for row in try Row.fetchAll(db, sql: "SELECT article_id, id FROM greader_items") {
                numbers["after " + (row[0] as String)] = row[1]
            }
            return numbers
        }
        #expect(numbered["aaaaaaaaaaaaaaaa"] == 1 && numbered["bbbbbbbbbbbbbbbb"] == 2)
        #expect(numbered["after aaaaaaaaaaaaaaaa"] == 1, "an update keeps the number")
        #expect(numbered["after bbbbbbbbbbbbbbbb"] == nil, "a deleted article takes its number with it")
        #expect(numbered["after cccccccccccccccc"] == 3, "and the number is not given again")
    }
}
