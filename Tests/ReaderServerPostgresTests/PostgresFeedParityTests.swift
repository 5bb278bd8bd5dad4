import Foundation
import LoopbackHTTP
import ReaderModels
import ReaderServer
@testable import ReaderServerPostgres
import Testing

/// Feed subscriptions and fetches on PostgreSQL, checked against the SQLite engine doing the
/// same against the same feed server: the same changes, in the same order, reach each
/// user's feed (as `PostgresImportTests` does for imports).
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresFeedParityTests {
    static func rss(_ title: String, _ count: Int, revision: String = "") -> RoutedServer.Route {
        var items = ""
        for index in 0..<count {
            items += "<item><title>\(title) \(index)\(revision)</title><guid>g\(index)</guid><link>https://example.org/\(index)</link></item>\n"
        }
        let body = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(title)</title><link>https://example.org/</link>\n\(items)</channel></rss>"
        return .body(Array(body.utf8), contentType: "application/rss+xml", etag: "\"\(count)\(revision)\"")
    }

    @Test func subscriptionsFetchesAndAMoveReachTheFeedsAsOnSQLite() async throws {
        let folder = try TestFolder.make("pg-parity")
        defer { try? FileManager.default.removeItem(at: folder) }
        let postgres = try await PostgresSyncRepository(url: try await PostgresTestCluster.freshDatabase(), refreshIntervalSeconds: 0)
        let sqlite = try SQLiteSyncRepository(path: folder.appendingPathComponent("server.sqlite").path)
        // One feed server for both engines: the same URLs, so the same ids.
        let web = try RoutedServer()
        let a = web.url("/a.xml").absoluteString, b = web.url("/b.xml").absoluteString
        var feeds: [[String]] = []
        for repository in [sqlite as any FeedRepository, postgres as any FeedRepository] {
            web.set("/a.xml", Self.rss("A", 3))
            web.set("/b.xml", Self.rss("B", 2))
            let alice = try #require(try await repository.authenticate(token: try await repository.addUser(named: "alice")))
            let bob = try #require(try await repository.authenticate(token: try await repository.addUser(named: "bob")))
            let aggregator = try FeedAggregator(repository: repository, timeLimit: .seconds(10), allowPrivateNetworks: true)
            _ = try await aggregator.add(user: "alice", url: a)
            _ = try await aggregator.add(user: "bob", url: a)
            _ = try await aggregator.add(user: "alice", url: b)

            web.set("/a.xml", Self.rss("A", 3, revision: " (corrected)"))
            let corrected = try await aggregator.refresh()
            #expect(corrected.updated == 3 && corrected.notModified == 1, "\(corrected.line)")
            // A moves onto B, a feed already: its subscribers follow, and A's articles leave
            // the libraries that held them only through A.
            web.set("/a.xml", .redirect(301, to: "/b.xml"))
            let moved = try await aggregator.refresh(force: true)
            #expect(moved.moved == 1 && moved.failed == 0, "\(moved.line)")
            #expect(try await repository.feeds().map(\.url) == [b])
            try await aggregator.remove(user: "bob", url: b)

            var shapes: [String] = []
            for user in [alice, bob] {
                let page = try await repository.changes(for: user, since: 0, limit: 1000, maxBytes: 1 << 24)
                shapes.append("-- \(user.name)")
                shapes += PostgresImportTests.shape(page)
            }
            feeds.append(shapes)
        }
        #expect(feeds[1].count > 10)
        // What the move and the unsubscription took away is in the feeds too.
        #expect(feeds[1].contains { $0.hasPrefix("tombstone article ") } && feeds[1].contains { $0.hasPrefix("tombstone source ") })
        #expect(feeds[0] == feeds[1], "SQLite: \(feeds[0])\nPostgreSQL: \(feeds[1])")
        await postgres.close()
    }
}
