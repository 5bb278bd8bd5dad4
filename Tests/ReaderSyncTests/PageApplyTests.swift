import Foundation
import GRDB
import ReaderModels
import ReaderStore
import ReaderSync
import Testing

/// docs/SYNC.md, guarantee 4: a pulled page is applied whole with its cursor, or not at all.
@Suite struct PageApplyTests {
    /// A write that fails in the middle of a page (a trigger aborts every insert into the
    /// device's notes) stops the sync with an error; nothing of the page and not its cursor
    /// is kept, and the same page applies once the fault is gone.
    @Test func aPageThatFailsPartwayIsNotAppliedAndItsCursorStays() async throws {
        let (_, _, writer, reader) = try await TestServer.withTwoDevices("writer", "reader")
        let article = try #require(try writer.store.articles().first?.id)
        try writer.store.markStarred([article], true)
        let note = try writer.store.addNote(articleID: article, body: "a note that must not be lost")
        try await writer.sync()
        let cursorBefore = try reader.store.syncSettings().cursor

        let file = try DatabaseQueue(path: reader.store.path)
        try await file.write { db in
            try db.execute(sql: """
                CREATE TRIGGER test_fault BEFORE INSERT ON notes BEGIN SELECT RAISE(ABORT, 'injected fault'); END
                """)
        }
        do {
            try await reader.sync()
            Issue.record("a sync whose page could not be written succeeded")
        } catch let error as SyncError {
            #expect("\(error)".contains("injected fault"), "\(error)")
        }
        #expect(try reader.store.syncSettings().cursor == cursorBefore, "the cursor stays")
        #expect(try reader.store.article(id: article).state.starred == false, "the change before the fault was rolled back")
        #expect(try reader.store.notes().isEmpty)

        try await file.write { db in try db.execute(sql: "DROP TRIGGER test_fault") }
        try await reader.sync()
        #expect(try reader.store.note(id: note.id).body == "a note that must not be lost")
        #expect(try reader.store.article(id: article).state.starred)
        #expect(try reader.export() == writer.export())
    }
}
