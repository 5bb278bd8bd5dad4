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
        var feed: [(seq: Int64, entity: ChangeEntity, id: String, deleted: Bool)] = []
        for try await (seq, entity, id, deleted) in rows.decode((Int64, String, String, Bool).self) {
            guard let entity = ChangeEntity(rawValue: entity) else {
                throw PostgresRecords.UnknownValue(description: "change \(seq) names entity \(entity)")
            }
            feed.append((seq, entity, id, deleted))
        }
        let window = Array(feed.prefix(limit))
        var changes: [SequencedChange] = []
        var bytes = 0, read = 0
        // The seq of the last row read, kept or left out: where the next page starts.
        var through = cursor
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

    /// The chunk's records, read a batch per kind instead of one query per change.
    static func records(
        for rows: [(seq: Int64, entity: ChangeEntity, id: String, deleted: Bool)], user: Int64,
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
