import Foundation
import ReaderModels
import ReaderStore
import ReaderSync
import Testing

/// What a push sends, and what it keeps queued, against the fake service.
@Suite struct GReaderPushTests {
    @Test func aTagEditOnAnItemTheServiceLeavesOutStaysQueuedUntilItCanBeSent() async throws {
        let service = try GReaderFakeService(.freshRSS)
        GReaderSyncTests.seed(service, count: 4)
        let client = try await GReaderSyncTests.client(service)
        defer { try? FileManager.default.removeItem(at: client.folder) }
        try await client.engine.sync()
        let id = GReaderSyncTests.articleID(service, 2)
        _ = try client.store.apply(.setTags(articleID: id, tags: ["keep"]))
        let hidden = service.core.state.withLock { $0.items[2].id }
        service.core.update { $0.hiddenFromContents = [hidden] }
        do {
            try await client.engine.sync()
            Issue.record("the sync reported a tag edit applied that was never sent")
        } catch {
            #expect(error.isTemporary, "\(error)")
            #expect(!error.description.contains("\n"))
        }
        #expect(try client.store.pendingCount() == 1 && client.store.rejectedMutations().isEmpty)
        #expect(try client.store.article(id: id).state.tags == ["keep"])

        service.core.update { $0.hiddenFromContents = [] }
        try await client.engine.sync()
        #expect(service.core.state.withLock { $0.items[2].labels } == ["keep"])
        #expect(try client.store.pendingCount() == 0)
        #expect(try client.store.article(id: id).state.tags == ["keep"])
    }

    @Test func aBatchOfSubscriptionEditsReadsTheServicesListOnce() async throws {
        let service = try GReaderFakeService(.freshRSS)
        GReaderSyncTests.seed(service, count: 2)
        let client = try await GReaderSyncTests.client(service)
        defer { try? FileManager.default.removeItem(at: client.folder) }
        try await client.engine.sync()
        let before = service.core.requests.count
        try client.store.subscribeFeed(url: "https://new.example/feed.xml", tags: ["Tech"])
        try client.store.subscribeFeed(url: "https://other.example/feed.xml")
        try client.store.unsubscribeFeed(url: "https://blog.example/atom")
        try client.store.subscribeFeed(url: "https://new.example/feed.xml", tags: ["Tech", "Later"])
        try await client.engine.sync()

        let lists = service.core.requests.dropFirst(before).filter { $0.line.contains("subscription/list") }
        // One for the push batch, one for the pull's subscriptions page.
        #expect(lists.count == 2)
        // The quickadded feed was edited from the cached list: added once, then relabelled.
        let feeds = service.core.state.withLock { $0.feeds }
        #expect(feeds.map(\.url) == ["https://news.example/feed.xml", "https://new.example/feed.xml", "https://other.example/feed.xml"])
        #expect(service.core.requests.dropFirst(before).filter { $0.line.contains("quickadd") }.count == 2)
        #expect(Set(try client.store.feedSubscriptions().map(\.url)) == Set(feeds.map(\.url)))
    }
}
