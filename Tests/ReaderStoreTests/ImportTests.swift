import Foundation
import ReaderFeeds
import ReaderModels
@testable import ReaderStore
import Testing

@Suite struct ImportTests {
    static func rss(items: [(guid: String, title: String, body: String)]) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel>
        <title>Quay Weekly</title><link>https://quay.example/</link>
        \(items.map { "<item><guid>\($0.guid)</guid><title>\($0.title)</title><description>\($0.body)</description></item>" }.joined(separator: "\n"))
        </channel></rss>
        """
    }

    @Test func reimportingTheSameFileChangesNothing() throws {
        let test = try TestStore()
        let path = try test.file("quay.xml", Self.rss(items: [("1", "Tide mill reopens", "Flour again."), ("2", "New crane", "Taller.")]))
        let first = try test.store.importFile(at: path)
        #expect([first.new, first.updated, first.unchanged] as [Int] == [2, 0, 0])
        #expect(first.format == .rss)
        let before = try test.store.exportUserState()
        let second = try test.store.importFile(at: path)
        #expect([second.new, second.updated, second.unchanged] as [Int] == [0, 0, 2])
        #expect(try test.store.exportUserState() == before)
        #expect(try test.count("SELECT count(*) FROM articles") == 2)
        #expect(try test.count("SELECT count(*) FROM sources") == 1)
    }

    @Test func changedContentUpdatesInPlaceKeepingStateNotesAndSearch() throws {
        let test = try TestStore()
        let path = try test.file("quay.xml", Self.rss(items: [("1", "Tide mill reopens", "Flour is milled again by the tide.")]))
        try test.store.importFile(at: path)
        let id = try test.store.articles()[0].id
        try test.store.markStarred([id], true)
        let note = try test.store.addNote(articleID: id, body: "visit", quote: "milled again")
        let edited = try test.file("quay.xml", Self.rss(items: [("1", "Tide mill reopens", "Flour is milled again by the tide, and sold at the gate.")]))
        let report = try test.store.importFile(at: edited)
        #expect([report.new, report.updated, report.unchanged] as [Int] == [0, 1, 0])
        let article = try test.store.article(id: id)
        #expect(article.text.contains("sold at the gate"))
        #expect(article.state.starred)
        #expect(try test.store.notes(articleID: id).map(\.id) == [note.id])
        #expect(try test.store.search("gate").map(\.id) == [id])
        #expect(try test.count("SELECT count(*) FROM articles") == 1)
    }

    @Test func aMalformedFileImportsNothing() throws {
        let test = try TestStore()
        let good = Self.rss(items: [("1", "Tide mill reopens", "Flour."), ("2", "New crane", "Taller.")])
        let broken = try test.file("broken.xml", String(good.dropLast(30)))
        #expect(throws: FeedImportError.self) { try test.store.importFile(at: broken) }
        #expect(try test.count("SELECT count(*) FROM articles") == 0)
        #expect(try test.count("SELECT count(*) FROM sources") == 0)
        #expect(try test.count("SELECT count(*) FROM articles_fts") == 0)
    }

    @Test func aFailureHalfwayKeepsWhatWasThereBefore() throws {
        let test = try TestStore()
        let first = try test.file("quay.xml", Self.rss(items: [("1", "Tide mill reopens", "Flour.")]))
        try test.store.importFile(at: first)
        let before = try test.store.exportUserState()
        // Item 1 changes, then the file breaks: the change to item 1 must not stick.
        let text = Self.rss(items: [("1", "Tide mill reopens", "Flour, and bread."), ("2", "Crane", "Tall")])
        let broken = try test.file("broken.xml", text.replacingOccurrences(of: "</item>\n<item>", with: "</item>\n<item><title>"))
        #expect(throws: FeedImportError.self) { try test.store.importFile(at: broken) }
        #expect(try test.store.exportUserState() == before)
        #expect(try test.store.search("bread").isEmpty)
    }

    /// Parts of 4 articles for any file, so that a small file is imported as a large one is.
    static let inParts = ImportParts(fileBytes: 0, articles: 4)

    static func harbour(_ count: Int) -> [(guid: String, title: String, body: String)] {
        (1...count).map { ("\($0)", "Berth \($0)", "Moored at berth \($0).") }
    }

    @Test func aLargeFileIsWrittenInPartsEachHeardAsItCommits() async throws {
        let test = try TestStore()
        // Eleven entries, the last repeating the third: parts of 4, 4 and 3 entries.
        let path = try test.file("harbour.xml", Self.rss(items: Self.harbour(10) + [("3", "Berth 3 again", "Twice.")]))
        var changes = test.store.changes().makeAsyncIterator()
        let report = try test.store.importFile(at: path, format: nil, baseURL: nil, parts: Self.inParts)
        #expect([report.new, report.updated, report.unchanged, report.duplicates] as [Int] == [10, 0, 0, 1])
        // One more article from elsewhere marks the end of what the import said, so that
        // an import heard fewer times than expected fails here instead of waiting forever.
        let marker = ArticleDraft(source: SourceDraft(key: "https://marker.example/", title: "Marker", kind: .rss), guid: "m", title: "Marker", html: "", text: "marker")
        try test.store.importArticles([marker])
        var heard: [Int] = []
        while let change = await changes.next(), !change.articleIDs.contains(marker.id) { heard.append(change.articleIDs.count) }
        #expect(heard == [4, 4, 2])
        #expect(try test.count("SELECT count(*) FROM articles") == 11)
        #expect(try test.count("SELECT count(*) FROM sources WHERE title = 'Quay Weekly'") == 1)
        #expect(try test.store.search("moored", limit: 20).count == 10)
        #expect(try test.store.search("twice").isEmpty)
        try await test.store.pool.write { db in
            try db.execute(sql: "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
        }
        let again = try await test.store.async.importFile(at: path, format: nil, baseURL: nil, parts: Self.inParts)
        #expect([again.new, again.updated, again.unchanged, again.duplicates] as [Int] == [0, 0, 10, 1])
    }

    @Test func aMalformedLargeFileImportsNothingThoughItWouldBeWrittenInParts() async throws {
        let test = try TestStore()
        let broken = try test.file("broken.xml", String(Self.rss(items: Self.harbour(10)).dropLast(30)))
        #expect(throws: FeedImportError.self) {
            try test.store.importFile(at: broken, format: nil, baseURL: nil, parts: Self.inParts)
        }
        await #expect(throws: FeedImportError.self) {
            try await test.store.async.importFile(at: broken, format: nil, baseURL: nil, parts: Self.inParts)
        }
        #expect(try test.count("SELECT count(*) FROM articles") == 0)
        #expect(try test.count("SELECT count(*) FROM sources") == 0)
        #expect(try test.count("SELECT count(*) FROM articles_fts") == 0)
    }

    @Test func aChannelTitleAfterTheItemsNamesTheSourceWrittenInAnEarlierPart() throws {
        let test = try TestStore()
        let items = Self.harbour(6).map { "<item><guid>\($0.guid)</guid><title>\($0.title)</title><description>\($0.body)</description></item>" }
        let path = try test.file("late-title.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><link>https://harbour.example/</link>
            \(items.joined(separator: "\n"))
            <title>Harbour Notices</title>
            </channel></rss>
            """)
        let report = try test.store.importFile(at: path, format: nil, baseURL: nil, parts: Self.inParts)
        #expect(report.new == 6)
        #expect(try test.count("SELECT count(*) FROM sources") == 1)
        #expect(try test.count("SELECT count(*) FROM sources WHERE title = 'Harbour Notices'") == 1)
    }

    @Test func onlyAFileLargerThanThePartLimitIsImportedInParts() throws {
        let test = try TestStore()
        let path = try test.file("harbour.xml", Self.rss(items: Self.harbour(2)))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).intValue
        #expect(!ImportParts(fileBytes: size, articles: 4).splits(path))
        #expect(ImportParts(fileBytes: size - 1, articles: 4).splits(path))
        #expect(!ImportParts.standard.splits(test.folder.appendingPathComponent("missing.xml").path))
    }

    /// New articles are indexed in batches; the index must hold exactly the stored text
    /// across batch edges, in-file duplicates, updates and rollbacks.
    @Test func searchIndexStaysExactAcrossBatches() throws {
        let test = try TestStore()
        let source = SourceDraft(key: "https://quay.example/", title: "Quay Weekly", kind: .rss)
        func draft(_ n: Int, _ word: String) -> ArticleDraft {
            ArticleDraft(source: source, guid: "g\(n)", title: "Item \(n)", html: "", text: "\(word) number \(n)")
        }
        let count = 2_007
        // Article 5 appears again at the end of the same import with new text: the first copy wins.
        try test.store.importArticles((0..<count).map { draft($0, "alpha") } + [draft(5, "omega")])
        try test.store.importArticles((count - 3..<count + 3).map { draft($0, "beta") })
        let (rows, alphas) = try test.store.pool.write { db in
            try db.execute(sql: "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
            return (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM articles_fts"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'alpha'")
            )
        }
        #expect(rows == count + 3)
        #expect(alphas == count - 3)
        #expect(try test.store.search("omega").isEmpty)
        #expect(try test.store.search("beta", limit: 100).count == 6)
    }

    @Test func theSameArticleFromTwoFormatsOfOneSourceIsOneArticle() throws {
        let test = try TestStore()
        let draft = ArticleDraft(
            source: SourceDraft(key: "https://quay.example/", title: "Quay Weekly", kind: .rss),
            guid: "1", title: "Tide mill reopens", html: "<p>Flour.</p>", text: "Flour."
        )
        _ = try test.store.importArticles([draft])
        var again = draft
        again.source.title = "Quay Weekly (renamed)"
        let report = try test.store.importArticles([again])
        #expect(report.unchanged == 1)
        #expect(try test.store.sources().map(\.title) == ["Quay Weekly (renamed)"])
    }
}
