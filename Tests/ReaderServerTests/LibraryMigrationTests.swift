import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LoopbackHTTP
import ReaderModels
@testable import ReaderServer
import Testing

/// A database of the shared-content era (every article a change row of user 0) opens
/// migrated to per-user libraries, keeping what README's "Who sees what" promises: each
/// user keeps the feeds they subscribe to, every imported article and what they kept, and
/// gets tombstones for other users' feeds.
@Suite struct LibraryMigrationTests {
    @Test func sharedContentIsSplitIntoLibrariesAndCursorsStayValid() async throws {
        let folder = try TestFolder.make("migration")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("server.sqlite").path
        let feed = "https://feeds.example/ada.xml"
        let fed = Fingerprint.sourceID(key: feed), imported = Fingerprint.sourceID(key: "https://imported.example/")
        let a1 = Fingerprint.articleID(sourceKey: feed, guid: "1"), a2 = Fingerprint.articleID(sourceKey: feed, guid: "2")
        let i1 = Fingerprint.articleID(sourceKey: "https://imported.example/", guid: "1")

        // The old layout, written as the earlier server wrote it.
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteSyncRepository.migrator.migrate(pool, upTo: "v4-stamps-within-bound")
            try await pool.write { db in
                let now = "2026-11-01T00:00:00.000Z"
                for (id, name) in [(1, "ada"), (2, "bob")] {
                    try db.execute(sql: "INSERT INTO users (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
                                   arguments: [id, name, BearerToken.hash("token-\(name)"), now])
                }
                for (id, key) in [(fed, feed), (imported, "https://imported.example/")] {
                    try db.execute(sql: "INSERT INTO sources (id, key, kind, title) VALUES (?, ?, 'rss', ?)", arguments: [id, key, key])
                    try db.execute(sql: "INSERT INTO changes (user_id, entity, entity_id, changed_at) VALUES (0, 'source', ?, ?)",
                                   arguments: [id, now])
                }
                for (id, source) in [(a1, fed), (a2, fed), (i1, imported)] {
                    try db.execute(sql: """
                        INSERT INTO articles (id, source_id, guid, title, html, text, content_hash, first_seen_at)
                        VALUES (?, ?, 'g', 'Title', '', '', ?, ?)
                        """, arguments: [id, source, String(repeating: "0", count: 64), now])
                    try db.execute(sql: "INSERT INTO changes (user_id, entity, entity_id, changed_at) VALUES (0, 'article', ?, ?)",
                                   arguments: [id, now])
                }
                try db.execute(sql: "INSERT INTO feeds (url, source_key) VALUES (?, ?)", arguments: [feed, feed])
                try db.execute(sql: "INSERT INTO subscriptions (user_id, url, tags, subscribed, hlc) VALUES (1, ?, '[]', 1, ?)",
                               arguments: [feed, HLC(wallMillis: 1, counter: 0, node: "d").description])
                // Bob starred a2 of a feed he does not follow.
                try db.execute(sql: """
                    INSERT INTO article_states (user_id, article_id, read, starred, progress, tags, starred_hlc)
                    VALUES (2, ?, 0, 1, 0, '[]', ?)
                    """, arguments: [a2, HLC(wallMillis: 1, counter: 0, node: "d").description])
                try db.execute(sql: "INSERT INTO changes (user_id, entity, entity_id, changed_at) VALUES (2, 'article_state', ?, ?)",
                               arguments: [a2, now])
            }
        }
        let oldCursor = "7"

        let repository = try SQLiteSyncRepository(path: path)
        let app = Application(router: buildRouter(repository, accessLog: AccessLogSink { _ in }))
        try await app.test(.router) { client in
            let ada = ServerRetentionTests.summary(try await client.pullAll(token: "token-ada", since: oldCursor, limit: 100).changes)
            #expect(ada.live == [a1, a2, i1] && ada.gone.isEmpty)
            let bob = try await client.pullAll(token: "token-bob", since: oldCursor, limit: 100).changes
            let bobArticles = ServerRetentionTests.summary(bob)
            #expect(bobArticles.live == [a2, i1], "bob keeps what he starred and every imported article")
            #expect(bobArticles.gone == [a1], "ada's feed leaves bob's devices")
            #expect(bob.contains { $0.change == .tombstone(.source, id: fed) } == false, "bob still holds an article of ada's feed")
            // A fresh device gets the same, with no change row of user 0 left.
            #expect(ServerRetentionTests.summary(try await client.pullAll(token: "token-bob", limit: 100).changes).live == [a2, i1])
        }
        let shared = try await repository.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM changes WHERE user_id = 0") }
        #expect(shared == 0)
    }
}
