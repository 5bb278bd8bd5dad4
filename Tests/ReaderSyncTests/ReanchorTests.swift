import Foundation
import ReaderStore
import Testing

/// Article content is the server's; when it changes, notes keep their place by their quote.
@Suite struct ReanchorTests {
    @Test func notesAreFoundAgainByQuoteOrKeptAsOrphans() async throws {
        let server = try await TestServer(imports: [])
        let feed = server.folder.appendingPathComponent("almanac.xml").path
        try writeFeed(feed, first: "The ferry leaves at dawn. Bicycles travel free after nine. Dogs ride on the lower deck.",
                      second: "Tides run high in March. The old pier closes for repairs.")
        let token = try await server.addUser("alice")
        try await server.importFiles([feed], for: ["alice"])
        let device = try Device("device", server: server, token: token)
        try await device.sync()
        let articles = try device.store.articles()
        let ferry = try #require(articles.first { $0.title == "Ferry times" }?.id)
        let tides = try #require(articles.first { $0.title == "Tide table" }?.id)
        let kept = try device.store.addNote(articleID: ferry, body: "good to know", quote: "Bicycles travel free after nine")
        let lost = try device.store.addNote(articleID: tides, body: "which pier?", quote: "The old pier closes for repairs")
        try await device.sync()

        // The publisher rewrites both articles: one passage moves, the other disappears.
        try writeFeed(feed, first: "New timetable from May. The ferry leaves at dawn. Bicycles travel free after nine, as before.",
                      second: "Tides run high in March and April.")
        try await server.importFiles([feed], for: ["alice"])
        try await device.sync()

        let moved = try device.store.note(id: kept.id)
        #expect(moved.anchor?.exact == "Bicycles travel free after nine")
        #expect(moved.anchor?.prefix.hasSuffix("The ferry leaves at dawn. ") == true)
        #expect(moved.anchor?.suffix.hasPrefix(", as before.") == true)
        let orphan = try device.store.note(id: lost.id)
        #expect(orphan.body == "which pier?", "an orphaned note is kept")
        #expect(try device.store.status().orphanedNotes == 1)
        #expect(try device.store.article(id: tides).text.contains("April"))

        // A device that arrives after the change ends with the same anchors and orphans.
        let fresh = try Device("fresh", server: server, token: token)
        try await fresh.sync()
        #expect(try fresh.export() == device.export())
        #expect(try fresh.store.note(id: kept.id).anchor == moved.anchor)
        #expect(try fresh.store.status().orphanedNotes == 1)
    }

    private func writeFeed(_ path: String, first: String, second: String) throws {
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel><title>Harbour Almanac</title><link>https://almanac.example/</link>
        <item><title>Ferry times</title><guid>almanac-ferry</guid><description>\(first)</description></item>
        <item><title>Tide table</title><guid>almanac-tides</guid><description>\(second)</description></item>
        </channel></rss>
        """.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
