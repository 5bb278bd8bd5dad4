import Foundation
import ReaderModels
@testable import ReaderStore
import Testing

/// The store refuses an edit the contract would refuse, so nothing that can never sync
/// reaches the outbox; and it takes outbox batches the server and the client can carry.
@Suite struct EditLimitTests {
    static let text = "The harbour ferry now leaves at seven. Commuters asked for an earlier boat all winter."

    @Test func textOverItsLimitIsRefusedWithTooLongAndWritesNothing() throws {
        let test = try TestStore()
        let article = try test.seed([("Ferry timetable", Self.text)])[0]
        let limit = WireLimits.maxNoteBodyBytes
        let atLimit = try test.store.addNote(articleID: article, body: String(repeating: "é", count: limit / 2))
        #expect(throws: StoreError.tooLong(what: "the note's text", bytes: limit + 1, limit: limit)) {
            try test.store.addNote(articleID: article, body: String(repeating: "é", count: limit / 2) + "x")
        }
        #expect(throws: StoreError.tooLong(what: "the note's text", bytes: limit + 2, limit: limit)) {
            try test.store.editNote(id: atLimit.id, body: String(repeating: "é", count: limit / 2 + 1))
        }
        #expect(throws: StoreError.self) { try test.store.apply(.setTags(articleID: article, tags: (0...WireLimits.maxTags).map { "t\($0)" })) }
        #expect(throws: StoreError.self) { try test.store.apply(.setTags(articleID: article, tags: [String(repeating: "t", count: 65)])) }
        #expect(throws: StoreError.self) { try test.store.apply(.setTags(articleID: article, tags: ["bell\u{7}"])) }
        #expect(throws: StoreError.self) { try test.store.apply(.subscribe(url: "https://a.example/a feed", title: nil, tags: [])) }
        #expect(throws: StoreError.invalidValue("the feed URL must be an http or https URL")) {
            try test.store.apply(.subscribe(url: "file:///etc/passwd", title: nil, tags: []))
        }
        #expect(throws: StoreError.self) { try test.store.apply(.subscribe(url: "feeds/local.xml", title: nil, tags: [])) }
        #expect(try test.store.pendingMutations().count == 1, "only the note at the limit")
        #expect(StoreError.tooLong(what: "the note's text", bytes: 300_000, limit: limit).description
            == "the note's text is 300000 bytes, over the limit of 262144 bytes; nothing was saved")
    }

    @Test func outboxBatchesStopAtTheirByteAndNoteBudgetsAndAlwaysTakeOne() throws {
        let test = try TestStore()
        let article = try test.seed([("Ferry timetable", Self.text)])[0]
        let body = String(repeating: "n", count: 100_000)
        for index in 0..<5 { _ = try test.store.addNote(articleID: article, body: body + "\(index)") }
        try test.store.markRead([article])
        #expect(try test.store.takeOutboxBatch(limit: 10, maxFieldBytes: 250_000).count == 2)
        #expect(try test.store.takeOutboxBatch(limit: 10, maxFieldBytes: 10).count == 1, "one over the budget still goes alone")
        let notesCapped = try test.store.takeOutboxBatch(limit: 10, maxFieldBytes: 10_000_000, maxNotes: 3)
        #expect(notesCapped.count == 3 && notesCapped.allSatisfy { $0.entity == .note })
    }
}
