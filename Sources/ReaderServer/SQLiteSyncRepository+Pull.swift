import Foundation
import GRDB
import ReaderModels

extension SQLiteSyncRepository {
    /// The changes of `user`'s library after `cursor`: the content they hold and their own rows.
    /// Records are read a few at a time and reading stops once their text passes
    /// `maxBytes`, so a page of large notes never sits in memory whole.
    public func changes(for user: UserAccount, since cursor: Int64, limit: Int, maxBytes: Int) async throws -> ChangePage {
        let limit = max(limit, 1)
        let (changes, hasMore, next, remaining) = try await SyncMetrics.measure(.read, "pull") { try await pool.read { db in
            try Self.checkCursor(cursor, db)
            // On `changes_user_seq`: the user's rows after the cursor, in order, and no one else's.
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, user_id, entity, entity_id, deleted FROM changes
                    WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?
                    """,
                arguments: [user.id, cursor, limit + 1]
            )
            let page = try Self.changeRows(rows.prefix(limit))
            let (changes, read, through) = try Self.read(page, from: cursor, user: user.id, maxBytes: maxBytes, db)
            let hasMore = read < page.count || rows.count > limit
            // At the end of the feed the cursor moves to the newest seq of all (other users'
            // changes and purged tombstones included), so it never trails the purge horizon.
            let next = hasMore ? through : max(through, try Self.lastSeq(db))
            // Within the same read transaction as the page, so the count is of what was
            // there when it was built.
            let remaining = hasMore ? try Self.remainingCount(for: user.id, after: through, db) : 0
            return (changes, hasMore, next, remaining)
        } }
        return ChangePage(changes: changes, nextCursor: String(next), hasMore: hasMore, serverHLC: clock.tick(), remaining: remaining)
    }

    /// The changes of `user`'s library below `before` (nil: the whole feed), newest first:
    /// a newest-first page, which a device with nothing yet pulls first so its newest
    /// articles are there within a page (docs/SYNC.md, "The first sync"). Built as an
    /// oldest-first page is, in one read transaction and to the same budgets; `head` is the
    /// newest seq of all in that transaction, the cursor an oldest-first pull continues from
    /// once the device has every page below it, and `nextCursor` is the `before` of the next
    /// page (the last change read). A `before` beyond the newest seq was never issued: 410.
    public func changes(for user: UserAccount, before: Int64?, limit: Int, maxBytes: Int) async throws -> ChangePage {
        let limit = max(limit, 1)
        let (changes, hasMore, next, remaining, head) = try await SyncMetrics.measure(.read, "pull") { try await pool.read { db in
            let head = try Self.lastSeq(db)
            if let before {
                if before < 1 { throw ServerError(.badRequest, "before must be a whole number of 1 or more") }
                if before > head + 1 {
                    throw ServerError(.cursorExpired, "the cursor is not one this server issued; pull again from the start")
                }
            }
            let below = before ?? head + 1
            // On `changes_user_seq`, walked backwards.
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, user_id, entity, entity_id, deleted FROM changes
                    WHERE user_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?
                    """,
                arguments: [user.id, below, limit + 1]
            )
            let page = try Self.changeRows(rows.prefix(limit))
            let (changes, read, through) = try Self.read(page, from: below, user: user.id, maxBytes: maxBytes, db)
            let hasMore = read < page.count || rows.count > limit
            let remaining = hasMore
                ? try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM changes WHERE user_id = ? AND seq < ?", arguments: [user.id, through]
                ) ?? 0
                : 0
            // The last page's cursor is the head: everything up to it is in the device's hands.
            return (changes, hasMore, hasMore ? through : head, remaining, head)
        } }
        return ChangePage(
            changes: changes, nextCursor: String(next), hasMore: hasMore, serverHLC: clock.tick(), remaining: remaining,
            head: String(head)
        )
    }

    static func changeRows(_ rows: ArraySlice<Row>) throws -> [ChangeRow] {
        try rows.map { row in
            try ChangeRow(
                seq: row[0], entity: UnreadableStoredValue.decode(row[2], as: ChangeEntity.self, table: "changes", column: "entity"),
                id: row[3], deleted: row[4]
            )
        }
    }

    /// Reads the records of `page` in order, a chunk at a time, until their text passes
    /// `maxBytes`; returns the changes kept, how many rows were read, and the seq of the
    /// last row read (kept or left out), or `start` when none was: where the next page starts.
    static func read(
        _ page: [ChangeRow], from start: Int64, user: Int64, maxBytes: Int, _ db: Database
    ) throws -> (changes: [SequencedChange], read: Int, through: Int64) {
        var changes: [SequencedChange] = []
        var bytes = 0
        var read = 0
        // The seq of the last row read, kept or left out: where the next page starts.
        var through = start
        reading: while read < page.count {
            let chunk = Array(page[read..<min(read + Self.recordChunk, page.count)])
            for change in try Self.records(for: chunk, user: user, db) {
                read += 1
                through = change.seq
                // A record stored before the contract's limits that breaks them (an id
                // with a space, a note of megabytes) is left out: every client would
                // refuse the page that carried it, and sync would stop for good.
                guard (try? change.change.check()) != nil else { continue }
                changes.append(change)
                bytes += ChangePageJSON.textBytes(change)
                if bytes >= maxBytes { break reading }
            }
        }
        return (changes, read, through)
    }

    /// The user's change rows after `seq`: a range count on the covering index
    /// `changes_user_seq`, whose cost grows with the count. Measured with sqlite3 3.40 on
    /// 2 million rows of two users: 1.4 ms for 35,800 rows, 60 ms for a million; the 179
    /// pages of a 35,800-change first sync count 3.2 million rows in all, 0.15 to 0.19 s.
    static func remainingCount(for user: Int64, after seq: Int64, _ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM changes WHERE user_id = ? AND seq > ?", arguments: [user, seq]) ?? 0
    }

    /// Records read per query while a page is built: few enough that the records read past
    /// the byte budget stay small (16 of the largest articles are about 25 MB of text).
    static let recordChunk = 16

    /// A cursor below the purge horizon may have missed a tombstone; one beyond the last
    /// change belongs to another database. Either way the client must start again.
    static func checkCursor(_ cursor: Int64, _ db: Database) throws {
        guard cursor != 0 else { return }
        if cursor < 0 { throw ServerError(.badRequest, "the cursor must be a whole number of 0 or more") }
        if cursor < (try purgedThrough(db)) {
            throw ServerError(.cursorExpired, "the cursor is older than the tombstone horizon; pull again from the start (since=0)")
        }
        if cursor > (try lastSeq(db)) {
            throw ServerError(.cursorExpired, "the cursor is not one this server issued; pull again from the start (since=0)")
        }
    }

    /// The newest change seq ever issued (AUTOINCREMENT never reuses one).
    static func lastSeq(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'changes'") ?? 0
    }

    /// One row of the change feed before its record is read.
    struct ChangeRow {
        var seq: Int64
        var entity: ChangeEntity
        var id: String
        var deleted: Bool
    }

    /// The page's records, read a batch per kind instead of one query per change.
    static func records(for rows: [ChangeRow], user: Int64, _ db: Database) throws -> [SequencedChange] {
        var ids: [ChangeEntity: [String]] = [:]
        for row in rows where !row.deleted { ids[row.entity, default: []].append(row.id) }

        func fetch<Record>(
            _ entity: ChangeEntity, _ columns: String, from table: String, key: String, scoped: Bool,
            _ decode: (Row) throws -> Record
        ) throws -> [String: Record] {
            guard let wanted = ids[entity], !wanted.isEmpty else { return [:] }
            let scope = scoped ? "user_id = ? AND " : ""
            let sql = "SELECT \(columns) FROM \(table) WHERE \(scope)\(key) IN (\(databaseQuestionMarks(count: wanted.count)))"
            var arguments = StatementArguments(wanted)
            if scoped { arguments = [user] + arguments }
            var found: [String: Record] = [:]
            found.reserveCapacity(wanted.count)
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() { found[row[0]] = try decode(row) }
            return found
        }

        let sources = try fetch(.source, RecordRows.sourceColumns, from: "sources", key: "id", scoped: false, RecordRows.source)
        let articles = try fetch(.article, RecordRows.articleColumns, from: "articles", key: "id", scoped: false, RecordRows.article)
        let states = try fetch(
            .articleState, RecordRows.stateColumns, from: "article_states", key: "article_id", scoped: true, RecordRows.state
        )
        let notes = try fetch(.note, RecordRows.noteColumns, from: "notes", key: "id", scoped: true, RecordRows.note)
        let subscriptions = try fetch(
            .subscription, RecordRows.subscriptionColumns, from: "subscriptions", key: "url", scoped: true,
            RecordRows.subscription
        )

        return rows.map { row in
            let tombstone = SequencedChange(seq: row.seq, change: .tombstone(row.entity, id: row.id))
            guard !row.deleted else { return tombstone }
            let change: Change? = switch row.entity {
            case .source: sources[row.id].map { Change.source($0.clippedToLimits()) }
            case .article: articles[row.id].map { Change.article($0.clippedToLimits()) }
            case .articleState: states[row.id].map(Change.articleState)
            case .note: notes[row.id].map { $0.deleted ? .tombstone(.note, id: row.id) : .note($0.record) }
            case .subscription: subscriptions[row.id].map { Change.subscription($0.clippedToLimits()) }
            }
            // Inside one read transaction a change row always has its record; a tombstone
            // is the safe answer if it ever had not.
            return change.map { SequencedChange(seq: row.seq, change: $0) } ?? tombstone
        }
    }
}
