import Foundation
import LoopbackHTTP
import ReaderModels
@testable import ReaderStore
import Synchronization

/// A store on a real SQLite file in a fresh temporary folder, with a clock that moves one
/// second per reading and ids that count up, so runs are reproducible.
struct TestStore {
    let folder: URL
    let store: ReaderStore

    init(start: Date = Date(timeIntervalSince1970: 1_764_000_000), idPrefix: String = "") throws {
        folder = TestFolder.url("store")
        store = try ReaderStore(path: folder.appendingPathComponent("reader.sqlite").path, environment: Self.environment(start: start, idPrefix: idPrefix))
    }

    static func environment(start: Date, idPrefix: String) -> StoreEnvironment {
        let ticks = Mutex(0)
        let ids = Mutex(0)
        return StoreEnvironment(
            now: { start.addingTimeInterval(Double(ticks.withLock { $0 += 1; return $0 })) },
            makeID: {
                let n = ids.withLock { $0 += 1; return $0 }
                let hex = String(n, radix: 16)
                return idPrefix + "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
            }
        )
    }

    /// Writes a file into the test's folder and returns its path.
    func file(_ name: String, _ contents: String) throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Saves simple articles and returns their ids.
    @discardableResult
    func seed(_ articles: [(title: String, text: String)], source: String = "https://example.org/feed") throws -> [String] {
        let src = SourceDraft(key: source, title: "Example Gazette", siteURL: "https://example.org/", kind: .rss)
        let drafts = articles.enumerated().map { index, article in
            ArticleDraft(
                source: src, guid: "guid-\(article.title)", url: "https://example.org/\(index)", title: article.title,
                author: "Staff", published: Date(timeIntervalSince1970: 1_760_000_000 + Double(index) * 3600),
                html: "<p>\(article.text)</p>", text: article.text
            )
        }
        _ = try store.importArticles(drafts)
        return drafts.map(\.id)
    }

    func count(_ sql: String) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    /// A database file in a fresh folder named `name`, migrated only up to `migration`, as an
    /// earlier version left it, for a test to fill and then open with the store.
    static func database(_ name: String, migratedUpTo migration: String) throws -> (old: DatabaseQueue, path: String) {
        let folder = TestFolder.url(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("reader.sqlite").path
        var config = Configuration()
        config.foreignKeysEnabled = true
        // v8 moves the text with the store's own function.
        config.prepareDatabase { db in db.add(function: ArticleText.function) }
        let old = try DatabaseQueue(path: path, configuration: config)
        // As the store makes every new file since v6.
        try old.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL") }
        try Schema.migrator.migrate(old, upTo: migration)
        return (old, path)
    }
}

import GRDB
