import PostgresNIO
import ReaderModels
import ReaderServer

extension PostgresSyncRepository {
    /// The changes of `user`'s feed after `cursor`, built as the SQLite engine builds them
    /// (`SyncRepository.changes(for:since:limit:maxBytes:)`), from one read-only snapshot.
    /// The cursor is a position in the user's own feed (docs/POSTGRES.md): one beyond the
    /// user's last number, or below their purge horizon, has expired.
    public func changes(for user: UserAccount, since cursor: Int64, limit: Int, maxBytes: Int) async throws -> ChangePage {
        let limit = max(limit, 1)
        let page = try await SyncMetrics.measure(.read, "pull") {
            try await database.transaction(readOnlySnapshot: true) { connection, logger in
                try await Self.page(for: user.id, since: cursor, limit: limit, maxBytes: maxBytes, connection, logger)
            }
        }
        return ChangePage(
            changes: page.changes, nextCursor: String(page.next), hasMore: page.hasMore, serverHLC: clock.tick(),
            remaining: page.remaining
        )
    }

    /// The changes of `user`'s feed below `before` (nil: the whole feed), newest first, built
    /// as the SQLite engine builds them (`SyncRepository.changes(for:before:limit:maxBytes:)`)
    /// from one read-only snapshot. `head` is the user's last number in that snapshot: every
    /// number up to it has committed (`PostgresChangeFeed`), so a page below it skips nothing.
    public func changes(for user: UserAccount, before: Int64?, limit: Int, maxBytes: Int) async throws -> ChangePage {
        let limit = max(limit, 1)
        let (page, head) = try await SyncMetrics.measure(.read, "pull") {
            try await database.transaction(readOnlySnapshot: true) { connection, logger in
                try await Self.newestFirstPage(for: user.id, before: before, limit: limit, maxBytes: maxBytes, connection, logger)
            }
        }
        return ChangePage(
            changes: page.changes, nextCursor: String(page.next), hasMore: page.hasMore, serverHLC: clock.tick(),
            remaining: page.remaining, head: String(head)
        )
    }

    static func newestFirstPage(
        for user: Int64, before: Int64?, limit: Int, maxBytes: Int, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> (Page, head: Int64) {
        let head = try await PostgresChangeFeed.bounds(of: user, connection, logger).last
        if let before {
            if before < 1 { throw ServerError(.badRequest, "before must be a whole number of 1 or more") }
            if before > head + 1 {
                throw ServerError(.cursorExpired, "the cursor is not one this server issued; pull again from the start")
            }
        }
        let below = before ?? head + 1
        let rows = try await connection.query("""
            SELECT seq, entity, entity_id, deleted FROM changes
            WHERE user_id = \(user) AND seq < \(below) ORDER BY seq DESC LIMIT \(Int64(limit) + 1)
            """, logger: logger)
        let feed = try await feedRows(rows)
        let window = Array(feed.prefix(limit))
        let (changes, read, through) = try await Self.read(window, from: below, user: user, maxBytes: maxBytes, connection, logger)
        let hasMore = read < window.count || feed.count > limit
        var remaining = 0
        if hasMore {
            let counted = try await connection.query(
                "SELECT count(*) FROM changes WHERE user_id = \(user) AND seq < \(through)", logger: logger
            )
            for try await count in counted.decode(Int64.self) { remaining = Int(count) }
        }
        return (Page(changes: changes, hasMore: hasMore, next: hasMore ? through : head, remaining: remaining), head)
    }

    /// Records read per query while a page is built, as on SQLite.
    static let recordChunk = 16

    struct Page {
        var changes: [SequencedChange]
        var hasMore: Bool
        var next: Int64
        var remaining: Int
    }

    static func page(
        for user: Int64, since cursor: Int64, limit: Int, maxBytes: Int, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> Page {
        let bounds = try await PostgresChangeFeed.bounds(of: user, connection, logger)
        if cursor < 0 { throw ServerError(.badRequest, "the cursor must be a whole number of 0 or more") }
        if cursor != 0, cursor < bounds.purged {
            throw ServerError(.cursorExpired, "the cursor is older than the tombstone horizon; pull again from the start (since=0)")
        }
        if cursor > bounds.last {
            throw ServerError(.cursorExpired, "the cursor is not one this server issued; pull again from the start (since=0)")
        }
        let fetched = Int64(limit) + 1
        let rows = try await connection.query("""
            SELECT seq, entity, entity_id, deleted FROM changes
            WHERE user_id = \(user) AND seq > \(cursor) ORDER BY seq LIMIT \(fetched)
            """, logger: logger)
        let feed = try await feedRows(rows)
        let window = Array(feed.prefix(limit))
        let (changes, read, through) = try await Self.read(window, from: cursor, user: user, maxBytes: maxBytes, connection, logger)
        let hasMore = read < window.count || feed.count > limit
        let next = hasMore ? through : max(through, bounds.last)
        var remaining = 0
        if hasMore {
            let counted = try await connection.query(
                "SELECT count(*) FROM changes WHERE user_id = \(user) AND seq > \(through)", logger: logger
            )
            for try await count in counted.decode(Int64.self) { remaining = Int(count) }
        }
        return Page(changes: changes, hasMore: hasMore, next: next, remaining: remaining)
    }

    typealias FeedRow = (seq: Int64, entity: ChangeEntity, id: String, deleted: Bool)

    static func feedRows(_ rows: PostgresRowSequence) async throws -> [FeedRow] {
        var feed: [FeedRow] = []
        for try await (seq, entity, id, deleted) in rows.decode((Int64, String, String, Bool).self) {
            guard let entity = ChangeEntity(rawValue: entity) else {
                throw PostgresRecords.UnknownValue(description: "change \(seq) names entity \(entity)")
            }
            feed.append((seq, entity, id, deleted))
        }
        return feed
    }

    /// Reads the records of `window` in order, a chunk at a time, until their text passes
    /// `maxBytes`; returns the changes kept, how many rows were read, and the seq of the last
    /// row read (kept or left out), or `start` when none was: where the next page starts.
    static func read(
        _ window: [FeedRow], from start: Int64, user: Int64, maxBytes: Int, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> (changes: [SequencedChange], read: Int, through: Int64) {
        var changes: [SequencedChange] = []
        var bytes = 0, read = 0
        var through = start
        reading: while read < window.count {
            let chunk = Array(window[read..<min(read + recordChunk, window.count)])
            for change in try await records(for: chunk, user: user, connection, logger) {
                read += 1
                through = change.seq
                // A record that breaks the contract's limits is left out, as on SQLite: every
                // client would refuse the page that carried it.
                guard (try? change.change.check()) != nil else { continue }
                changes.append(change)
                bytes += ChangePageJSON.textBytes(change)
                if bytes >= maxBytes { break reading }
            }
        }
        return (changes, read, through)
    }

    /// The chunk's records, read a batch per kind instead of one query per change.
    static func records(
        for rows: [FeedRow], user: Int64,
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [SequencedChange] {
        var ids: [ChangeEntity: [String]] = [:]
        for row in rows where !row.deleted { ids[row.entity, default: []].append(row.id) }
        let sources = try await PostgresRecords.sources(ids[.source] ?? [], connection, logger)
        let articles = try await PostgresRecords.articles(ids[.article] ?? [], connection, logger)
        let states = try await PostgresRecords.states(user: user, ids[.articleState] ?? [], connection, logger)
        let notes = try await PostgresRecords.notes(user: user, ids[.note] ?? [], connection, logger)
        let subscriptions = try await PostgresRecords.subscriptions(user: user, ids[.subscription] ?? [], connection, logger)
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
            // In one snapshot a change row always has its record; a tombstone is the safe
            // answer if it ever had not.
            return change.map { SequencedChange(seq: row.seq, change: $0) } ?? tombstone
        }
    }
}
