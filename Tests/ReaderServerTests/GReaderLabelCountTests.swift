import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ReaderServer
import Testing

/// unread-count and tag/list count every label in one grouped pass, an item once per label
/// however it is under it, and answer at most `greaderMaxLabels` labels.
@Suite struct GReaderLabelCountTests {
    @Test(arguments: FeedEngine.available)
    func anItemInAFolderAndTaggedWithTheSameLabelCountsOnce(_ engine: FeedEngine) async throws {
        let server = try await GReaderTests.server(engine, articles: 5)
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            _ = try await reader.write("subscription/edit", [
                ("ac", "subscribe"), ("s", "feed/" + GReaderTests.feed), ("a", GReaderTestClient.label("News")),
            ])
            let ids = try await reader.allIDs(GReaderTestClient.readingList, pageSize: 10)
            _ = try await reader.write("edit-tag", [("i", ids[0]), ("i", ids[1]), ("a", GReaderTestClient.label("News"))])
            _ = try await reader.write("edit-tag", [("i", ids[1]), ("a", GReaderTestClient.label("Later"))])
            _ = try await reader.write("edit-tag", [("i", ids[0]), ("i", ids[4]), ("a", "user/-/state/com.google/read")])
            let counts = Dictionary(uniqueKeysWithValues: try await reader.unreadCounts().unreadcounts.map { ($0.id, $0.count) })
            #expect(counts[GReaderTestClient.label("News")] == 3)
            #expect(counts[GReaderTestClient.label("Later")] == 1)
            #expect(counts[GReaderTestClient.readingList] == 3)
            let tags = try await reader.tags()
            #expect(tags.map(\.id) == [GReaderTestClient.starred, GReaderTestClient.label("News"), GReaderTestClient.label("Later")])
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func labelsPastTheCapAreNeitherListedNorCounted(_ engine: FeedEngine) async throws {
        let perArticle = 32
        let articles = SQLiteSyncRepository.greaderMaxLabels / perArticle + 1
        let server = try await GReaderTests.server(engine, articles: articles)
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            let ids = try await reader.allIDs(GReaderTestClient.readingList, pageSize: 100)
            for (index, id) in ids.enumerated() {
                let labels = (0..<perArticle).map { ("a", GReaderTestClient.label(String(format: "l%05d", index * perArticle + $0))) }
                let answer = try await reader.write("edit-tag", [("i", id)] + labels)
                #expect(answer.text == "OK")
            }
            #expect(articles * perArticle > SQLiteSyncRepository.greaderMaxLabels)
            let tags = try await reader.tags()
            #expect(tags.count == SQLiteSyncRepository.greaderMaxLabels + 1, "the labels and starred")
            let labelCounts = try await reader.unreadCounts().unreadcounts.filter { $0.id.contains("/label/") }
            #expect(labelCounts.count == SQLiteSyncRepository.greaderMaxLabels)
        }
        await server.close()
    }
}
