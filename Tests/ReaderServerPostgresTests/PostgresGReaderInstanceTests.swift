import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import ReaderModels
import ReaderServer
@testable import ReaderServerPostgres
import Testing

/// The Google Reader API with several instances on one PostgreSQL database: item ids are
/// the database's, so every instance gives the same ones; pages stay whole while other
/// instances write; and the migration that brought `library.added_at`.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresGReaderInstanceTests {
    typealias Client = GReaderEngineClient

    @Test func itemIDsAreTheSameOnEveryInstanceAndNeverReused() async throws {
        let server = try await GReaderEngineServer.make(.postgres, articles: 4)
        let second = try await server.secondInstance()
        let ada = try #require(try await second.users().first { $0.name == "ada" }).name
        #expect(ada == "ada")
        let user = try #require(try await second.apiPassword(ofUser: "ada")).0
        let query = GReaderStreamQuery(stream: .readingList, count: 100)
        let first = try await server.repository.greaderItemIDs(for: user, query)
        #expect(try await second.greaderItemIDs(for: user, query).ids == first.ids)
        #expect(first.ids == [4, 3, 2, 1])
        // An import on the other instance numbers after every id given so far.
        try await server.importArticles(2, start: 4, for: ["ada"], into: second)
        let after = try await server.repository.greaderItemIDs(for: user, query).ids
        #expect(after == [6, 5, 4, 3, 2, 1])
        let items = try await second.greaderItems(for: user, ids: [GReaderItemID.parse(GReaderItemID.long(5))!, 1, 99])
        #expect(items.map(\.id) == [5, 1])
        await second.close()
        await server.close()
    }

    /// A client pages the reading list while another instance imports articles and edits
    /// tags: each page continues where the last ended, so no id comes twice and every id
    /// that was there when paging began comes once.
    @Test func pagingNeitherRepeatsNorSkipsWhileAnotherInstanceWrites() async throws {
        let server = try await GReaderEngineServer.make(.postgres, articles: 60)
        let writer = try await server.secondInstance()
        let user = try #require(try await writer.apiPassword(ofUser: "ada")).0
        let before = try await server.repository.greaderItemIDs(for: user, GReaderStreamQuery(stream: .readingList, count: 1000)).ids
        #expect(before.count == 60)
        let writes = Task {
            for round in 0..<6 {
                try await server.importArticles(5, start: 100 + round * 5, for: ["ada"], into: writer)
                try await writer.greaderEditTags(for: user, ids: Array(before.shuffled().prefix(10)), add: [.read, .label("x\(round)")], remove: [])
            }
        }
        var seen: [Int64] = []
        var continuation: Int64?
        repeat {
            let page = try await server.repository.greaderItemIDs(
                for: user, GReaderStreamQuery(stream: .readingList, count: 7, continuation: continuation)
            )
            seen += page.ids
            continuation = page.continuation
            await Task.yield()
        } while continuation != nil
        try await writes.value
        #expect(Set(seen).count == seen.count, "no id twice")
        #expect(seen == seen.sorted(by: >), "newest first across pages")
        #expect(Set(before).isSubset(of: Set(seen)), "every id there at the start")
        // Oldest first, under the read filter, once the writes are done: every unread id.
        var unread: [Int64] = []
        continuation = nil
        repeat {
            let page = try await server.repository.greaderItemIDs(for: user, GReaderStreamQuery(
                stream: .readingList, exclude: .read, oldestFirst: true, count: 9, continuation: continuation
            ))
            unread += page.ids
            continuation = page.continuation
        } while continuation != nil
        let counts = try await server.repository.greaderUnreadCounts(for: user)
        #expect(unread.count == counts.first { $0.stream == .readingList }?.count)
        #expect(unread == unread.sorted())
        await writer.close()
        await server.close()
    }

    /// Two instances write to one user's items at once, through GReader and pushes: every
    /// write is in the user's change feed, numbered 1…N with no gap.
    @Test func concurrentGReaderWritesOnTwoInstancesKeepTheFeedGapFree() async throws {
        let server = try await GReaderEngineServer.make(.postgres, articles: 20)
        let second = try await server.secondInstance()
        let user = try #require(try await second.apiPassword(ofUser: "ada")).0
        let ids = try await second.greaderItemIDs(for: user, GReaderStreamQuery(stream: .readingList, count: 100)).ids
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, repository) in [server.repository, second as any GReaderStorage].enumerated() {
                group.addTask {
                    for round in 0..<5 {
                        try await repository.greaderEditTags(
                            for: user, ids: ids.filter { $0 % 2 == Int64(index) }, add: [.label("r\(round)")], remove: []
                        )
                    }
                }
            }
            group.addTask { try await second.greaderMarkAllRead(for: user, stream: .readingList, beforeMillis: nil) }
            try await group.waitForAll()
        }
        let feed = try await second.changes(for: user, since: 0, limit: 10_000, maxBytes: 1 << 26)
        let numbers = feed.changes.map(\.seq)
        #expect(numbers == numbers.sorted() && Set(numbers).count == numbers.count)
        let bounds = try await second.database.transaction { connection, logger in
            try await PostgresChangeFeed.bounds(of: user.id, connection, logger)
        }
        #expect(bounds.last >= Int64(feed.changes.count))
        let states = try await second.greaderItems(for: user, ids: ids)
        #expect(states.count == 20 && states.allSatisfy { $0.read && $0.labels == (0..<5).map { "r\($0)" } })
        await second.close()
        await server.close()
    }

    /// Bulk writes past one transaction's chunk (`GReaderLimits.writeChunk`) reach every
    /// item: edit-tag, rename-tag and mark-all-as-read over two chunks.
    @Test func bulkWritesReachEveryItemAcrossChunks() async throws {
        let count = GReaderLimits.writeChunk + 10
        let server = try await GReaderEngineServer.make(.postgres, articles: count)
        let repository = server.repository
        let user = try #require(try await repository.apiPassword(ofUser: "ada")).0
        let ids = try await repository.greaderItemIDs(for: user, GReaderStreamQuery(stream: .readingList, count: 10_000)).ids
        #expect(ids.count == count)
        #expect(try await repository.greaderEditTags(for: user, ids: ids + [999_999], add: [.label("Bulk")], remove: []) == count)
        try await repository.greaderRelabel(for: user, from: "Bulk", to: "Moved")
        try await repository.greaderMarkAllRead(for: user, stream: .label("Moved"), beforeMillis: nil)
        let items = try await repository.greaderItems(for: user, ids: ids)
        #expect(items.count == count && items.allSatisfy { $0.read && $0.labels == ["Moved"] })
        #expect(try await repository.greaderUnreadCounts(for: user).isEmpty)
        await server.close()
    }

    /// Sessions on PostgreSQL live as on SQLite: one in use is renewed, one idle 30 days
    /// ends and is purged at the next login, and a user keeps at most 32, the least
    /// recently renewed ending first. A session made on one instance works on the other.
    @Test func sessionsAreRenewedEndIdleAndAreCappedPerUser() async throws {
        let server = try await GReaderEngineServer.make(.postgres, articles: 0)
        let other = try await server.secondInstance()
        let otherApp = buildApplication(repository: other, accessLog: AccessLogSink(write: { _ in }), metrics: nil)
        @Sendable func sessions() async throws -> Int64 {
            var count: Int64 = 0
            for try await value in try await other.database.client.query("SELECT COUNT(*) FROM greader_sessions", logger: other.database.logger)
                .decode(Int64.self) { count = value }
            return count
        }
        let idle = try await server.app().test(.router) { client in
            var reader = Client(client)
            try await reader.login("ada", "ada-pass")
            return try #require(reader.auth)
        }
        try await otherApp.test(.router) { client in
            var busy = Client(client)
            try await busy.login("bob", "bob-pass")
            for _ in 0..<3 {
                server.wall.advance(days: 20)
                #expect(try await busy.get("user-info").status == .ok, "renewed by use")
            }
            var ada = Client(client)
            ada.auth = idle
            #expect(try await ada.get("user-info").status == .unauthorized, "60 idle days")
            #expect(try await sessions() == 2, "kept until the next login")
            try await ada.login("ada", "ada-pass")
            #expect(try await sessions() == 2, "the ended one purged")
            let first = try #require(ada.auth)
            for _ in 0..<GReaderSession.maxPerUser {
                server.wall.advance(millis: 1000)
                try await ada.login("ada", "ada-pass")
            }
            #expect(try await sessions() == Int64(GReaderSession.maxPerUser) + 1, "32 of ada's and bob's")
            ada.auth = first
            #expect(try await ada.get("user-info").status == .unauthorized, "the oldest of 33 ended")
        }
        await other.close()
        await server.close()
    }

    /// A database migrated before `pg2-library-arrival` gains `library.added_at`, each row
    /// taking its article's `first_seen_at`, and a repository opened on it writes it.
    @Test func theArrivalMigrationBackfillsFromFirstSeen() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let pool = PostgresPool(url: url, maxConnections: 1)
        try await pool.transaction { connection, logger in
            try await connection.query("CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", logger: logger)
            for statement in PostgresMigrations.statements(of: PostgresMigrations.v1) {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await connection.query("INSERT INTO schema_migrations (name) VALUES ('pg1-sync-server')", logger: logger)
            try await connection.query("""
                INSERT INTO users (name, token_hash, created_at) VALUES ('ada', 'h', '2026-01-01T00:00:00.000Z')
                """, logger: logger)
            try await connection.query("INSERT INTO sources (id, key, kind, title) VALUES ('s', 'k', 'rss', 'S')", logger: logger)
            try await connection.query("""
                INSERT INTO articles (id, source_id, guid, title, html, text, content_hash, first_seen_at)
                VALUES ('a1', 's', 'g1', 'One', '', '', 'h', '2026-02-03T04:05:06.007Z')
                """, logger: logger)
            try await connection.query("INSERT INTO library (user_id, article_id) SELECT id, 'a1' FROM users", logger: logger)
        }
        await pool.close()
        let repository = try await PostgresSyncRepository(url: url)
        var added: [String] = []
        for try await value in try await repository.database.client.query("SELECT added_at FROM library", logger: repository.database.logger)
            .decode(String.self) { added.append(value) }
        #expect(added == ["2026-02-03T04:05:06.007Z"])
        #expect(try await PostgresMigrations.applied(repository.database) == PostgresMigrations.all.map(\.name), "the arrival migration, then every later one")
        await repository.close()
    }
}
