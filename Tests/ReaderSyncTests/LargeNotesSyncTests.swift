import Foundation
import ReaderModels
import ReaderStore
import ReaderSync
import Testing

/// docs/SYNC.md, guarantee 13: no legal state makes a sync fail for good.
@Suite struct LargeNotesSyncTests {
    /// Forty notes at the size limit (10 MB in all, more than a push body may carry) go up
    /// in batches the server takes and come down to a new device in pages it accepts.
    @Test func notesAtTheLimitSyncToANewDevice() async throws {
        let (server, token, first, _) = try await TestServer.withTwoDevices("first", "second")
        let article = try #require(try first.store.articles().first?.id)
        let line = "a line of a long note\n"
        let body = String(repeating: line, count: WireLimits.maxNoteBodyBytes / line.utf8.count - 1)
        for index in 0..<40 { _ = try first.store.addNote(articleID: article, body: body + "\(index)") }
        let pushed = try await first.sync()
        #expect(pushed.applied == 40 && pushed.rejected == 0)
        let fresh = try Device("fresh", server: server, token: token)
        try await fresh.sync()
        #expect(try fresh.store.notes().count == 40)
        #expect(try fresh.export() == first.export())
    }
}
