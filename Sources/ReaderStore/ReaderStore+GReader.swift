import Foundation
import GRDB
import ReaderModels

/// The protocol a stored sync server speaks: what `reader login` (or an app's own login)
/// stored with the server's URL and token, so that any later sync builds the same kind of
/// backend (see `SyncEngine.stored(store:client:)` in ReaderSync).
public enum SyncAPI: String, Sendable, Hashable, CaseIterable {
    /// This package's own `/v1` protocol (`reader-server`).
    case native
    /// The Google Reader API (FreshRSS, Miniflux, Inoreader, The Old Reader, BazQux).
    case greader
}

/// The stored server's protocol and the extra headers to send on every request to it
/// (Inoreader's `AppId` and `AppKey`).
public struct SyncAPISettings: Sendable, Hashable {
    /// The protocol the server speaks.
    public var api: SyncAPI
    /// Headers sent on every request, name to value.
    public var headers: [String: String]

    /// Settings for `api` with `headers`.
    public init(api: SyncAPI, headers: [String: String] = [:]) {
        self.api = api
        self.headers = headers
    }
}

extension ReaderStore {
    /// The stored server's protocol and the extra headers it wants (``SyncAPI/native`` and
    /// none until a login stores another). Throws ``StoreError/unknownStoredValue(table:column:value:)``
    /// when the stored value is one this version cannot read.
    public func syncAPI() throws -> SyncAPISettings {
        try read(Self.syncAPI)
    }

    static func syncAPI(_ db: Database) throws -> SyncAPISettings {
        guard let row = try Row.fetchOne(db, sql: "SELECT api, api_headers FROM sync_state WHERE id = 1") else {
            throw StoreError.database("the database has no sync state row; it was not created by reader")
        }
        let text: String = row["api"]
        guard let api = SyncAPI(rawValue: text) else {
            throw StoreError.unknownStoredValue(table: "sync_state", column: "api", value: String(text.prefix(100)))
        }
        let json: String = row["api_headers"]
        guard let headers = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else {
            throw StoreError.unknownStoredValue(table: "sync_state", column: "api_headers", value: String(json.prefix(100)))
        }
        return SyncAPISettings(api: api, headers: headers)
    }

    /// Stores the server's protocol and extra headers (with ``saveServer(url:token:)``).
    /// Another protocol starts the pull over: the old one's cursor means nothing to it.
    public func saveSyncAPI(_ api: SyncAPI, headers: [String: String] = [:]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: (try? encoder.encode(headers)) ?? Data("{}".utf8), as: UTF8.self)
        try write { db in
            try db.execute(sql: "UPDATE sync_state SET cursor = NULL, last_sync_at = NULL WHERE id = 1 AND api != ?", arguments: [api.rawValue])
            try db.execute(sql: "UPDATE sync_state SET api = ?, api_headers = ? WHERE id = 1", arguments: [api.rawValue, json])
        }
    }
}

/// What a GReader backend reads of the device: the narrow views it needs to build answers
/// the engine applies without overwriting what the service cannot carry (progress, notes),
/// and to reconcile the state of articles it pulled earlier. They are async, on the store's
/// async façade, so a sync never blocks a thread of the cooperative pool on SQLite.
extension AsyncReaderStore {
    /// The stored server's protocol and extra headers; see ``ReaderStore/syncAPI()``.
    public func syncAPI() async throws -> SyncAPISettings {
        try await store.asyncRead(ReaderStore.syncAPI)
    }

    /// The state of each of these articles that the device holds, with the stamp of every
    /// field; articles without state rows get the defaults, and unknown ids are left out.
    package func localStates(articleIDs: [String]) async throws -> [String: ArticleStateRecord] {
        try await store.asyncRead { db in
            var states: [String: ArticleStateRecord] = [:]
            let statement = try db.cachedStatement(sql: """
                SELECT a.id, s.* FROM articles a LEFT JOIN article_states s ON s.article_id = a.id WHERE a.id = ?
                """)
            for id in Set(articleIDs) {
                guard let row = try Row.fetchOne(statement, arguments: [id]) else { continue }
                states[id] = ArticleStateRecord(row: row, id: id)
            }
            return states
        }
    }

    /// Every article whose guid starts with `guidPrefix`, with its read, starred and tags:
    /// what a reconciliation compares with the service's unread, starred and label lists.
    package func heldStates(guidPrefix: String) async throws -> [(articleID: String, read: Bool, starred: Bool, tags: [String])] {
        try await store.asyncRead { db in
            try Row.fetchAll(db, sql: """
                SELECT a.id, coalesce(s.read, 0) AS read, coalesce(s.starred, 0) AS starred, coalesce(s.tags, '[]') AS tags
                FROM articles a LEFT JOIN article_states s ON s.article_id = a.id
                WHERE substr(a.guid, 1, ?) = ?
                """, arguments: [guidPrefix.utf8.count, guidPrefix]).map { ($0["id"], $0["read"], $0["starred"], JSON.decodeStrings($0["tags"])) }
        }
    }

    /// The guid of each of these articles (a GReader backend keeps the service's item id
    /// there); unknown ids are left out.
    package func guids(articleIDs: [String]) async throws -> [String: String] {
        try await store.asyncRead { db in
            var guids: [String: String] = [:]
            let statement = try db.cachedStatement(sql: "SELECT guid FROM articles WHERE id = ?")
            for id in Set(articleIDs) {
                if let guid = try String.fetchOne(statement, arguments: [id]) { guids[id] = guid }
            }
            return guids
        }
    }

    /// The note as a record, as the device holds it, or nil when it is gone: what a
    /// backend that cannot carry notes answers for a note mutation, so settling keeps it.
    package func localNoteRecord(id: String) async throws -> NoteRecord? {
        try await store.asyncRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT body_hlc, anchor_hlc FROM notes WHERE id = ? AND deleted = 0", arguments: [id]),
                  let note = try Note.fetchLive(db, id: id),
                  let bodyHLC = HLC(row["body_hlc"] as String)
            else { return nil }
            return NoteRecord(
                id: note.id, articleID: note.articleID, anchor: note.anchor, body: note.body, createdAt: Timestamp.format(note.createdAt),
                updatedAt: Timestamp.format(note.updatedAt), revision: note.revision, conflicted: note.conflicted, bodyHLC: bodyHLC,
                anchorHLC: (row["anchor_hlc"] as String?).flatMap(HLC.init)
            )
        }
    }
}

extension ArticleStateRecord {
    /// A record from a row of `article_states` (NULL columns are the defaults).
    fileprivate init(row: Row, id: String) {
        self.init(
            articleID: id, read: row["read"] ?? false, starred: row["starred"] ?? false, progress: row["progress"] ?? 0,
            tags: (row["tags"] as String?).map(JSON.decodeStrings) ?? [],
            hlc: StateStamps(
                read: (row["read_hlc"] as String?).flatMap(HLC.init), starred: (row["starred_hlc"] as String?).flatMap(HLC.init),
                progress: (row["progress_hlc"] as String?).flatMap(HLC.init), tags: (row["tags_hlc"] as String?).flatMap(HLC.init)
            )
        )
    }
}
