import Foundation
import GRDB
import ReaderModels
import ReaderStore
import ReaderSync
import Testing

/// Note text (and a subscription's title) crosses every hop byte for byte: push, the server's tables, the pull to
/// another device, a merge against a stored revision, and `reader export`. A NUL inside
/// the text used to cut it there, after the server had answered `applied` with all of it.
@Suite struct ExactTextSyncTests {
    static let body = "keep\u{0}this part is lost"

    @Test func aNoteBodyWithANULRoundTripsEverywhere() async throws {
        let (server, token, first, second) = try await TestServer.withTwoDevices("first", "second")
        let article = try #require(try first.store.articles().first?.id)
        let note = try first.store.addNote(articleID: article, body: Self.body)
        try first.store.subscribeFeed(url: "https://feed.example/rss", title: "Title\u{0}kept whole")
        #expect(try first.store.note(id: note.id).body == Self.body, "the device stores it whole")
        let report = try await first.sync()
        #expect(report.applied == 2)
        #expect(try first.store.note(id: note.id).body == Self.body, "the settled copy is whole")

        // CAST AS BLOB: SQLite's text functions stop at a NUL, its bytes do not.
        let stored = try await server.stored("""
            SELECT CAST(body AS BLOB) FROM notes WHERE id = '\(note.id)'
            UNION ALL SELECT CAST(body AS BLOB) FROM note_revisions WHERE note_id = '\(note.id)'
            """, postgres: """
            SELECT body FROM notes WHERE id = '\(note.id)' UNION ALL SELECT body FROM note_revisions WHERE note_id = '\(note.id)'
            """)
        #expect(stored == [Self.body, Self.body], "the server stores it whole")
        let title = try await server.stored(
            "SELECT CAST(title AS BLOB) FROM subscriptions WHERE url = 'https://feed.example/rss'",
            postgres: "SELECT title FROM subscriptions WHERE url = 'https://feed.example/rss'"
        )
        #expect(title == ["Title\u{0}kept whole"], "a subscription's title too")

        try await second.sync()
        #expect(try second.store.note(id: note.id).body == Self.body, "another device pulls it whole")
        #expect(try second.store.exportUserState().subscriptions.map(\.title) == ["Title\u{0}kept whole"])

        // Edits on both sides merge against the stored revision, NULs and all.
        try first.store.editNote(id: note.id, body: "first line\n" + Self.body)
        try second.store.editNote(id: note.id, body: Self.body + "\nlast\u{0}line")
        try await first.sync()
        try await second.sync()
        try await first.sync()
        let merged = "first line\n" + Self.body + "\nlast\u{0}line"
        #expect(try first.store.note(id: note.id).body == merged)
        #expect(try second.store.note(id: note.id).body == merged)
        #expect(try first.export() == second.export())

        // A third device, the command line's, pulls it and exports it.
        let reader = TestServer.binary("reader")
        let db = server.folder.appendingPathComponent("cli.sqlite").path
        let direct = ["no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"]
        try await TestServer.run(reader, ["sync", "--server", server.url.absoluteString, "--token", token, "--db", db], environment: direct)
        let exported = try await TestServer.run(reader, ["export", "--format", "json", "--db", db])
        #expect(exported.contains(#""body" : "first line\nkeep\u0000this part is lost\nlast\u0000line""#), "\(exported)")
        #expect(exported == (try first.export()))
    }
}
