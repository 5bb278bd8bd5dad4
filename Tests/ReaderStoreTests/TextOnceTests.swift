import Foundation
import GRDB
import LoopbackHTTP
import ReaderModels
@testable import ReaderStore
import Testing

/// An article's text is stored only where its HTML does not give it back (`ArticleText`),
/// and the `v8-text-once` migration brings databases of earlier versions there.
@Suite struct TextOnceTests {
    static let source = SourceDraft(key: "https://quay.example/feed", title: "Quay Weekly", kind: .rss)

    /// Text as an importer makes it from the HTML, and text that is something else.
    static let derivable = ArticleDraft(
        source: source, guid: "mill", title: "Tide mill", html: "<p>The tide mill grinds <em>flour</em> again.</p><p>Second paragraph.</p>",
        text: "The tide mill grinds flour again.\n\nSecond paragraph."
    )
    static let different = ArticleDraft(
        source: source, guid: "crane", title: "Crane", html: "<p>A crane.</p>", text: "The server's own words about a heron."
    )

    /// The stored `text` column of each article, by id.
    static func storedText(_ db: Database) throws -> [String: String?] {
        var texts: [String: String?] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, text FROM articles") { texts[row["id"]] = row["text"] as String? }
        return texts
    }

    static func checkIndex(_ store: ReaderStore) throws {
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
        }
    }

    @Test func textTheHTMLGivesBackIsNotStoredAndReadsTheSame() throws {
        let test = try TestStore()
        try test.store.importArticles([Self.derivable, Self.different])
        let stored = try test.store.pool.read(Self.storedText)
        #expect(stored[Self.derivable.id] == .some(nil))
        #expect(stored[Self.different.id] == .some(Self.different.text))
        #expect(try test.store.article(id: Self.derivable.id).text == Self.derivable.text)
        #expect(try test.store.article(id: Self.different.id).text == Self.different.text)
        #expect(try test.store.search("flour").map(\.snippet) == ["The tide mill grinds **flour** again. Second paragraph."])
        #expect(try test.store.search("heron").map(\.id) == [Self.different.id])
        #expect(try test.store.search("crane").map(\.id) == [Self.different.id])
        try Self.checkIndex(test.store)
    }

    @Test func aNoteQuotesDerivedText() throws {
        let test = try TestStore()
        try test.store.importArticles([Self.derivable])
        let note = try test.store.apply(.addNote(articleID: Self.derivable.id, body: "Good news", quote: "grinds flour"))
        #expect(note.note?.anchor?.exact == "grinds flour")
    }

    /// An update and a deletion take out of the index exactly the words that were in it,
    /// which for derived text the trigger derives again.
    @Test func updatesAndDeletionsKeepTheIndexExact() throws {
        let test = try TestStore()
        try test.store.importArticles([Self.derivable, Self.different])
        var changed = Self.derivable
        changed.html = "<p>The tide mill grinds <em>barley</em> now.</p>"
        changed.text = "The tide mill grinds barley now."
        var reworded = Self.different
        reworded.html = "<p>An egret.</p>"
        reworded.text = "An egret."
        try test.store.importArticles([changed, reworded])
        #expect(try test.store.pool.read(Self.storedText) == [changed.id: nil, reworded.id: nil])
        #expect(try test.store.search("flour").isEmpty)
        #expect(try test.store.search("heron").isEmpty)
        #expect(try test.store.search("barley").map(\.id) == [changed.id])
        #expect(try test.store.search("egret").map(\.id) == [reworded.id])
        try Self.checkIndex(test.store)
        try test.store.pool.write { db in try db.execute(sql: "DELETE FROM articles WHERE id = ?", arguments: [changed.id]) }
        #expect(try test.store.search("barley").isEmpty)
        try Self.checkIndex(test.store)
    }

    /// The segments of the article index, from the FTS5 structure record (rowid 10 of its
    /// data table: a 4-byte cookie, then the number of levels and of segments as varints).
    static func segments(_ store: ReaderStore) throws -> Int {
        let record = try store.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT block FROM articles_fts_data WHERE rowid = 10")
        }
        var bytes = Array(record ?? Data()).dropFirst(4)
        func varint() -> Int {
            var value = 0
            while let byte = bytes.popFirst() {
                value = value << 7 | Int(byte & 0x7F)
                if byte < 0x80 { break }
            }
            return value
        }
        _ = varint()
        return varint()
    }

    /// New articles are indexed one INSERT each; that must not make FTS5 write a segment
    /// per article (a statement that opens a savepoint would), so one import of many articles
    /// leaves one segment, as an INSERT … SELECT of them all would.
    @Test func oneImportOfManyArticlesWritesOneIndexSegment() throws {
        let test = try TestStore()
        let drafts = (0..<1_500).map { n in
            ArticleDraft(source: Self.source, guid: "log-\(n)", title: "Log \(n)", html: "<p>Keeper's log, entry tern\(n).</p>",
                         text: "Keeper's log, entry tern\(n).")
        }
        try test.store.importArticles(drafts)
        #expect(try Self.segments(test.store) == 1)
        #expect(try test.count("SELECT count(*) FROM articles WHERE text IS NULL") == drafts.count)
        #expect(try test.store.search("tern1499").count == 1)
        try Self.checkIndex(test.store)
    }

    /// A database made by the previous schema (v7), with articles, state and a note, opens,
    /// migrates, and reads and searches as it did; the text it can derive is dropped.
    @Test func aVersion7DatabaseMigrates() throws {
        let (old, path) = try TestStore.database("v7", migratedUpTo: "v7-sync-api")
        let now = Timestamp.format(Date(timeIntervalSince1970: 1_764_000_000))
        try old.write { db in
            try db.execute(sql: "INSERT INTO sources (id, key, kind, title, created_at) VALUES (?, ?, 'rss', ?, ?)",
                           arguments: [Self.source.id, Self.source.key, Self.source.title, now])
            // Enough text that the old table's pages outnumber what the new tables take back.
            let filler = (0..<300).map { n in
                ArticleDraft(source: Self.source, guid: "filler-\(n)", title: "Filler \(n)",
                             html: "<p>" + String(repeating: "ballast ", count: 250) + "</p>",
                             text: String(repeating: "ballast ", count: 250).trimmingCharacters(in: .whitespaces))
            }
            for draft in [Self.derivable, Self.different] + filler {
                try db.execute(sql: """
                    INSERT INTO articles (id, source_id, guid, title, html, text, content_hash, first_seen_at, sort_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [draft.id, Self.source.id, draft.guid, draft.title, draft.html, draft.text, draft.contentHash, now, now])
            }
            try db.execute(sql: "INSERT INTO articles_fts (rowid, title, author, summary, text) SELECT seq, title, author, summary, text FROM articles")
            try db.execute(sql: "INSERT INTO article_states (article_id, read, read_hlc) VALUES (?, 1, '0000000000001-0000-device')",
                           arguments: [Self.derivable.id])
        }
        try old.close()

        let store = try ReaderStore(path: path)
        let applied = try store.pool.read { db in try Schema.migrator.appliedIdentifiers(db) }
        #expect(applied.contains("v8-text-once"))
        let stored = try store.pool.read(Self.storedText)
        #expect(stored.count == 302)
        #expect(stored.filter { $0.value != nil } == [Self.different.id: Self.different.text])
        #expect(try store.article(id: Self.derivable.id).text == Self.derivable.text)
        #expect(try store.article(id: Self.derivable.id).state.read)
        #expect(try store.article(id: Self.different.id).text == Self.different.text)
        #expect(try store.search("flour").map(\.id) == [Self.derivable.id])
        #expect(try store.search("heron").map(\.id) == [Self.different.id])
        try Self.checkIndex(store)
        #expect(try store.pool.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
        #expect(try store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        #expect(try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT v FROM articles_fts_config WHERE k = 'automerge'") } == 8)
        // The old table's pages went back to the file system.
        #expect(try store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA freelist_count") } == 0)

        // New and changed articles after the migration are written the new way.
        var changed = Self.derivable
        changed.html = "<p>Barley.</p>"
        changed.text = "Barley."
        try store.importArticles([changed])
        #expect(try store.search("flour").isEmpty)
        #expect(try store.search("barley").map(\.id) == [changed.id])
        try Self.checkIndex(store)
    }
}
