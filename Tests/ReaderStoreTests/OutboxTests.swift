import Foundation
import GRDB
import ReaderModels
@testable import ReaderStore
import Testing

@Suite struct OutboxTests {
    static let text = "The harbour ferry now leaves at seven. Commuters asked for an earlier boat all winter."

    /// Every kind of local edit, each with what must be in the outbox after it.
    static let edits: [(LocalEdit, EntityKind, MutationOp)] = [
        (.setRead(articleIDs: ["ART"], read: true), .articleState, .set),
        (.setStarred(articleIDs: ["ART"], starred: true), .articleState, .set),
        (.setProgress(articleID: "ART", progress: 0.5), .articleState, .set),
        (.setTags(articleID: "ART", tags: ["ferries", "city"]), .articleState, .set),
        (.addNote(articleID: "ART", body: "Ask about weekends", quote: "earlier boat"), .note, .create),
        (.subscribe(url: "https://example.org/feed.xml", title: "Example", tags: []), .subscription, .set),
        (.unsubscribe(url: "https://example.org/feed.xml"), .subscription, .set),
    ]

    @Test(arguments: 0..<7)
    func everyEditLeavesAnOutboxRowInTheSameTransaction(index: Int) throws {
        let test = try TestStore()
        let article = try test.seed([("Ferry timetable", Self.text)])[0]
        let (edit, entity, op) = Self.edits[index]
        let resolved = Self.replacing(edit, article)
        let applied = try test.store.apply(resolved)
        let pending = try test.store.pendingMutations()
        #expect(pending.count == 1)
        #expect(pending.first?.entity == entity)
        #expect(pending.first?.op == op)
        #expect(applied.mutations.map(\.id) == pending.map(\.id))
    }

    @Test func noteEditAndDeleteOfASyncedNoteEachLeaveAMutation() throws {
        let test = try TestStore()
        let article = try test.seed([("Ferry timetable", Self.text)])[0]
        let note = try test.store.addNote(articleID: article, body: "first")
        try Self.markSent(test, revision: 3, noteID: note.id)
        try test.store.editNote(id: note.id, body: "second")
        var pending = try test.store.pendingMutations()
        #expect(pending.map(\.op) == [.update])
        #expect(pending.first?.baseRevision == 3)
        #expect(pending.first.map { JSON.encode($0.fields) } == #"{"body":"second"}"#)
        try test.store.deleteNote(id: note.id)
        pending = try test.store.pendingMutations()
        #expect(pending.map(\.op) == [.delete], "an unsent update folds into the delete")
        #expect(try test.count("SELECT deleted FROM notes") == 1, "the tombstone stays until the server has it")
    }

    /// A trigger that makes every outbox insert fail: the user's change must not survive it.
    @Test(arguments: 0..<7)
    func aFailedOutboxWriteUndoesTheChange(index: Int) throws {
        let test = try TestStore()
        let article = try test.seed([("Ferry timetable", Self.text)])[0]
        let before = try test.store.exportUserState()
        try test.store.pool.write { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER refuse_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END;
                CREATE TEMP TRIGGER refuse_outbox_update BEFORE UPDATE ON outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END;
                """)
        }
        #expect(throws: (any Error).self) { try test.store.apply(Self.replacing(Self.edits[index].0, article)) }
        #expect(try test.store.exportUserState() == before)
        #expect(try test.count("SELECT count(*) FROM notes") == 0)
        #expect(try test.count("SELECT count(*) FROM article_states") == 0)
        #expect(try test.count("SELECT count(*) FROM subscriptions") == 0)
    }

    @Test func unsentEditsOfOneNoteFoldIntoItsCreate() throws {
        let test = try TestStore()
        let article = try test.seed([("Ferry timetable", Self.text)])[0]
        let note = try test.store.addNote(articleID: article, body: "draft")
        try test.store.editNote(id: note.id, body: "draft, longer")
        try test.store.editNote(id: note.id, body: "final words")
        let pending = try test.store.pendingMutations()
        #expect(pending.count == 1)
        #expect(pending[0].op == .create)
        #expect(JSON.encode(pending[0].fields).contains(#""body":"final words""#))
        #expect(JSON.encode(pending[0].fields).contains(#""article_id":"\#(article)""#))
    }

    @Test func aNoteDeletedBeforeItWasSentLeavesNothing() throws {
        let test = try TestStore()
        let article = try test.seed([("Ferry timetable", Self.text)])[0]
        let note = try test.store.addNote(articleID: article, body: "oops")
        try test.store.deleteNote(id: note.id)
        #expect(try test.store.pendingMutations().isEmpty)
        #expect(try test.count("SELECT count(*) FROM notes") == 0)
        #expect(throws: StoreError.noteNotFound(note.id)) { try test.store.note(id: note.id) }
    }

    @Test func aMutationThatWentOutIsNeverRewritten() throws {
        let test = try TestStore()
        let article = try test.seed([("Ferry timetable", Self.text)])[0]
        let note = try test.store.addNote(articleID: article, body: "v1")
        try test.store.pool.write { db in try db.execute(sql: "UPDATE outbox SET attempts = 1") }
        let sent = try test.store.pendingMutations()
        try test.store.editNote(id: note.id, body: "v2")
        let pending = try test.store.pendingMutations()
        #expect(pending.count == 2)
        #expect(pending[0] == sent[0])
        #expect(pending[1].op == .update)
    }

    @Test func stateFoldsOnlyOverTheSameField() throws {
        let test = try TestStore()
        let article = try test.seed([("Ferry timetable", Self.text)])[0]
        try test.store.markRead([article], true)
        try test.store.markRead([article], false)
        try test.store.markStarred([article], true)
        let pending = try test.store.pendingMutations()
        #expect(pending.map { JSON.encode($0.fields) } == [#"{"read":false}"#, #"{"starred":true}"#])
        #expect(pending[0].hlc < pending[1].hlc)
    }

    @Test func stampsIncreaseAndTheClockSurvivesReopening() throws {
        let test = try TestStore()
        let ids = try test.seed([("One", "alpha"), ("Two", "beta"), ("Three", "gamma")])
        try test.store.markRead(ids, true)
        let stamps = try test.store.pendingMutations().map(\.hlc)
        #expect(stamps == stamps.sorted())
        #expect(Set(stamps).count == 3)
        // A store whose wall clock went back an hour still stamps after everything it issued.
        let reopened = try ReaderStore(path: test.store.path, environment: StoreEnvironment(
            now: { Date(timeIntervalSince1970: 1_764_000_000 - 3600) }, makeID: { UUID().uuidString.lowercased() }
        ))
        try reopened.markStarred([ids[0]], true)
        let last = try reopened.pendingMutations().last!.hlc
        #expect(last > stamps.last!)
    }

    @Test func unknownIDsAreNamedAndNothingIsWritten() throws {
        let test = try TestStore()
        let article = try test.seed([("Ferry timetable", Self.text)])[0]
        #expect(throws: StoreError.articleNotFound("nope")) { try test.store.markRead([article, "nope"], true) }
        #expect(throws: StoreError.noteNotFound("missing")) { try test.store.editNote(id: "missing", body: "x") }
        #expect(throws: StoreError.quoteNotFound(quote: "night bus", articleID: article)) {
            try test.store.addNote(articleID: article, body: "x", quote: "night bus")
        }
        #expect(throws: StoreError.self) { try test.store.apply(.setProgress(articleID: article, progress: 1.5)) }
        #expect(try test.store.pendingMutations().isEmpty)
        #expect(try test.count("SELECT count(*) FROM article_states") == 0)
    }

    @Test func quotesAreAnchoredWithContext() throws {
        let test = try TestStore()
        let article = try test.seed([("Ferry timetable", Self.text)])[0]
        let exact = try test.store.addNote(articleID: article, body: "", quote: "leaves at seven")
        #expect(exact.anchor == TextQuoteSelector(exact: "leaves at seven", prefix: "The harbour ferry now ", suffix: ". Commuters asked for an earlier"))
        let loose = try test.store.addNote(articleID: article, body: "b", quote: "EARLIER   boat")
        #expect(loose.anchor?.exact == "earlier boat")
    }

    @Test func shortIDsResolveLikeGit() throws {
        let test = try TestStore()
        let ids = try test.seed([("One", "alpha"), ("Two", "beta")])
        #expect(try test.store.resolveArticleID(String(ids[0].prefix(8))) == ids[0])
        #expect(try test.store.resolveArticleID(ids[1].uppercased()) == ids[1])
        #expect(throws: StoreError.articleNotFound("zzzz")) { try test.store.resolveArticleID("zzzz") }
        #expect(throws: StoreError.articleNotFound("ab")) { try test.store.resolveArticleID("ab") }
    }

    static func replacing(_ edit: LocalEdit, _ article: String) -> LocalEdit {
        switch edit {
        case .setRead(_, let value): .setRead(articleIDs: [article], read: value)
        case .setStarred(_, let value): .setStarred(articleIDs: [article], starred: value)
        case .setProgress(_, let value): .setProgress(articleID: article, progress: value)
        case .setTags(_, let value): .setTags(articleID: article, tags: value)
        case .addNote(_, let body, let quote): .addNote(articleID: article, body: body, quote: quote)
        default: edit
        }
    }

    /// Pretends a push delivered the outbox and the server gave the note `revision`.
    static func markSent(_ test: TestStore, revision: Int, noteID: String) throws {
        try test.store.pool.write { db in
            try db.execute(sql: "DELETE FROM outbox")
            try db.execute(sql: "UPDATE notes SET revision = ? WHERE id = ?", arguments: [revision, noteID])
        }
    }
}
