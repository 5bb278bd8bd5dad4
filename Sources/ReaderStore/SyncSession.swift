import Foundation
import GRDB
import ReaderModels

/// One transaction of sync work: settling push results or applying a pulled page. It
/// advances the device clock past every stamp it sees and collects what changed for
/// observers.
struct SyncSession {
    let db: Database
    let now: String
    var clock: HybridClock
    let wallMillis: Int64
    var report = Report()
    /// Made on first use: a page without articles (a no-op sync) prepares nothing.
    private var writer: ArticleWriter?
    private let resyncing: Bool

    struct Report: Sendable {
        var settleReport = SettleReport()
        var pageReport = PageReport()
        var changes = StoreChange(origin: .server)
    }

    init(db: Database, now date: Date) throws {
        self.db = db
        now = Timestamp.format(date)
        guard let row = try Row.fetchOne(db, sql: "SELECT device_id, clock, resyncing FROM sync_state WHERE id = 1") else {
            throw StoreError.database("the database has no sync state row; it was not created by reader")
        }
        let wallMillis = Timestamp.millis(date)
        clock = HybridClock(node: row["device_id"], resuming: try row.storedHLC("clock", in: "sync_state"), wallMillis: wallMillis)
        resyncing = row["resyncing"]
        self.wallMillis = wallMillis
    }

    /// Runs `body` on the article writer, made on first use. The writer is moved out while
    /// it works, so its tables are never copied.
    private mutating func withWriter<T>(_ body: (inout ArticleWriter) throws -> T) throws -> T {
        var current = try writer ?? ArticleWriter(db: db, now: now)
        writer = nil
        defer { writer = current }
        return try body(&current)
    }

    mutating func finish() throws {
        try db.execute(sql: "UPDATE sync_state SET clock = ? WHERE id = 1", arguments: [clock.last.description])
    }

    /// Moves the device clock past a stamp from the server; one too far ahead of this
    /// device's clock is refused (``refuseStampsTooFarAhead(_:)`` has already checked every
    /// stamp of the page or answer, so this is the last guard, not the first).
    mutating func see(_ hlc: HLC?) throws {
        if let hlc { try clock.receive(hlc, wallMillis: wallMillis) }
    }

    // MARK: Push results

    mutating func settle(_ result: MutationResult) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE mutation_id = ?", arguments: [result.mutationID]) else {
            return // already settled by an earlier copy of this answer
        }
        let sent = try Mutation(row: row)
        try db.execute(sql: "DELETE FROM outbox WHERE mutation_id = ?", arguments: [result.mutationID])
        switch result.status {
        case .applied: report.settleReport.applied += 1
        case .merged: report.settleReport.merged += 1
        case .keptBoth: report.settleReport.keptBoth += 1
        case .rejected:
            report.settleReport.rejected += 1
            let error = result.error ?? APIErrorBody(code: .invalidMutation, message: "rejected without a reason")
            try db.execute(sql: """
                INSERT OR REPLACE INTO rejected_mutations (mutation_id, entity, entity_id, op, fields, hlc, code, message, rejected_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    sent.id, sent.entity.rawValue, sent.entityID, sent.op.rawValue, row["fields"] as String, sent.hlc.description,
                    error.code.rawValue, error.message, now,
                ])
            return
        }
        switch result.outcome {
        case .note(let record)?:
            if try pendingCount(.note, record.id) > 0 {
                // Edited again during the sync: keep the local text; when the server took
                // what was sent unchanged, the new edit is based on the new revision.
                if result.status == .applied {
                    try db.execute(sql: """
                        UPDATE outbox SET base_revision = ? WHERE entity = 'note' AND entity_id = ? AND attempts = 0
                          AND base_revision IS ?
                        """, arguments: [record.revision, record.id, sent.baseRevision ?? 0])
                    try db.execute(sql: "UPDATE notes SET revision = ? WHERE id = ?", arguments: [record.revision, record.id])
                }
            } else {
                try saveNote(record)
            }
            try see(record.bodyHLC); try see(record.anchorHLC)
        case .noteDeleted(let id)?:
            if try pendingCount(.note, id) == 0 { try deleteNote(id) }
        case .articleState(let record)?:
            try saveState(record)
        case .subscription(let record)?:
            try saveSubscription(record)
        case nil:
            break
        }
    }

    // MARK: Pulled changes

    mutating func apply(_ change: Change) throws {
        if resyncing {
            try db.execute(sql: "INSERT OR IGNORE INTO resync_seen (entity, id) VALUES (?, ?)",
                           arguments: [change.entity.rawValue, change.id])
        }
        switch change {
        case .source(let record):
            try forgetDropped(.source, id: record.id)
            try withWriter { try $0.save(record) }
        case .article(let record):
            try forgetDropped(.article, id: record.id)
            if try withWriter({ try $0.save(record) }) {
                try reanchorNotes(articleID: record.id, text: record.text)
            }
            report.pageReport.articles += 1
            report.changes.articleIDs.insert(record.id)
        case .articleState(let record):
            report.pageReport.states += 1
            try forgetDeferred(.articleState, id: record.articleID)
            try saveState(record)
        case .note(let record):
            report.pageReport.notes += 1
            try forgetDeferred(.note, id: record.id)
            if try pendingCount(.note, record.id) == 0 { try saveNote(record) }
            try see(record.bodyHLC); try see(record.anchorHLC)
        case .subscription(let record):
            try saveSubscription(record)
        case .tombstone(let entity, let id):
            report.pageReport.deleted += 1
            try applyTombstone(entity, id: id)
        }
    }

    /// A copy of an entity pulled later is never older than one waiting for its article (a
    /// change only moves up the feed), so the waiting one goes: applied after it, it would
    /// put the older version back. Newest first, a note or state usually arrives before its
    /// article, and the article can then come in the same forward page as a newer copy.
    private func forgetDeferred(_ entity: ChangeEntity, id: String) throws {
        try db.execute(sql: "DELETE FROM sync_deferred WHERE entity = ? AND id = ?", arguments: [entity.rawValue, id])
    }

    /// The marks `sync_deferred` keeps for an article or a source whose tombstone was applied
    /// while something here still held it (`markDropped`).
    private static func droppedMark(_ entity: ChangeEntity) -> String { "dropped " + entity.rawValue }

    /// An article the server dropped while a note here still hangs on it, or a source while
    /// articles here are still of it, is kept, and marked: when what held it goes, a later
    /// page removes it (`sweepDropped`). Oldest first, the note's tombstone came before the
    /// article's; newest first (a first sync, a resync) the article's comes first.
    private func markDropped(_ entity: ChangeEntity, id: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO sync_deferred (entity, id, article_id, record) VALUES (?, ?, ?, '')",
                       arguments: [Self.droppedMark(entity), id, entity == .article ? id : ""])
    }

    /// A live record of a marked article or source: the server has it again.
    private func forgetDropped(_ entity: ChangeEntity, id: String) throws {
        try db.execute(sql: "DELETE FROM sync_deferred WHERE entity = ? AND id = ?", arguments: [Self.droppedMark(entity), id])
    }

    /// Removes the marked articles no note holds any more, then the marked sources no
    /// article is of, and their marks.
    mutating func sweepDropped() throws {
        let article = Self.droppedMark(.article), source = Self.droppedMark(.source)
        let freed = try String.fetchAll(db, sql: """
            SELECT d.id FROM sync_deferred d
            WHERE d.entity = ? AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.article_id = d.id)
            """, arguments: [article])
        for id in freed {
            try StoreCounts.willDelete(db, articleID: id)
            try db.execute(sql: "DELETE FROM articles WHERE id = ?", arguments: [id])
            if db.changesCount > 0 { report.changes.articleIDs.insert(id) }
            try forgetDropped(.article, id: id)
        }
        try db.execute(sql: """
            DELETE FROM sources WHERE id IN (SELECT d.id FROM sync_deferred d WHERE d.entity = ?)
              AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.source_id = sources.id);
            DELETE FROM sync_deferred WHERE entity = ? AND NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = sync_deferred.id)
            """, arguments: [source, source])
    }

    /// Notes and state that arrived before their article, tried again now; then what the
    /// server dropped and nothing here holds any more goes (`sweepDropped`).
    mutating func retryDeferred() throws {
        let rows = try Row.fetchAll(db, sql: """
            SELECT d.entity, d.id, d.record FROM sync_deferred d JOIN articles a ON a.id = d.article_id
            WHERE d.entity IN ('note', 'article_state')
            """)
        let decoder = JSONDecoder()
        for row in rows {
            let entity: String = row["entity"], id: String = row["id"], json: String = row["record"]
            try db.execute(sql: "DELETE FROM sync_deferred WHERE entity = ? AND id = ?", arguments: [entity, id])
            if entity == ChangeEntity.note.rawValue {
                let record = try decoder.decode(NoteRecord.self, from: Data(json.utf8))
                if try pendingCount(.note, record.id) == 0 { try saveNote(record) }
            } else {
                try saveState(try decoder.decode(ArticleStateRecord.self, from: Data(json.utf8)))
            }
        }
        try sweepDropped()
    }

    /// At the end of a full resync, notes the server no longer has (their tombstones were
    /// collected while this device was away) are removed, unless edited here since.
    mutating func endResyncIfRunning() throws {
        guard resyncing else { return }
        try db.execute(sql: """
            DELETE FROM notes WHERE revision > 0
              AND id NOT IN (SELECT id FROM resync_seen WHERE entity = 'note')
              AND id NOT IN (SELECT entity_id FROM outbox WHERE entity = 'note');
            DELETE FROM resync_seen;
            UPDATE sync_state SET resyncing = 0 WHERE id = 1;
            """)
        try sweepDropped()
    }

    private mutating func applyTombstone(_ entity: ChangeEntity, id: String) throws {
        switch entity {
        case .note:
            if try pendingCount(.note, id) == 0 { try deleteNote(id) }
        case .article:
            // Content the server dropped goes, unless a note still hangs on it.
            if try !db.exists("notes WHERE article_id = ?", [id]) {
                try StoreCounts.willDelete(db, articleID: id)
                try db.execute(sql: "DELETE FROM articles WHERE id = ?", arguments: [id])
                report.changes.articleIDs.insert(id)
            } else {
                try markDropped(.article, id: id)
            }
            // Its state and notes waiting for it wait for nothing now.
            try db.execute(sql: "DELETE FROM sync_deferred WHERE article_id = ? AND entity IN ('note', 'article_state')", arguments: [id])
            try forgetPruned(articleID: id)
        case .source:
            // A source that left the user's library on the server; one still holding
            // articles here (kept by a note) stays.
            if try !db.exists("articles WHERE source_id = ?", [id]) {
                try db.execute(sql: "DELETE FROM sources WHERE id = ?", arguments: [id])
            } else {
                try markDropped(.source, id: id)
            }
        case .articleState, .subscription:
            break // never deleted on the server: a state reset or an unsubscribe is a set
        }
        try db.execute(sql: "DELETE FROM sync_deferred WHERE entity = ? AND id = ?", arguments: [entity.rawValue, id])
    }

    // MARK: Writing canonical records

    private func pendingCount(_ entity: EntityKind, _ id: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE entity = ? AND entity_id = ?",
                         arguments: [entity.rawValue, id]) ?? 0
    }

    private mutating func deferRecord(_ entity: ChangeEntity, id: String, articleID: String, record: some Encodable) throws {
        let json = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        try db.execute(sql: "INSERT OR REPLACE INTO sync_deferred (entity, id, article_id, record) VALUES (?, ?, ?, ?)",
                       arguments: [entity.rawValue, id, articleID, json])
    }

    private mutating func saveNote(_ record: NoteRecord) throws {
        guard let text = try String.fetchOne(db, sql: "SELECT \(ArticleText.column()) FROM articles WHERE id = ?", arguments: [record.articleID]) else {
            try deferRecord(.note, id: record.id, articleID: record.articleID, record: record)
            return
        }
        var anchor = record.anchor
        var orphaned = false
        if let quote = record.anchor {
            if let found = QuoteAnchor.refind(quote, in: text) { anchor = found } else { orphaned = true }
        }
        try db.execute(sql: """
            INSERT INTO notes (id, article_id, quote_exact, quote_prefix, quote_suffix, body, created_at, updated_at,
              revision, body_hlc, anchor_hlc, deleted, conflicted, orphaned)
            VALUES (?, ?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, ?, ?, ?, 0, ?, ?)
            ON CONFLICT (id) DO UPDATE SET article_id = excluded.article_id, quote_exact = excluded.quote_exact,
              quote_prefix = excluded.quote_prefix, quote_suffix = excluded.quote_suffix, body = excluded.body,
              created_at = excluded.created_at, updated_at = excluded.updated_at, revision = excluded.revision,
              body_hlc = excluded.body_hlc, anchor_hlc = excluded.anchor_hlc, deleted = 0,
              conflicted = excluded.conflicted, orphaned = excluded.orphaned
            """, arguments: [
                record.id, record.articleID, ExactText.argument(anchor?.exact), ExactText.argument(anchor?.prefix),
                ExactText.argument(anchor?.suffix), ExactText.argument(record.body), record.createdAt,
                record.updatedAt, record.revision, record.bodyHLC.description, record.anchorHLC?.description,
                record.conflicted, orphaned,
            ])
        report.changes.noteIDs.insert(record.id)
    }

    private mutating func deleteNote(_ id: String) throws {
        try db.execute(sql: "DELETE FROM notes WHERE id = ?", arguments: [id])
        if db.changesCount > 0 { report.changes.noteIDs.insert(id) }
    }

    /// Takes the server's value of every state field this device has no pending change to.
    private mutating func saveState(_ record: ArticleStateRecord) throws {
        guard try db.exists("articles WHERE id = ?", [record.articleID]) else {
            if try savePrunedState(record) { return }
            try deferRecord(.articleState, id: record.articleID, articleID: record.articleID, record: record)
            return
        }
        var pendingFields: Set<String> = []
        for fields in try String.fetchAll(db, sql: "SELECT fields FROM outbox WHERE entity = 'article_state' AND entity_id = ?",
                                          arguments: [record.articleID]) {
            pendingFields.formUnion(JSON.members(of: fields).keys)
        }
        let values: [(String, (any DatabaseValueConvertible)?, HLC?)] = [
            ("read", record.read, record.hlc.read), ("starred", record.starred, record.hlc.starred),
            ("progress", record.progress, record.hlc.progress), ("tags", JSON.encode(record.tags), record.hlc.tags),
        ]
        try db.execute(sql: "INSERT OR IGNORE INTO article_states (article_id) VALUES (?)", arguments: [record.articleID])
        for (column, value, hlc) in values where !pendingFields.contains(column) {
            if column == "read" { try StoreCounts.willSetRead(db, articleID: record.articleID, to: record.read) }
            try db.execute(sql: "UPDATE article_states SET \(column) = ?, \(column)_hlc = ? WHERE article_id = ?",
                           arguments: [value, hlc?.description, record.articleID])
            try see(hlc)
        }
        report.changes.articleIDs.insert(record.articleID)
    }

    private mutating func saveSubscription(_ record: SubscriptionRecord) throws {
        try see(record.hlc)
        guard try pendingCount(.subscription, record.url) == 0 else { return }
        try db.execute(sql: """
            INSERT INTO subscriptions (url, title, tags, subscribed, hlc) VALUES (?, CAST(? AS TEXT), ?, ?, ?)
            ON CONFLICT (url) DO UPDATE SET title = excluded.title, tags = excluded.tags,
              subscribed = excluded.subscribed, hlc = excluded.hlc
            """, arguments: [
                record.url, ExactText.argument(record.title), JSON.encode(record.tags), record.subscribed, record.hlc.description,
            ])
    }

    /// The article's text changed: every quoted note on it is found again by its quote,
    /// or kept and flagged orphaned when the passage is gone.
    private mutating func reanchorNotes(articleID: String, text: String) throws {
        report.changes.noteIDs.formUnion(try db.reanchorNotes(articleID: articleID, text: text))
    }
}
