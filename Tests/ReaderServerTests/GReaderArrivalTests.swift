import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import ReaderServer
import Testing

/// `ot`, crawl time and mark-all-as-read `ts` follow when an article entered the user's
/// library, not when the server first stored it: an incremental client sees what the
/// native change feed announces.
@Suite struct GReaderArrivalTests {
    @Test func aFeedAnotherUserFollowsArrivesForAnIncrementalClientPollingWithOt() async throws {
        let server = try await GReaderTests.server(articles: 3)
        try await server.app.test(.router) { client in
            var ada = GReaderTestClient(client)
            try await ada.login("ada", "ada-pass")
            _ = try await ada.write("subscription/quickadd", [("quickadd", GReaderTests.feed)])

            server.clock.advance(days: 1)
            var bob = GReaderTestClient(client)
            try await bob.login("bob", "bob-pass")
            let lastSync = server.clock.millis / 1000
            #expect(try await bob.allIDs(GReaderTestClient.readingList, "&ot=\(lastSync)", pageSize: 10).isEmpty)

            server.clock.advance(days: 1)
            _ = try await bob.write("subscription/quickadd", [("quickadd", GReaderTests.feed)])
            let arrived = try await bob.allIDs(GReaderTestClient.readingList, "&ot=\(lastSync)", pageSize: 10)
            #expect(arrived.count == 3, "the items that entered bob's library after his last sync")
            let items = try await bob.contents(arrived)
            #expect(items.allSatisfy { Int64($0.crawlTimeMsec) ?? 0 >= lastSync * 1000 }, "crawl time is bob's arrival")
            #expect(try await ada.allIDs(GReaderTestClient.readingList, "&ot=\(lastSync)", pageSize: 10).isEmpty,
                    "ada's arrival times did not move")

            // Marking read what came before bob's last sync leaves what arrived since.
            let marked = try await bob.write("mark-all-as-read", [("s", GReaderTestClient.readingList), ("ts", String(lastSync * 1_000_000))])
            #expect(marked.text == "OK")
            let unread = try await bob.unreadCounts()
            #expect(unread.unreadcounts.first { $0.id == GReaderTestClient.readingList }?.count == 3)
        }
    }

    /// Hummingbird's `request.uri.path` is the path as sent, not percent-decoded, so the
    /// stream in it is decoded exactly once: a feed URL holding a literal `%` (sent as
    /// `%25`, escaped again as `%2525` in the path) keeps it.
    @Test func aStreamInThePathIsDecodedOnceSoALiteralPercentSurvives() async throws {
        let server = try await GReaderTests.server(articles: 0)
        let feed = "https://odd.example/a%25b.xml"
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            let subscribed = try await reader.write("subscription/edit", [("ac", "subscribe"), ("s", "feed/" + feed)])
            #expect(subscribed.text == "OK")
            #expect(try await reader.subscriptions().map(\.id) == ["feed/" + feed])
            let response = try await reader.request(.get, "/reader/api/0/stream/contents/" + GReaderTestClient.escape("feed/" + feed))
            #expect(response.status == .ok)
            let stream = try JSONSerialization.jsonObject(with: response.data) as? [String: Any]
            #expect(stream?["id"] as? String == "feed/" + feed)
            let atom = try await reader.request(.get, "/reader/atom/" + GReaderTestClient.escape("feed/" + feed))
            #expect(atom.status == .ok && atom.text.contains("feed/https://odd.example/a%25b.xml"))
        }
    }

    /// Sessions end after 30 idle days; one in use is renewed; ended ones are purged.
    @Test func anIdleSessionEndsAndOneInUseIsRenewed() async throws {
        let server = try await GReaderTests.server(articles: 0)
        try await server.app.test(.router) { client in
            var idle = GReaderTestClient(client)
            try await idle.login("ada", "ada-pass")
            var busy = GReaderTestClient(client)
            try await busy.login("bob", "bob-pass")
            for _ in 0..<3 {
                server.clock.advance(days: 20)
                #expect(try await busy.request(.get, "/reader/api/0/user-info").status == .ok, "renewed by use")
            }
            #expect(try await idle.request(.get, "/reader/api/0/user-info").status == .unauthorized, "60 idle days")
            let sessions = { try await server.repository.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM greader_sessions") } }
            #expect(try await sessions() == 2, "kept until the next login")
            try await idle.login("ada", "ada-pass")
            #expect(try await sessions() == 2, "the ended one purged, the new one and bob's kept")
            #expect(try await idle.request(.get, "/reader/api/0/user-info").status == .ok)
        }
    }
}
