import Foundation
import GRDB
import ReaderModels

/// The fields of article state, each merged on its own by HLC.
enum StateField: String, CaseIterable {
    case read, starred, progress, tags
}

extension EditSession {
    mutating func setState(_ ids: [String], field: StateField, value: any JSONValue) throws {
        guard !ids.isEmpty else { throw StoreError.invalidValue("no article ids given") }
        for id in ids where try !db.exists("articles WHERE id = ?", [id]) {
            throw StoreError.articleNotFound(id)
        }
        let column = field.rawValue
        // Tags are kept as their JSON text; the other fields as plain SQLite values.
        let stored: (any DatabaseValueConvertible)? = switch value {
        case let tags as [String]: JSON.encode(tags)
        case let flag as Bool: flag
        case let number as Double: number
        default: nil
        }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO article_states (article_id, \(column), \(column)_hlc) VALUES (?, ?, ?)
            ON CONFLICT (article_id) DO UPDATE SET \(column) = excluded.\(column), \(column)_hlc = excluded.\(column)_hlc
            """)
        for id in ids {
            let hlc = tick()
            try statement.execute(arguments: [id, stored, hlc.description])
            try record(.articleState, id, op: .set, baseRevision: nil, fields: [column: value], hlc: hlc)
        }
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
        var fields: [String: any JSONValue] = ["subscribed": subscribed, "tags": tags]
        if let title { fields["title"] = title }
        try record(.subscription, url, op: .set, baseRevision: nil, fields: fields, hlc: hlc)
    }
}
