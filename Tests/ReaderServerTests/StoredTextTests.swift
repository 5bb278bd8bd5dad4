import Foundation
import GRDB
import HummingbirdTesting
import PostgresSupport
import ReaderModels
@testable import ReaderServer
import Testing

/// The server keeps note text byte for byte: what it answers `applied` is what it stores,
/// merges against and sends out, NULs included.
@Suite struct StoredTextTests {
    @Test func noteTextWithNULsIsStoredMergedAndPulledWhole() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.importArticles(1)
        let body = "keep\u{0}this part is lost\nsecond line\nthird\u{0}line"
        let anchor: JSONObject = ["exact": .string("quo\u{0}ted"), "prefix": .string("\u{0}"), "suffix": .string("end\u{0}")]
        try await server.app.test(.router) { client in
            let create = WireMutation(
                id: "c1", entity: .note, entityID: "note-1", op: .create, baseRevision: nil,
                fields: ["article_id": .string(TestServer.articleID(0)), "body": .string(body),
                         "created_at": .string("2026-11-24T10:00:00.000Z"), "anchor": .object(anchor)],
                hlc: Make.stamp(10)
            )
            let (created, _) = try await client.push([create], token: token)
            #expect(created.results.map(\.status) == [.applied])

            // Two edits of revision 1 on different lines merge against the stored revision.
            let (edited, _) = try await client.push([
                Make.editNote("e1", note: "note-1", base: 1, body: "KEEP\u{0}this part is lost\nsecond line\nthird\u{0}line", at: 20),
                Make.editNote("e2", note: "note-1", base: 1, body: "keep\u{0}this part is lost\nsecond line\nTHIRD\u{0}line", at: 21, node: "device-b"),
            ], token: token)
            #expect(edited.results.map(\.status) == [.applied, .merged])

            let (changes, _) = try await client.pullAll(token: token, limit: 50)
            let notes = changes.compactMap { change -> NoteRecord? in
                if case .note(let record) = change.change { record } else { nil }
            }
            #expect(notes.map(\.body) == ["KEEP\u{0}this part is lost\nsecond line\nTHIRD\u{0}line"])
            #expect(notes.first?.anchor == TextQuoteSelector(exact: "quo\u{0}ted", prefix: "\u{0}", suffix: "end\u{0}"))
            #expect(notes.first?.conflicted == false)
        }
    }
}
