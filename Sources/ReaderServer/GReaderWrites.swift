import Foundation
import GRDB
import ReaderModels

/// The writes of the API. Each becomes the mutation a device would push (an article state
/// or subscription `set`, stamped by the server's clock) and goes through `MutationApplier`
/// in one transaction: the same conflict rules, the same stored record, the same change row
/// in the user's native change feed. Only read, starred, tags and subscriptions are
/// reachable from here; notes and reading progress stay with the native protocol.
extension SQLiteSyncRepository {
    /// `GReaderLimits.writeChunk`: SQLite has one write lock for every user, and a request
    /// for 10,000 items in one transaction would stall every other user's pushes for its
    /// whole run.
    static let greaderWriteChunk = GReaderLimits.writeChunk

    /// Adds and removes read, starred and labels on the items `ids` that `user` holds;
    /// other ids are skipped, as an item that does not exist is.
    ///
    /// - Returns: how many items were found.
    @discardableResult
    package func greaderEditTags(for user: UserAccount, ids: [Int64], add: [GReaderTag], remove: [GReaderTag]) async throws -> Int {
        guard !ids.isEmpty, !(add.isEmpty && remove.isEmpty) else { return 0 }
        var found = 0
        for start in stride(from: 0, to: ids.count, by: Self.greaderWriteChunk) {
            let chunk = Array(ids[start..<min(start + Self.greaderWriteChunk, ids.count)])
            found += try await pool.write { db in
                let articles = try Self.heldArticles(db, user: user, ids: chunk)
                for article in articles {
                    try self.applyTags(db, user: user, article: article, add: add, remove: remove)
                }
                try self.saveClock(db)
                return articles.count
            }
        }
        return found
    }

    /// Marks read every unread item of `stream` that entered the user's library at or before
    /// `beforeMillis` (all of them when nil): the time a client saw, as `ot` and crawl time.
    package func greaderMarkAllRead(for user: UserAccount, stream: GReaderStream, beforeMillis: Int64?) async throws {
        let condition = Self.condition(stream)
        var arguments: [DatabaseValue] = [user.id.databaseValue] + Self.arguments(stream)
        var sql = """
            SELECT l.article_id FROM library l JOIN articles a ON a.id = l.article_id
            LEFT JOIN article_states s ON s.user_id = l.user_id AND s.article_id = l.article_id
            WHERE l.user_id = ?1 AND COALESCE(s.read, 0) = 0 AND \(condition)
            """
        if let beforeMillis {
            sql += " AND l.added_at <= ?"
            arguments.append(Timestamp.format(millis: beforeMillis).databaseValue)
        }
        let bound = StatementArguments(arguments)
        let query = sql
        let articles = try await pool.read { db in try String.fetchAll(db, sql: query, arguments: bound) }
        for start in stride(from: 0, to: articles.count, by: Self.greaderWriteChunk) {
            let chunk = Array(articles[start..<min(start + Self.greaderWriteChunk, articles.count)])
            try await pool.write { db in
                // Read again in the write: an article may have left the library since.
                for article in try Self.stillHeld(db, user: user, articles: chunk) {
                    try self.applyTags(db, user: user, article: article, add: [.read], remove: [])
                }
                try self.saveClock(db)
            }
        }
    }

    /// The articles of `articles` that `user` holds now.
    private static func stillHeld(_ db: Database, user: UserAccount, articles: [String]) throws -> [String] {
        guard !articles.isEmpty else { return [] }
        return try String.fetchAll(db, sql: """
            SELECT article_id FROM library WHERE user_id = ? AND article_id IN (\(articles.map { _ in "?" }.joined(separator: ",")))
            ORDER BY article_id
            """, arguments: StatementArguments([user.id.databaseValue] + articles.map(\.databaseValue)))
    }

    /// The articles of `ids` that `user` holds; the ids lead the join (see `greaderItems`).
    static func heldArticles(_ db: Database, user: UserAccount, ids: [Int64]) throws -> [String] {
        var articles: [String] = []
        for start in stride(from: 0, to: ids.count, by: 400) {
            let chunk = Array(ids[start..<min(start + 400, ids.count)])
            articles += try String.fetchAll(db, sql: """
                SELECT l.article_id FROM greader_items g CROSS JOIN library l ON l.article_id = g.article_id AND l.user_id = ?1
                WHERE g.id IN (\(chunk.map { _ in "?" }.joined(separator: ","))) ORDER BY g.id
                """, arguments: StatementArguments([user.id] + chunk))
        }
        return articles
    }

    /// One article's edit as one `set` mutation: read and starred as given, the labels
    /// merged into the tags it has now (read in this transaction, so no edit between is lost).
    private func applyTags(_ db: Database, user: UserAccount, article: String, add: [GReaderTag], remove: [GReaderTag]) throws {
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
            let current = try String.fetchOne(
                db, sql: "SELECT tags FROM article_states WHERE user_id = ? AND article_id = ?", arguments: [user.id, article]
            )
            var tags = Set(RecordRows.tags(current))
            tags.formUnion(added)
            tags.subtract(removed)
            fields["tags"] = .array(tags.sorted().map { .string($0) })
        }
        guard !fields.isEmpty else { return }
        try applyAsPush(db, user: user, entity: .articleState, id: article, fields: fields)
    }

    /// Applies `fields` as a `set` mutation from the server itself, through the native path.
    func applyAsPush(_ db: Database, user: UserAccount, entity: EntityKind, id: String, fields: JSONObject) throws {
        let now = nowText
        let wall = clock.now()
        let mutation = WireMutation(
            id: "greader-" + UUID().uuidString.lowercased(), entity: entity, entityID: id, op: .set, baseRevision: nil,
            fields: fields, hlc: clock.tick()
        )
        let result = try MutationApplier(db: db, user: user.id, now: now).apply(mutation, wallMillis: wall)
        if let error = result.error {
            throw GReaderError(.badRequest, error.message)
        }
    }

    // MARK: Subscriptions

    /// Subscribes, unsubscribes, renames or relabels the feeds at `urls`, each as one
    /// subscription `set`, all in one transaction: unsubscribing from, or editing, a feed
    /// the user does not follow is a 400 and leaves every feed of the request as it was.
    package func greaderEditSubscriptions(
        for user: UserAccount, urls: [String], action: GReaderSubscriptionEdit, title: String?, add: [String], remove: [String]
    ) async throws {
        try await pool.write { db in
            for url in urls {
                try self.editSubscription(db, user: user, url: url, action: action, title: title, add: add, remove: remove)
            }
            try self.saveClock(db)
        }
    }

    private func editSubscription(
        _ db: Database, user: UserAccount, url: String, action: GReaderSubscriptionEdit, title: String?, add: [String], remove: [String]
    ) throws {
        let current = try Self.subscription(db, user: user.id, url: url)
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
        try applyAsPush(db, user: user, entity: .subscription, id: url, fields: fields)
    }

    /// `rename-tag` and `disable-tag`: the label `old` becomes `new` (or goes, when nil) on
    /// every subscription and every article of the user, each as its own `set`: the
    /// subscriptions in one transaction, the articles `greaderWriteChunk` at a time.
    package func greaderRelabel(for user: UserAccount, from old: String, to new: String?) async throws {
        let holding = "EXISTS (SELECT 1 FROM json_each(tags) t WHERE t.value = ?)"
        let articles = try await pool.write { db in
            let urls = try String.fetchAll(db, sql: """
                SELECT url FROM subscriptions WHERE user_id = ? AND subscribed = 1 AND \(holding) ORDER BY url
                """, arguments: [user.id, old])
            for url in urls {
                try self.editSubscription(
                    db, user: user, url: url, action: .edit, title: nil, add: new.map { [$0] } ?? [], remove: [old]
                )
            }
            try self.saveClock(db)
            return try String.fetchAll(db, sql: """
                SELECT article_id FROM article_states WHERE user_id = ? AND \(holding) ORDER BY article_id
                """, arguments: [user.id, old])
        }
        for start in stride(from: 0, to: articles.count, by: Self.greaderWriteChunk) {
            let chunk = Array(articles[start..<min(start + Self.greaderWriteChunk, articles.count)])
            try await pool.write { db in
                // Only those still labeled: another edit may have changed one since.
                let labeled = try String.fetchAll(db, sql: """
                    SELECT article_id FROM article_states WHERE user_id = ? AND \(holding)
                    AND article_id IN (\(chunk.map { _ in "?" }.joined(separator: ","))) ORDER BY article_id
                    """, arguments: StatementArguments([user.id.databaseValue, old.databaseValue] + chunk.map(\.databaseValue)))
                for article in labeled {
                    try self.applyTags(
                        db, user: user, article: article, add: new.map { [.label($0)] } ?? [], remove: [.label(old)]
                    )
                }
                try self.saveClock(db)
            }
        }
    }

    /// The title `user` sees for the feed at `url`, after a quickadd.
    package func greaderFeedTitle(for user: UserAccount, url: String) async throws -> String {
        try await pool.read { db in
            let own = try Self.subscription(db, user: user.id, url: url)?.title
            let feed = try String.fetchOne(db, sql: "SELECT title FROM feeds WHERE url = ?", arguments: [url])
            return own ?? feed ?? url
        }
    }
}
