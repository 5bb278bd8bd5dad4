import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import ReaderModels
import ReaderStore
@testable import ReaderSync
import Synchronization
import Testing

/// A service that answers without end, or too much: the backend stops with one line and
/// leaves the store as it was after its last applied page.
@Suite struct GReaderHostileTests {
    /// Fails a pull past `limit` pages, so a sync that would go on for ever fails the
    /// test instead of hanging it.
    final class PullLimit: SyncBackend {
        let inner: any SyncBackend
        let limit: Int
        let pulls = Counter()
        init(_ inner: any SyncBackend, limit: Int) {
            self.inner = inner
            self.limit = limit
        }

        func whoAmI() async throws(SyncError) -> WhoAmI { try await inner.whoAmI() }
        func push(_ request: PushRequest) async throws(SyncError) -> PushResponse { try await inner.push(request) }
        func pull(after cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
            guard pulls.next() <= self.limit else { throw .cancelled }
            return try await inner.pull(after: cursor, limit: limit)
        }
    }

    final class Counter: Sendable {
        let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
    }

    static func client(_ service: GReaderFakeService, maxItemPages: Int? = nil) async throws -> (ReaderStore, SyncEngine, URL) {
        let folder = try TestFolder.make("greader-hostile")
        let store = try ReaderStore(path: folder.appendingPathComponent("device.sqlite").path)
        let http = try CurlHTTPClient()
        let auth = try await GReaderSyncBackend.login(serverURL: service.baseURL, user: "alice", password: "correct horse", client: http)
        var backend = GReaderSyncBackend(
            store: store, client: http, configuration: SyncConfiguration(serverURL: service.baseURL, token: auth, retry: GReaderSyncTests.fast)
        )
        if let maxItemPages { backend.maxItemPages = maxItemPages }
        return (store, SyncEngine(store: store, backend: PullLimit(backend, limit: 200), pageSize: 10), folder)
    }

    @Test(arguments: [GReaderFakeCore.Endless.cycle, .freshTokens])
    func continuationsThatBringNoNewIDEndTheItemWalk(_ endless: GReaderFakeCore.Endless) async throws {
        let service = try GReaderFakeService(.freshRSS)
        GReaderSyncTests.seed(service, count: 2)
        service.core.update { $0.endless = endless }
        let (store, engine, folder) = try await Self.client(service)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await engine.sync()
        // The first page, then one that brings nothing new; reconciliation reads none of it.
        let pages = service.core.requests.filter { $0.line.contains("items/ids") && !$0.form.contains { $0.0 == "xt" } }
        #expect(pages.filter { $0.form.contains { $0 == ("s", "user/-/state/com.google/reading-list") } }.count == 2)
        #expect(try store.syncSettings().cursor?.hasPrefix("gr1.d.") == true)
    }

    @Test func aReadingListPastThePageBoundStopsWithOneLineAndTheStoreConsistent() async throws {
        let service = try GReaderFakeService(.freshRSS)
        GReaderSyncTests.seed(service, count: 2)
        service.core.update { $0.endless = .newIDs }
        let (store, engine, folder) = try await Self.client(service, maxItemPages: 5)
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try await engine.sync()
            Issue.record("a sync over an endless reading list succeeded")
        } catch {
            guard case .protocolViolation(let detail) = error else { Issue.record("expected a protocol violation, got \(error)"); return }
            #expect(detail == "its reading list went on past 5 pages of item ids")
            #expect(!error.description.contains("\n"))
        }
        // The pages applied so far are in, with their cursor: the count is kept there.
        let cursor = try #require(try store.syncSettings().cursor.flatMap(GReaderCursor.init))
        guard case .items(_, _, _, let pages, _) = cursor else { Issue.record("cursor \(cursor)"); return }
        #expect(pages == 5)
        #expect(try store.feedSubscriptions().count == 2)
    }
}

/// A first sync's pages are bounded in bytes, not only in ids.
@Suite struct GReaderPageBytesTests {
    /// Records how many articles each pulled page carries.
    final class PageSizes: SyncBackend {
        let inner: any SyncBackend
        let sizes = Mutex<[Int]>([])
        init(_ inner: any SyncBackend) { self.inner = inner }

        func whoAmI() async throws(SyncError) -> WhoAmI { try await inner.whoAmI() }
        func push(_ request: PushRequest) async throws(SyncError) -> PushResponse { try await inner.push(request) }
        func pull(after cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
            let answer = try await inner.pull(after: cursor, limit: limit)
            if case .page(let page) = answer {
                let articles = page.changes.filter { if case .article = $0.change { true } else { false } }.count
                sizes.withLock { $0.append(articles) }
            }
            return answer
        }
    }

    @Test func aPageEndsOnceItsContentsPassTheByteBoundAndCarriesTheRestInTheCursor() async throws {
        let service = try GReaderFakeService(.freshRSS)
        GReaderSyncTests.seed(service, count: 250)
        let folder = try TestFolder.make("greader-bytes")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try ReaderStore(path: folder.appendingPathComponent("device.sqlite").path)
        let http = try CurlHTTPClient()
        let auth = try await GReaderSyncBackend.login(serverURL: service.baseURL, user: "alice", password: "correct horse", client: http)
        var backend = GReaderSyncBackend(
            store: store, client: http, configuration: SyncConfiguration(serverURL: service.baseURL, token: auth, retry: GReaderSyncTests.fast)
        )
        backend.maxPageAnswerBytes = 1 // every contents answer passes it: one answer (100 items) a page
        let recorder = PageSizes(backend)
        try await SyncEngine(store: store, backend: recorder, pageSize: 250).sync()

        let sizes = recorder.sizes.withLock { $0 }
        #expect(sizes.filter { $0 > 0 } == [100, 100, 50], "\(sizes)")
        #expect(try store.status().articles == 250)
        // The list of 250 ids was read once per cut page, each time from the same place.
        let reads = service.core.requests.filter { $0.line.contains("items/ids") && $0.form.contains { $0 == ("n", "250") } }
        #expect(reads.filter { !$0.form.contains { $0.0 == "c" } }.count == 3)
    }
}

/// The label lists a reconciliation reads are bounded in total, not only per label.
@Suite struct GReaderReconcileBoundTests {
    static func run(maxLabelIDs: Int?) async throws -> [String] {
        let service = try GReaderFakeService(.freshRSS)
        GReaderSyncTests.seed(service, count: 10)
        service.core.update { state in
            state.items[0].labels = ["a"]
            state.items[1].labels = ["b"]
            state.items[2].labels = ["b"]
        }
        let folder = try TestFolder.make("greader-reconcile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try ReaderStore(path: folder.appendingPathComponent("device.sqlite").path)
        let http = try CurlHTTPClient()
        let auth = try await GReaderSyncBackend.login(serverURL: service.baseURL, user: "alice", password: "correct horse", client: http)
        var backend = GReaderSyncBackend(
            store: store, client: http, configuration: SyncConfiguration(serverURL: service.baseURL, token: auth, retry: GReaderSyncTests.fast)
        )
        if let maxLabelIDs { backend.maxLabelIDs = maxLabelIDs }
        let engine = SyncEngine(store: store, backend: backend, pageSize: 10)
        try await engine.sync()
        // Item 0 is older than the next sync's overlap: only a reconciliation brings its label.
        service.core.update { $0.items[0].labels = ["a", "c"] }
        try await engine.sync()
        return try store.article(id: GReaderSyncTests.articleID(service, 0)).state.tags
    }

    @Test func labelsPastTheTotalBoundLeaveTagsAsTheyAre() async throws {
        #expect(try await Self.run(maxLabelIDs: nil) == ["a", "c"])
        // a, b and c hold 1 + 2 + 1 ids: past a bound of 3, tags stay as they were.
        #expect(try await Self.run(maxLabelIDs: 3) == ["a"])
    }
}
