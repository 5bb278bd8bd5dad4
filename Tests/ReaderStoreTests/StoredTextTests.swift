import Foundation
import ReaderModels
@testable import ReaderStore
import Testing

/// The store keeps note text byte for byte, NULs included, in every way it is written
/// (an edit, a pulled record) and read (one note, a list, an export, Markdown, search).
@Suite struct StoredTextTests {
    static let body = "keep\u{0}this part is lost"

    @Test func noteTextWithANULIsKeptWhole() throws {
        let test = try TestStore()
        let article = try #require(try test.seed([(title: "A", text: "some text")]).first)
        let note = try test.store.addNote(articleID: article, body: Self.body)
        #expect(try test.store.note(id: note.id).body == Self.body)
        #expect(try test.store.notes().map(\.body) == [Self.body])
        let edited = Self.body + "\nmore\u{0}"
        try test.store.editNote(id: note.id, body: edited)
        #expect(try test.store.note(id: note.id).body == edited)
        #expect(try test.store.exportUserState().notes.map(\.body) == [edited])
        let json = String(decoding: try test.store.exportUserState().canonicalJSON(), as: UTF8.self)
        #expect(json.contains(#"keep\u0000this part is lost\nmore\u0000"#), "\(json)")
        #expect(try test.store.notesMarkdown().contains(edited))
        #expect(try test.store.search("lost").contains { $0.id == note.id })

        try test.store.applyChanges(ChangePage(changes: [
            SequencedChange(seq: 1, change: .note(NoteRecord(
                id: "pulled", articleID: article, anchor: nil, body: "from\u{0}the server", createdAt: "2026-11-24T10:00:00.000Z",
                updatedAt: "2026-11-24T10:00:00.000Z", revision: 1, conflicted: false,
                bodyHLC: HLC(wallMillis: 1_764_000_000_000, counter: 0, node: "server"), anchorHLC: nil
            ))),
        ], nextCursor: "1", hasMore: false, serverHLC: HLC(wallMillis: 1_764_000_000_000, counter: 1, node: "server")))
        #expect(try test.store.note(id: "pulled").body == "from\u{0}the server")
    }
}
