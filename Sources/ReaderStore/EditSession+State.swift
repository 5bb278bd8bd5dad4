import Foundation
import GRDB
import ReaderModels

/// The fields of article state, each merged on its own by HLC.
enum StateField: String, CaseIterable {
    case read, starred, progress, tags
}

extension EditSession {
    mutating func setState(_ ids: [String], field: StateField, value: JSONValue) throws {
        guard !ids.isEmpty else { throw StoreError.invalidValue("no article ids given") }
        for id in ids where try !db.exists("articles WHERE id = ?", [id]) {
            throw StoreError.articleNotFound(id)
        }
        let column = field.rawValue
        // Tags are kept as their JSON text; the other fields as plain SQLite values.
        let stored: (any DatabaseValueConvertible)? = switch value {
        case .array: value.canonicalText // tags
        case .bool(let flag): flag
        case .number(let number): number
        default: nil
        }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO article_states (article_id, \(column), \(column)_hlc) VALUES (?, ?, ?)
            ON CONFLICT (article_id) DO UPDATE SET \(column) = excluded.\(column), \(column)_hlc = excluded.\(column)_hlc
            """)
        for id in ids {
            let hlc = tick()
            if field == .read, case .bool(let read) = value { try StoreCounts.willSetRead(db, articleID: id, to: read) }
            try statement.execute(arguments: [id, stored, hlc.description])
            try record(.articleState, id, op: .set, baseRevision: nil, fields: [column: value], hlc: hlc)
        }
    }

    /// Adds and removes tags in one read-and-write, in one transaction, so nothing another
    /// command writes between the read and the write is lost. Nothing is written when the
    /// tags stay the same.
    mutating func changeTags(of id: String, adding: [String], removing: [String]) throws {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT st.tags FROM articles a LEFT JOIN article_states st ON st.article_id = a.id WHERE a.id = ?
            """, arguments: [id])
        else { throw StoreError.articleNotFound(id) }
        let current = Set(JSON.decodeStrings(row["tags"] ?? "[]"))
        let tags = current.union(adding).subtracting(removing)
        guard tags != current else { return }
        guard tags.count <= WireLimits.maxTags else {
            throw StoreError.invalidValue(
                "an article can have at most \(WireLimits.maxTags) tags; article \(id) has \(current.count), and this would give it \(tags.count)"
            )
        }
        try setState([id], field: .tags, value: .strings(tags.sorted()))
    }

    /// Marks read, one outbox row each, the unread articles of a feed and/or dated before an
    /// instant (publication date, else arrival: `sort_at`), or all of them.
    mutating func markAllRead(feedID: String?, before: Date?) throws {
        var conditions = ["coalesce(st.read, 0) = 0"]
        var arguments: StatementArguments = []
        if let feedID {
            guard try db.namedFeeds()[feedID] != nil else { throw StoreError.feedNotFound(feedID) }
            conditions.append("a.source_id = ?")
            arguments += [feedID]
        }
        if let before {
            // Stored instants are all in Timestamp's one form, which sorts as the instant does.
            conditions.append("a.sort_at < ?")
            arguments += [Timestamp.format(before)]
        }
        let ids = try String.fetchAll(db, sql: """
            SELECT a.id FROM articles a LEFT JOIN article_states st ON st.article_id = a.id
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.sort_at, a.id
            """, arguments: arguments)
        if !ids.isEmpty { try setState(ids, field: .read, value: .bool(true)) }
    }

    mutating func setSubscription(url: String, subscribed: Bool, title: String?, tags: [String]) throws {
        let url = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !url.isEmpty else { throw StoreError.invalidValue("a subscription needs a feed URL") }
        let hlc = tick()
        try db.execute(sql: """
            INSERT INTO subscriptions (url, title, tags, subscribed, hlc) VALUES (?, CAST(? AS TEXT), ?, ?, ?)
            ON CONFLICT (url) DO UPDATE SET title = coalesce(excluded.title, title), tags = excluded.tags,
              subscribed = excluded.subscribed, hlc = excluded.hlc
            """, arguments: [url, ExactText.argument(title), JSON.encode(tags), subscribed, hlc.description])
        var fields: JSONObject = ["subscribed": .bool(subscribed), "tags": .strings(tags)]
        if let title { fields["title"] = .string(title) }
        try record(.subscription, url, op: .set, baseRevision: nil, fields: fields, hlc: hlc)
    }
}
