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
        let applied = try write { db in
            var session = try EditSession(db: db, environment: environment)
            let note = try session.apply(edit)
            try session.saveClock()
            return AppliedEdit(mutations: session.mutations, note: note)
        }
        var change = StoreChange(origin: .local)
        for mutation in applied.mutations {
            switch mutation.entity {
            case .note: change.noteIDs.insert(mutation.entityID)
            case .articleState: change.articleIDs.insert(mutation.entityID)
            case .subscription: break
            }
        }
        if case .deleteNote(let id) = edit { change.noteIDs.insert(id) }
        notify(change, origin: .local)
        return applied
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

/// One transaction's worth of edits: ticks the device clock once per mutation and writes
/// each change beside its outbox row.
struct EditSession {
    let db: Database
    let environment: StoreEnvironment
    var clock: HybridClock
    let now: Date
    var mutations: [Mutation] = []

    init(db: Database, environment: StoreEnvironment) throws {
        self.db = db
        self.environment = environment
        now = environment.now()
        guard let row = try Row.fetchOne(db, sql: "SELECT device_id, clock FROM sync_state WHERE id = 1") else {
            throw StoreError.database("the database has no sync state row; it was not created by reader")
        }
        let device: String = row["device_id"]
        clock = HybridClock(node: device, resuming: HLC(row["clock"] as String), wallMillis: Timestamp.millis(now))
    }

    var nowText: String { Timestamp.format(now) }

    mutating func saveClock() throws {
        try db.execute(sql: "UPDATE sync_state SET clock = ? WHERE id = 1", arguments: [clock.last.description])
    }

    mutating func tick() -> HLC {
        clock.tick(wallMillis: Timestamp.millis(now))
    }

    mutating func apply(_ edit: LocalEdit) throws -> Note? {
        switch edit {
        case .setRead(let ids, let read):
            try setState(ids, field: .read, value: read)
        case .setStarred(let ids, let starred):
            try setState(ids, field: .starred, value: starred)
        case .setProgress(let id, let progress):
            guard progress.isFinite, (0...1).contains(progress) else {
                throw StoreError.invalidValue("reading progress must be between 0 and 1, not \(progress)")
            }
            try setState([id], field: .progress, value: progress)
        case .setTags(let id, let tags):
            try setState([id], field: .tags, value: Self.normalizedTags(tags))
        case .addTags(let id, let tags):
            try changeTags(of: id, adding: Self.normalizedTags(tags), removing: [])
        case .removeTags(let id, let tags):
            try changeTags(of: id, adding: [], removing: Self.normalizedTags(tags))
        case .markAllRead(let feedID, let before):
            try markAllRead(feedID: feedID, before: before)
        case .addNote(let articleID, let body, let quote):
            return try addNote(articleID: articleID, body: body, quote: quote)
        case .editNote(let id, let body):
            return try editNote(id: id, body: body)
        case .deleteNote(let id):
            try deleteNote(id: id)
        case .subscribe(let url, let title, let tags):
            // A title comes from the feed, not the person: cut to the contract's limit, not refused.
            let title = title.map { WireText.clipped($0, WireLimits.maxSubscriptionTitleBytes) }
            try setSubscription(url: url, subscribed: true, title: title, tags: Self.normalizedTags(tags))
        case .unsubscribe(let url):
            try setSubscription(url: url, subscribed: false, title: nil, tags: [])
        }
        return nil
    }

    static func normalizedTags(_ tags: [String]) -> [String] {
        Array(Set(tags.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty })).sorted()
    }
}
