import Foundation
import ReaderStore
import ReaderSync
import Testing

/// docs/SYNC.md, resync: a cursor older than the server's tombstone horizon gets an explicit answer,
/// and the device pulls everything again without losing its pending mutations.
@Suite struct ResyncTests {
    @Test func anExpiredCursorTriggersAFullResyncThatKeepsPendingEdits() async throws {
        let first = try await TestServer(extraArguments: ["--tombstone-days", "0"])
        let token = try await first.addUser("alice")
        let a = try Device("a", server: first, token: token)
        let b = try Device("b", server: first, token: token)
        try await a.sync()
        try await b.sync()
        let article = try #require(try a.store.articles().first?.id)
        let gone = try a.store.addNote(articleID: article, body: "deleted while b is away")
        let kept = try a.store.addNote(articleID: article, body: "kept")
        try await a.sync()
        try await b.sync()
        try a.store.deleteNote(id: gone.id)
        try await a.sync()

        // A server process started later collects the tombstone at start-up (0 days).
        let second = try await TestServer(extraArguments: ["--tombstone-days", "0"], sharing: first)
        let away = try Device(reopening: b, url: second.url, token: token)
        try away.store.editNote(id: kept.id, body: "kept, edited offline")
        let report = try await away.sync()

        #expect(report.resynced)
        #expect(try away.store.notes().map(\.id) == [kept.id], "the note deleted elsewhere is swept by the resync")
        #expect(try away.store.note(id: kept.id).body == "kept, edited offline")
        #expect(try away.store.status().pendingMutations == 0)
        #expect(try away.store.syncSettings().resyncing == false)
        let back = try Device(reopening: a, url: second.url, token: token)
        try await back.sync()
        #expect(try back.export() == away.export())
    }
}
