import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ReaderServer
import Testing

/// `ot`, crawl time and mark-all-as-read `ts` follow when an article entered the user's
/// library, not when the server first stored it: an incremental client sees what the
/// native change feed announces.
@Suite struct GReaderArrivalTests {
    @Test(arguments: FeedEngine.available)
    func aFeedAnotherUserFollowsArrivesForAnIncrementalClientPollingWithOt(_ engine: FeedEngine) async throws {
        let server = try await GReaderTests.server(engine, articles: 3)
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
        await server.close()
    }
}
