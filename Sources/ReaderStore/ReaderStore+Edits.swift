import Foundation
import GRDB
import ReaderModels

extension ReaderStore {
    /// Applies a user edit and records it in the outbox, in one transaction: if either
    /// write fails, neither happens.
    @discardableResult
    public func apply(_ edit: LocalEdit) throws -> AppliedEdit {
        // Before the transaction: an edit over a limit writes nothing and costs no lock.
        try edit.checkLimits()
        let applied = try write { db in try applying(edit, db) }
        notify(Self.change(of: edit, applied), origin: .local)
        return applied
    }

    /// The transaction of `apply(_:)`, shared with its async form.
    func applying(_ edit: LocalEdit, _ db: Database) throws -> AppliedEdit {
        var session = try EditSession(db: db, environment: environment)
        let note = try session.apply(edit)
        try session.saveClock()
        return AppliedEdit(mutations: session.mutations, note: note)
    }

    /// What observers hear of an applied edit.
    static func change(of edit: LocalEdit, _ applied: AppliedEdit) -> StoreChange {
        var change = StoreChange(origin: .local)
        for mutation in applied.mutations {
            switch mutation.entity {
            case .note: change.noteIDs.insert(mutation.entityID)
            case .articleState: change.articleIDs.insert(mutation.entityID)
            case .subscription: break
            }
        }
        if case .deleteNote(let id) = edit { change.noteIDs.insert(id) }
        return change
    }

    /// Marks articles read or unread.
    public func markRead(_ articleIDs: [String], _ read: Bool = true) throws {
        try apply(.setRead(articleIDs: articleIDs, read: read))
    }

    /// Stars or unstars articles.
    public func markStarred(_ articleIDs: [String], _ starred: Bool = true) throws {
        try apply(.setStarred(articleIDs: articleIDs, starred: starred))
    }

    /// Adds a note and returns it.
    public func addNote(articleID: String, body: String, quote: String? = nil) throws -> Note {
        guard let note = try apply(.addNote(articleID: articleID, body: body, quote: quote)).note else {
            throw StoreError.invalidValue("the note was not saved")
        }
        return note
    }

    /// Replaces a note's text and returns the note.
    @discardableResult
    public func editNote(id: String, body: String) throws -> Note {
        guard let note = try apply(.editNote(id: id, body: body)).note else { throw StoreError.noteNotFound(id) }
        return note
    }

    /// Deletes a note (a tombstone, so the deletion syncs).
    public func deleteNote(id: String) throws {
        try apply(.deleteNote(id: id))
    }
}
