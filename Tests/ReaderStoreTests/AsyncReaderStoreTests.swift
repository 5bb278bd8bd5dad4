import Foundation
import ReaderModels
@testable import ReaderStore
import Testing

/// The store's async façade (issue 13.3): the same operations as the synchronous methods,
/// through GRDB's async API, from many tasks at once and from a main actor, heard by the
/// same observers.
@Suite struct AsyncReaderStoreTests {
    @Test func manyTasksReadAndWriteAtOnce() async throws {
        let test = try TestStore()
        let ids = try test.seed((0..<40).map { (title: "Article \($0)", text: "text \($0)") })
        let store = test.store.async
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids {
                group.addTask { try await store.markRead([id]) }
                group.addTask {
                    let unread = try await store.articles(ArticleFilter(unreadOnly: true, limit: 100)).count
                    let status = try await store.status()
                    // Each reader sees one committed state: never more unread than articles.
                    #expect(unread <= ids.count && status.unread <= status.articles)
                }
            }
            for index in 0..<10 {
                group.addTask { _ = try await store.addNote(articleID: ids[index], body: "note \(index)") }
            }
            try await group.waitForAll()
        }
        #expect(try await store.status().unread == 0)
        #expect(try await store.notes().count == 10)
        // One outbox row per article read and per note, none lost to a race.
        #expect(try await store.pendingCount() == ids.count + 10)
        #expect(try test.store.pendingCount() == ids.count + 10, "the synchronous form reads the same store")
    }

    @Test func asyncWritesAreObservedAsSynchronousOnesAre() async throws {
        let test = try TestStore()
        let ids = try test.seed([(title: "One", text: "first"), (title: "Two", text: "second")])
        var counts = test.store.observeUnreadCount().makeAsyncIterator()
        var changes = test.store.changes().makeAsyncIterator()
        #expect(try await counts.next() == 2)

        try await test.store.async.markRead([ids[0]])
        #expect(try await counts.next() == 1)
        let read = try #require(await changes.next())
        #expect(read.origin == .local)
        #expect(read.articleIDs == [ids[0]])

        let note = try await test.store.async.addNote(articleID: ids[1], body: "later")
        let added = try #require(await changes.next())
        #expect(added.noteIDs == [note.id])

        let fetched = ObservationTests.drafts(1, source: "https://example.org/async")
        try await test.store.async.importFetchedFeed(fetched, state: FeedFetchState(url: "https://example.org/async"))
        let refreshed = try #require(await changes.next())
        #expect(refreshed.origin == .refresh)
        #expect(refreshed.articleIDs == [fetched[0].id])
        #expect(try await counts.next() == 2)

        // The unread article with a note stays; the fetched one goes.
        let report = try await test.store.async.prune(
            policy: RetentionPolicy(unreadDays: 0), now: Date(timeIntervalSince1970: 1_800_000_000)
        )
        #expect(report.unread == 1)
        let pruned = try #require(await changes.next())
        #expect(pruned.origin == .retention)
        #expect(pruned.articleIDs == [fetched[0].id])
        #expect(try await counts.next() == 1)
    }

    @MainActor @Test func anAppUsesTheStoreFromItsMainActor() async throws {
        let test = try TestStore()
        let ids = try test.seed([(title: "Tides", text: "High water at noon.")])
        try await test.store.async.subscribeFeed(url: "https://example.org/feed", title: "Example", tags: ["news"])
        let feeds = try await test.store.async.feedSubscriptions()
        #expect(feeds.map(\.url) == ["https://example.org/feed"])
        let note = try await test.store.async.addNote(articleID: ids[0], body: "bring boots", quote: "High water")
        try await test.store.async.editNote(id: note.id, body: "bring boots and a coat")
        #expect(try await test.store.async.note(id: note.id).body == "bring boots and a coat")
        #expect(try await test.store.async.article(id: ids[0]).title == "Tides")
        MainActor.assertIsolated("the caller stays on its actor across the store's awaits")
        try await test.store.async.deleteNote(id: note.id)
        await #expect(throws: StoreError.noteNotFound(note.id)) { try await test.store.async.note(id: note.id) }
    }

    @Test func theAsyncFormsAnswerAsTheSynchronousOnesDo() async throws {
        let test = try TestStore()
        let store = test.store
        let drafts = ObservationTests.drafts(5)
        let imported = try await store.async.importArticles(drafts, label: "drafts")
        #expect(imported.new == 5)
        let path = try test.file("feed.xml", """
            <rss version="2.0"><channel><title>Harbour</title><link>https://harbour.example/</link>
            <item><guid>h1</guid><title>Tides at noon</title><description>High water at noon.</description></item>
            </channel></rss>
            """)
        let file = try await store.async.importFile(at: path)
        #expect(file.format == .rss && file.new == 1)
        try await store.async.markRead([drafts[0].id])
        _ = try await store.async.addNote(articleID: drafts[1].id, body: "tides and ferries")
        try await store.async.subscribeFeed(url: "https://example.org/feed", tags: ["news"])

        var status = try await store.async.status()
        var expected = try store.status()
        (status.databaseBytes, expected.databaseBytes) = (0, 0)
        #expect(status == expected)
        #expect(try await store.async.articles() == store.articles())
        #expect(try await store.async.search("tides") == store.search("tides"))
        #expect(try await store.async.search("tides").count == 2, "an article and a note")
        #expect(try await store.async.sources() == store.sources())
        #expect(try await store.async.exportUserState() == store.exportUserState())
        #expect(try await store.async.feedSubscriptions() == store.feedSubscriptions())
        #expect(try await store.async.syncSettings() == store.syncSettings())
        #expect(try await store.async.pendingCount() == store.pendingMutations().count)
        #expect(try await store.async.pendingMutations() == store.pendingMutations())
        try await store.async.setRetentionPolicy(RetentionPolicy(readDays: 7))
        #expect(try await store.async.retentionPolicy() == store.retentionPolicy())
        #expect(try store.retentionPolicy().readDays == 7)
    }

    @Test func errorsAreTheStoresOwn() async throws {
        let test = try TestStore()
        await #expect(throws: StoreError.articleNotFound("missing")) { try await test.store.async.article(id: "missing") }
        await #expect(throws: StoreError.self) {
            try await test.store.async.addNote(articleID: "missing", body: "x")
        }
    }
}
