import Foundation
import PostgresNIO
import ReaderModels
import ReaderServer

/// The writes of the API on PostgreSQL. Each becomes the `set` mutation a device would push,
/// stamped by the server's clock, and goes through `PostgresMutationApplier` in a
/// transaction that first locks the user's change feed row (`PostgresChangeFeed.lock`), as a
/// push does: the same conflict rules, stored record and change row as a native push, and
/// numbers in the user's feed handed out in commit order across instances. Bulk writes run
/// `GReaderLimits.writeChunk` articles per transaction, as on SQLite.
extension PostgresSyncRepository {
    /// One transaction of GReader writes for `user`: the feed locked, one applier, the
    /// clock saved at the end. A `GReaderError` rolls it back and reaches the client as is
    /// (a 400, as on SQLite); a database failure becomes a `RepositoryError` without SQL.
    private func greaderWrite<Result: Sendable>(
        for user: UserAccount, _ body: (GReaderWriter) async throws -> Result
    ) async throws -> Result {
        do {
            return try await database.transaction { connection, logger in
                try await PostgresChangeFeed.lock(users: [user.id], connection, logger)
                let writer = GReaderWriter(
                    connection: connection, logger: logger, user: user, clock: clock,
                    applier: PostgresMutationApplier(connection, logger, user: user.id, now: nowText)
                )
                let result = try await body(writer)
                try await PostgresServerClock.save(clock, connection, logger)
                return result
            }
        } catch let error as GReaderError {
            throw error
        } catch let error as RepositoryError {
            throw error
        } catch {
            throw RepositoryError(database.describe(error))
        }
    }

    @discardableResult
    package func greaderEditTags(for user: UserAccount, ids: [Int64], add: [GReaderTag], remove: [GReaderTag]) async throws -> Int {
        guard !ids.isEmpty, !(add.isEmpty && remove.isEmpty) else { return 0 }
        var found = 0
        for start in stride(from: 0, to: ids.count, by: GReaderLimits.writeChunk) {
            let chunk = Array(ids[start..<min(start + GReaderLimits.writeChunk, ids.count)])
            found += try await greaderWrite(for: user) { writer in
                let articles = try await writer.strings("""
                    SELECT l.article_id FROM greader_items g JOIN library l ON l.article_id = g.article_id AND l.user_id = \(user.id)
                    WHERE g.id = ANY(\(chunk)) ORDER BY g.id
                    """)
                for article in articles { try await writer.applyTags(article: article, add: add, remove: remove) }
                return articles.count
            }
        }
        return found
    }

    package func greaderMarkAllRead(for user: UserAccount, stream: GReaderStream, beforeMillis: Int64?) async throws {
        var sql = PostgresGReaderSQL()
        let userID = sql.bind(user.id)
        var text = """
            SELECT l.article_id FROM library l JOIN articles a ON a.id = l.article_id
            LEFT JOIN article_states s ON s.user_id = l.user_id AND s.article_id = l.article_id
            WHERE l.user_id = \(userID) AND NOT COALESCE(s.read, false) AND \(Self.condition(stream, user: userID, &sql))
            """
        if let beforeMillis {
            text += " AND l.added_at <= \(sql.bind(Timestamp.format(millis: beforeMillis)))"
        }
        let statement = sql.query(text + " ORDER BY l.article_id")
        let articles = try await read { connection, logger in
            var found: [String] = []
            for try await id in try await connection.query(statement, logger: logger).decode(String.self) { found.append(id) }
            return found
        }
        for start in stride(from: 0, to: articles.count, by: GReaderLimits.writeChunk) {
            let chunk = Array(articles[start..<min(start + GReaderLimits.writeChunk, articles.count)])
            try await greaderWrite(for: user) { writer in
                // Read again under the lock: an article may have left the library since.
                for article in try await writer.strings("""
                    SELECT article_id FROM library WHERE user_id = \(user.id) AND article_id = ANY(\(chunk)) ORDER BY article_id
                    """) {
                    try await writer.applyTags(article: article, add: [.read], remove: [])
                }
            }
        }
    }

    package func greaderEditSubscriptions(
        for user: UserAccount, urls: [String], action: GReaderSubscriptionEdit, title: String?, add: [String], remove: [String]
    ) async throws {
        try await greaderWrite(for: user) { writer in
            for url in urls {
                try await writer.editSubscription(url: url, action: action, title: title, add: add, remove: remove)
            }
        }
    }

    package func greaderRelabel(for user: UserAccount, from old: String, to new: String?) async throws {
        let holding = "EXISTS (SELECT 1 FROM jsonb_array_elements_text(tags::jsonb) t(v) WHERE t.v = "
        let articles = try await greaderWrite(for: user) { writer in
            let urls = try await writer.strings(PostgresQuery(unsafeSQL: """
                SELECT url FROM subscriptions WHERE user_id = $1 AND subscribed AND \(holding)$2) ORDER BY url
                """, binds: Self.bindings(user.id, old)))
            for url in urls {
                try await writer.editSubscription(url: url, action: .edit, title: nil, add: new.map { [$0] } ?? [], remove: [old])
            }
            return try await writer.strings(PostgresQuery(unsafeSQL: """
                SELECT article_id FROM article_states WHERE user_id = $1 AND \(holding)$2) ORDER BY article_id
                """, binds: Self.bindings(user.id, old)))
        }
        for start in stride(from: 0, to: articles.count, by: GReaderLimits.writeChunk) {
            let chunk = Array(articles[start..<min(start + GReaderLimits.writeChunk, articles.count)])
            try await greaderWrite(for: user) { writer in
                var binds = Self.bindings(user.id, old)
                binds.append(chunk)
                // Only those still labeled: another edit may have changed one since.
                for article in try await writer.strings(PostgresQuery(unsafeSQL: """
                    SELECT article_id FROM article_states WHERE user_id = $1 AND \(holding)$2) AND article_id = ANY($3)
                    ORDER BY article_id
                    """, binds: binds)) {
                    try await writer.applyTags(article: article, add: new.map { [.label($0)] } ?? [], remove: [.label(old)])
                }
            }
        }
    }

    package func greaderFeedTitle(for user: UserAccount, url: String) async throws -> String {
        try await read { connection, logger in
            let own = try await PostgresRecords.subscriptions(user: user.id, [url], connection, logger)[url]?.title
            var feed: String?
            for try await title in try await connection.query("SELECT title FROM feeds WHERE url = \(url)", logger: logger)
                .decode(String?.self) { feed = title }
            return own ?? feed ?? url
        }
    }

    private static func bindings(_ user: Int64, _ label: String) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(user)
        binds.append(label)
        return binds
    }
}

/// The GReader writes of one transaction for one user, its feed row locked.
private struct GReaderWriter {
    let connection: PostgresConnection
    let logger: Logger
    let user: UserAccount
    let clock: ServerClock
    let applier: PostgresMutationApplier

    func strings(_ query: PostgresQuery) async throws -> [String] {
        var found: [String] = []
        for try await value in try await connection.query(query, logger: logger).decode(String.self) { found.append(value) }
        return found
    }

    /// One article's edit as one `set` mutation: read and starred as given, the labels
    /// merged into the tags it has now (read under the feed lock, so no edit between is lost).
    func applyTags(article: String, add: [GReaderTag], remove: [GReaderTag]) async throws {
        var fields: JSONObject = [:]
        var added: [String] = []
        var removed: [String] = []
        for (tags, flag) in [(add, true), (remove, false)] {
            for tag in tags {
                switch tag {
                case .read: fields["read"] = .bool(flag)
                case .starred: fields["starred"] = .bool(flag)
                case .label(let name): if flag { added.append(name) } else { removed.append(name) }
                }
            }
        }
        if !added.isEmpty || !removed.isEmpty {
            var current: String?
            for try await tags in try await connection.query(
                "SELECT tags FROM article_states WHERE user_id = \(user.id) AND article_id = \(article)", logger: logger
            ).decode(String.self) { current = tags }
            var tags = Set(JSONValue.strings(in: current))
            tags.formUnion(added)
            tags.subtract(removed)
            fields["tags"] = .array(tags.sorted().map { .string($0) })
        }
        guard !fields.isEmpty else { return }
        try await applyAsPush(entity: .articleState, id: article, fields: fields)
    }

    /// Subscribes, unsubscribes or edits `url` as one subscription `set`; a 400 for
    /// unsubscribing from, or editing, a feed the user does not follow.
    func editSubscription(url: String, action: GReaderSubscriptionEdit, title: String?, add: [String], remove: [String]) async throws {
        let current = try await PostgresRecords.subscriptions(user: user.id, [url], connection, logger)[url]
        if action != .subscribe && current?.subscribed != true {
            throw GReaderError(.badRequest, "not subscribed to \(url)")
        }
        var tags = Set(current?.tags ?? [])
        tags.formUnion(add)
        tags.subtract(remove)
        var fields: JSONObject = [
            "subscribed": .bool(action != .unsubscribe), "tags": .array(tags.sorted().map { .string($0) }),
        ]
        if let title = title ?? current?.title { fields["title"] = .string(title) }
        try await applyAsPush(entity: .subscription, id: url, fields: fields)
    }

    /// Applies `fields` as a `set` mutation from the server itself, through the native path.
    func applyAsPush(entity: EntityKind, id: String, fields: JSONObject) async throws {
        let wall = clock.now()
        let mutation = WireMutation(
            id: "greader-" + UUID().uuidString.lowercased(), entity: entity, entityID: id, op: .set, baseRevision: nil,
            fields: fields, hlc: clock.tick()
        )
        let result = try await applier.apply(mutation, wallMillis: wall)
        if let error = result.error {
            throw GReaderError(.badRequest, error.message)
        }
    }
}
