import Foundation
import GRDB
import ReaderModels

/// Where this device syncs, and how far it has got.
public struct SyncSettings: Hashable, Sendable {
    /// This device's id, made when the database was created.
    public var deviceID: String
    /// The server it syncs with; nil when none is set.
    public var serverURL: URL?
    /// The credential for `serverURL`.
    public var token: String?
    /// The last cursor applied; nil before the first pull (or while a full resync starts over).
    public var cursor: String?
    /// When a pull last reached the end of the change feed.
    public var lastSyncAt: Date?
    /// True while a full resync is under way (it survives a crash and resumes).
    public var resyncing: Bool
    /// Where a newest-first first pull stands; nil when none is under way.
    public var backfill: SyncBackfill?
}

/// How far a first sync's newest-first pull has got (docs/SYNC.md, "The first sync"): the
/// device holds every change of the server's feed from `below` up to `head`, and pulls the
/// rest below `below`, newest first, then everything after `head` oldest first.
public struct SyncBackfill: Hashable, Sendable {
    /// The newest change of the feed when the pull began: the cursor once it is done.
    public var head: String
    /// The lowest change applied so far: the next page is asked for below it.
    public var below: String

    /// The place of a pull that began at `head` and has applied down to `below`.
    public init(head: String, below: String) {
        self.head = head
        self.below = below
    }
}

/// A mutation the server refused, kept with its reason.
public struct RejectedMutation: Hashable, Sendable, Codable {
    /// The id of the refused mutation.
    public var mutationID: String
    /// What it changed.
    public var entity: EntityKind
    /// The id of the note, article or subscription it changed.
    public var entityID: String
    /// What it did.
    public var op: MutationOp
    /// The server's reason as a code, such as `invalid_mutation` or `too_long`; a code from a
    /// newer server that this build does not know is kept as `.other` with its spelling.
    public var code: APIErrorCode
    /// The server's reason in words.
    public var message: String
    /// When the server's answer was settled here.
    public var rejectedAt: Date

    enum CodingKeys: String, CodingKey {
        case mutationID = "mutation_id", entity, entityID = "entity_id", op, code, message, rejectedAt = "rejected_at"
    }
}

extension ReaderStore {
    /// The device's sync settings.
    public func syncSettings() throws -> SyncSettings {
        try read(Self.syncSettings)
    }

    static func syncSettings(_ db: Database) throws -> SyncSettings {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sync_state WHERE id = 1") else {
            throw StoreError.database("the database has no sync state row; it was not created by reader")
        }
        return SyncSettings(
            deviceID: row["device_id"], serverURL: try row.storedURL("server_url", in: "sync_state"), token: row["token"],
            cursor: row["cursor"], lastSyncAt: try row.storedDate("last_sync_at", in: "sync_state"), resyncing: row["resyncing"],
            backfill: try backfill(row)
        )
    }

    private static func backfill(_ row: Row) throws -> SyncBackfill? {
        switch (row["backfill_head"] as String?, row["backfill_below"] as String?) {
        case (nil, nil): return nil
        case (let head?, let below?): return SyncBackfill(head: head, below: below)
        default: throw StoreError.database("sync_state holds half a backfill position; run reader sync again after a resync")
        }
    }

    /// Stores (or with nil, forgets) the server and token. Changing the server starts the
    /// pull over from the beginning; pending mutations are kept.
    public func saveServer(url: URL?, token: String?) throws {
        try write { db in try Self.saveServer(db, url: url, token: token) }
    }

    static func saveServer(_ db: Database, url address: URL?, token: String?) throws {
        let url = address?.absoluteString
        let current = try String.fetchOne(db, sql: "SELECT server_url FROM sync_state WHERE id = 1")
        if current != url {
            try db.execute(sql: """
                UPDATE sync_state SET cursor = NULL, last_sync_at = NULL, backfill_head = NULL, backfill_below = NULL WHERE id = 1
                """)
        }
        try db.execute(sql: "UPDATE sync_state SET server_url = ?, token = ? WHERE id = 1", arguments: [url, token])
    }

    /// How many mutations wait in the outbox.
    public func pendingCount() throws -> Int {
        try read(Self.pendingCount)
    }

    static func pendingCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0
    }

    /// The next batch of the outbox, oldest first, as it goes on the wire. Each row's
    /// attempt count goes up in the same transaction, before anything is sent: from then on
    /// the row is never rewritten, so a replay carries exactly the same mutation.
    ///
    /// A batch holds at most one mutation per note. A later edit of a note was made on top
    /// of the earlier one, so it waits until the earlier one is settled, which moves its
    /// base revision to the revision the server gave the earlier one; sent together, the
    /// server would merge the later edit against a base that lacks the earlier, and a
    /// delete would look older than the edit it follows.
    ///
    /// A batch also stops before `maxFieldBytes` of fields or `maxNotes` note mutations
    /// (it always holds one), so the push fits the server's body limit and its answer, which
    /// carries every note whole, fits the client's response cap (`WireLimits`).
    package func takeOutboxBatch(
        limit: Int, maxFieldBytes: Int = WireLimits.pushFieldsBudgetBytes, maxNotes: Int = WireLimits.maxNoteMutationsPerPush
    ) throws -> [WireMutation] {
        try write { db in try Self.takeOutboxBatch(db, limit: limit, maxFieldBytes: maxFieldBytes, maxNotes: maxNotes) }
    }

    static func takeOutboxBatch(_ db: Database, limit: Int, maxFieldBytes: Int, maxNotes: Int) throws -> [WireMutation] {
        var rows: [Row] = []
        var bytes = 0
        var notes = 0
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT * FROM outbox o
            WHERE o.entity != 'note'
               OR o.seq = (SELECT min(seq) FROM outbox WHERE entity = 'note' AND entity_id = o.entity_id)
            ORDER BY seq LIMIT ?
            """, arguments: [limit])
        while let row = try cursor.next() {
            let size = (row["fields"] as String? ?? "").utf8.count
            let isNote = row["entity"] as String? == EntityKind.note.rawValue
            if !rows.isEmpty, bytes + size > maxFieldBytes || (isNote && notes >= maxNotes) { break }
            bytes += size
            if isNote { notes += 1 }
            rows.append(row.copy())
        }
        let bump = try db.cachedStatement(sql: "UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?")
        for row in rows { try bump.execute(arguments: [row["seq"] as Int64]) }
        return try rows.map { row in
            let mutation = try Mutation(row: row)
            return WireMutation(
                id: mutation.id, entity: mutation.entity, entityID: mutation.entityID, op: mutation.op,
                baseRevision: mutation.baseRevision, fields: mutation.fields, hlc: mutation.hlc
            )
        }
    }

    /// Mutations the server refused, newest first.
    public func rejectedMutations() throws -> [RejectedMutation] {
        try read(Self.rejectedMutations)
    }

    static func rejectedMutations(_ db: Database) throws -> [RejectedMutation] {
        try Row.fetchAll(db, sql: "SELECT * FROM rejected_mutations ORDER BY rejected_at DESC, mutation_id").map { row in
            RejectedMutation(
                mutationID: row["mutation_id"], entity: try row.stored(EntityKind.self, "entity", in: "rejected_mutations"),
                entityID: row["entity_id"], op: try row.stored(MutationOp.self, "op", in: "rejected_mutations"),
                code: APIErrorCode(code: row["code"]), message: row["message"], rejectedAt: try row.requiredDate("rejected_at", in: "rejected_mutations")
            )
        }
    }

    /// Settles the outbox with the server's answer to a push, in one transaction: each
    /// answered mutation leaves the outbox, and the canonical entity replaces the local copy
    /// unless the person has edited it again since (those edits go out next time).
    ///
    /// An answer holding a clock stamp more than `HLC.maxLeadMillis` ahead of this device's
    /// clock is refused whole with `StampTooFarAhead`: nothing is settled or adopted.
    @discardableResult
    package func settle(_ response: PushResponse) throws -> SettleReport {
        let now = environment.now()
        let report = try write { db in try Self.settle(db, response, now: now) }
        notify(report.changes, origin: .server)
        return report.settleReport
    }

    static func settle(_ db: Database, _ response: PushResponse, now: Date) throws -> SyncSession.Report {
        var sync = try SyncSession(db: db, now: now)
        try sync.refuseStampsTooFarAhead(response.stamps)
        for result in response.results { try sync.settle(result) }
        try sync.see(response.serverHLC)
        try sync.finish()
        return sync.report
    }

    /// Applies one page of the change feed and stores its cursor in the same transaction,
    /// so the cursor is never ahead of the data. The last page (no more to come) also
    /// records the time of the sync.
    ///
    /// A page holding a clock stamp more than `HLC.maxLeadMillis` ahead of this device's
    /// clock is refused whole with `StampTooFarAhead`: nothing is applied or adopted and the
    /// cursor stays.
    @discardableResult
    package func applyChanges(_ page: ChangePage) throws -> PageReport {
        let now = environment.now()
        let report = try write { db in try Self.apply(db, page, now: now) }
        notify(report.changes, origin: .server)
        return report.pageReport
    }

    static func apply(_ db: Database, _ page: ChangePage, now: Date) throws -> SyncSession.Report {
        var sync = try SyncSession(db: db, now: now)
        try sync.refuseStampsTooFarAhead(page.stamps)
        for change in page.changes { try sync.apply(change.change) }
        try sync.retryDeferred()
        try sync.see(page.serverHLC)
        // An oldest-first page read from the start also ends a newest-first pull a server
        // stopped answering (one downgraded mid-way): it holds everything the pull had.
        try db.execute(sql: """
            UPDATE sync_state SET cursor = ?, backfill_head = NULL, backfill_below = NULL WHERE id = 1
            """, arguments: [page.nextCursor])
        if !page.hasMore {
            try sync.endResyncIfRunning()
            try db.execute(sql: "UPDATE sync_state SET last_sync_at = ? WHERE id = 1", arguments: [sync.now])
        }
        try sync.finish()
        return sync.report
    }

    /// Applies one newest-first page (one with a `head`) and stores the pull's place in the
    /// same transaction: the head of the first page, kept until the pull ends, and the
    /// page's `nextCursor` as the lowest change applied. The page with no more below it
    /// ends the pull: the cursor becomes the head, and oldest-first pulls carry on from there.
    /// `head` is the one stored with the first page (nil for the first page itself).
    ///
    /// A page holding a clock stamp too far ahead is refused whole, as ``applyChanges(_:)``
    /// refuses one, and the stored place stays.
    @discardableResult
    package func applyNewestFirst(_ page: ChangePage, head stored: String?) throws -> PageReport {
        let now = environment.now()
        let report = try write { db in try Self.applyNewestFirst(db, page, head: stored, now: now) }
        notify(report.changes, origin: .server)
        return report.pageReport
    }

    static func applyNewestFirst(_ db: Database, _ page: ChangePage, head stored: String?, now: Date) throws -> SyncSession.Report {
        guard let head = stored ?? page.head else { throw StoreError.database("a newest-first page came without its head") }
        var sync = try SyncSession(db: db, now: now)
        try sync.refuseStampsTooFarAhead(page.stamps)
        for change in page.changes { try sync.apply(change.change) }
        try sync.retryDeferred()
        try sync.see(page.serverHLC)
        if page.hasMore {
            try db.execute(sql: "UPDATE sync_state SET cursor = NULL, backfill_head = ?, backfill_below = ? WHERE id = 1",
                           arguments: [head, page.nextCursor])
        } else {
            try db.execute(sql: "UPDATE sync_state SET cursor = ?, backfill_head = NULL, backfill_below = NULL WHERE id = 1",
                           arguments: [head])
        }
        try sync.finish()
        return sync.report
    }

    /// Starts a full resync: the server no longer has the history after our cursor. The
    /// pull starts from the beginning; pending mutations stay in the outbox.
    package func beginResync() throws {
        try write(Self.beginResync)
    }

    static func beginResync(_ db: Database) throws {
        try db.execute(sql: """
            UPDATE sync_state SET cursor = NULL, resyncing = 1, backfill_head = NULL, backfill_below = NULL WHERE id = 1;
            DELETE FROM resync_seen;
            DELETE FROM sync_deferred WHERE entity IN ('note', 'article_state');
            """)
    }
}

/// What settling one push did.
package struct SettleReport: Hashable, Sendable {
    package var applied = 0
    package var merged = 0
    package var keptBoth = 0
    package var rejected = 0
}

/// What applying one page did.
package struct PageReport: Hashable, Sendable {
    package var articles = 0
    package var notes = 0
    package var states = 0
    package var deleted = 0
}
