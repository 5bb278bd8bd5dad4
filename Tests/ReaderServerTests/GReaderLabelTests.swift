import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ReaderServer
import Testing

/// Labels live in two places, folders on subscriptions and tags on articles; renaming or
/// deleting one reaches both.
@Suite struct GReaderLabelTests {
    @Test(arguments: FeedEngine.available)
    func renameTagAndDisableTagReachFoldersAndItemTags(_ engine: FeedEngine) async throws {
        let server = try await GReaderTests.server(engine, articles: 0)
        try await server.importArticles(2, for: ["bob"])
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            _ = try await reader.write("subscription/edit", [
                ("ac", "subscribe"), ("s", "feed/" + GReaderTests.feed), ("a", GReaderTestClient.label("Old")),
            ])
            let ids = try await reader.allIDs(GReaderTestClient.readingList, pageSize: 10)
            _ = try await reader.write("edit-tag", [("i", ids[0]), ("a", GReaderTestClient.label("Old")), ("a", GReaderTestClient.label("Keep"))])

            let rename = try await reader.write("rename-tag", [("s", GReaderTestClient.label("Old")), ("dest", GReaderTestClient.label("New"))])
            #expect(rename.text == "OK")
            #expect(try await reader.subscriptions().first?.categories.map(\.label) == ["New"])
            #expect(try await reader.contents([ids[0]]).first?.labels.sorted() == ["Keep", "New"])
            #expect(try await reader.allIDs(GReaderTestClient.label("Old"), pageSize: 10).isEmpty)
            #expect(try await reader.allIDs(GReaderTestClient.label("New"), pageSize: 10).count == 2)

            let disable = try await reader.write("disable-tag", [("s", GReaderTestClient.label("New"))])
            #expect(disable.text == "OK")
            #expect(try await reader.subscriptions().first?.categories.isEmpty == true)
            #expect(try await reader.contents([ids[0]]).first?.labels == ["Keep"])
            #expect(try await reader.tags().map(\.id) == [GReaderTestClient.starred, GReaderTestClient.label("Keep")])
            let bad = try await reader.write("rename-tag", [("s", GReaderTestClient.label("Keep")), ("dest", "feed/x")])
            #expect(bad.status == .badRequest)
        }
        await server.close()
    }
}
