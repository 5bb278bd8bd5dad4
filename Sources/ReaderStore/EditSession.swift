import Foundation
import GRDB
import ReaderModels

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
        clock = HybridClock(node: device, resuming: try row.storedHLC("clock", in: "sync_state"), wallMillis: Timestamp.millis(now))
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
            try setState(ids, field: .read, value: .bool(read))
        case .setStarred(let ids, let starred):
            try setState(ids, field: .starred, value: .bool(starred))
        case .setProgress(let id, let progress):
            guard progress.isFinite, (0...1).contains(progress) else {
                throw StoreError.invalidValue("reading progress must be between 0 and 1, not \(progress)")
            }
            try setState([id], field: .progress, value: .number(progress))
        case .setTags(let id, let tags):
            try setState([id], field: .tags, value: .strings(Self.normalizedTags(tags)))
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
