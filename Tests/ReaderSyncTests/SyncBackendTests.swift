import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import ReaderModels
import ReaderStore
import ReaderSync
import Synchronization
import Testing

/// `SyncEngine` through backends other than the native one: the seam a second service's
/// API plugs into, with the store and its guarantees left to the engine.
@Suite struct SyncBackendTests {
    /// A backend that passes every call to another one and writes down what it saw.
    final class RecordingBackend: SyncBackend {
        enum Call: Hashable {
            case whoAmI
            case push([String])
            case pull(after: String?, limit: Int)
        }

        let inner: any SyncBackend
        private let log = Mutex<(calls: [Call], pages: [ChangePage])>(([], []))

        init(_ inner: any SyncBackend) { self.inner = inner }

        var calls: [Call] { log.withLock { $0.calls } }
        var pages: [ChangePage] { log.withLock { $0.pages } }

        func whoAmI() async throws(SyncError) -> WhoAmI {
            log.withLock { $0.calls.append(.whoAmI) }
            return try await inner.whoAmI()
        }

        func push(_ request: PushRequest) async throws(SyncError) -> PushResponse {
            log.withLock { $0.calls.append(.push(request.mutations.map(\.id))) }
            return try await inner.push(request)
        }

        func pull(after cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
            log.withLock { $0.calls.append(.pull(after: cursor, limit: limit)) }
            let answer = try await inner.pull(after: cursor, limit: limit)
            if case .page(let page) = answer { log.withLock { $0.pages.append(page) } }
            return answer
        }
    }

    /// A service that exists only in memory: it answers pulls from a script, and no push.
    final class ScriptedBackend: SyncBackend {
        private let script: Mutex<[SyncPullAnswer]>
        init(_ answers: [SyncPullAnswer]) { script = Mutex(answers) }

        func whoAmI() async throws(SyncError) -> WhoAmI {
            WhoAmI(user: "scripted", serverVersion: "0", maxBatch: 10, maxPage: 10, serverHLC: HLC(wallMillis: 1, counter: 0, node: "s"))
        }

        func push(_ request: PushRequest) async throws(SyncError) -> PushResponse {
            throw .protocolViolation("this service takes no pushes")
        }

        func pull(after cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
            try script.withLock { answers throws(SyncError) in
                guard !answers.isEmpty else { throw .protocolViolation("pulled past the script") }
                return answers.removeFirst()
            }
        }
    }

    static func events(_ engine: SyncEngine) async -> [SyncProgress] {
        engine.finishProgress()
        var events: [SyncProgress] = []
        for await event in engine.progress { events.append(event) }
        return events
    }

    @Test func anEngineOverARecordingBackendSyncsWithARealServer() async throws {
        let server = try await TestServer()
        let token = try await server.addUser("alice")
        let store = try ReaderStore(path: server.folder.appendingPathComponent("recorded.sqlite").path)
        let configuration = SyncConfiguration(serverURL: server.url, token: token)
        let backend = RecordingBackend(NativeSyncBackend(client: try CurlHTTPClient(), configuration: configuration))
        let engine = SyncEngine(store: store, backend: backend, pushBatchSize: 2, pageSize: 4)

        #expect(try await engine.whoAmI().user == "alice")
        let first = try await engine.sync()
        let article = try #require(try store.articles().first?.id)
        let notes = try (0..<3).map { try store.addNote(articleID: article, body: "note \($0)") }
        let pending = try store.pendingMutations().map(\.id)
        let second = try await engine.sync()
        #expect(second.applied == 3)

        // Every call went through the backend: pages chained by their cursors, the pushes
        // in batches of two, oldest first.
        let calls = backend.calls
        #expect(calls.first == .whoAmI)
        let pushes = calls.compactMap { if case .push(let ids) = $0 { ids } else { nil } }
        #expect(pushes == [Array(pending.prefix(2)), Array(pending.suffix(1))])
        let pulls = calls.compactMap { if case .pull(let cursor, let limit) = $0 { (cursor, limit) } else { nil } }
        #expect(pulls.allSatisfy { $0.1 == 4 })
        #expect(pulls.first?.0 == nil)
        #expect(Array(pulls.dropFirst().map(\.0)) == backend.pages.dropLast().map(\.nextCursor))

        // Each page of the first sync counted what was still to come, down to 0.
        let firstPages = backend.pages.prefix(first.pages)
        #expect(first.pages > 2, "\(first.pulled) changes in pages of 4")
        var pulled = 0
        for page in firstPages {
            pulled += page.changes.count
            #expect(page.remaining == first.pulled - pulled)
        }
        let progress = await Self.events(engine).compactMap { event -> (Int, Int?)? in
            if case .pulling(let changes, _, let remaining) = event { (changes, remaining) } else { nil }
        }
        #expect(progress.last.map { $0.1 } == 0)

        // Another device, on the native engine, sees what went through the recording one.
        let other = try Device("other", server: server, token: token)
        try await other.sync()
        #expect(try Set(other.store.notes(articleID: article).map(\.id)) == Set(notes.map(\.id)))
        #expect(try other.export() == String(decoding: store.exportUserState().canonicalJSON(), as: UTF8.self))
    }

    /// A service that never says how much remains (a server older than the field) still
    /// syncs, and the last page leaves nothing; a cursor it expired starts a resync.
    @Test func aServiceInMemoryWithoutRemainingCountsSyncsThroughTheSeam() async throws {
        let folder = try TestFolder.make("scripted")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try ReaderStore(path: folder.appendingPathComponent("device.sqlite").path)
        let key = "https://test.example/feed.xml"
        let sourceID = Fingerprint.sourceID(key: key)
        let stamp = HLC(wallMillis: 1_764_000_000_000, counter: 0, node: "server")
        func article(_ index: Int) -> SequencedChange {
            SequencedChange(seq: Int64(index + 2), change: .article(ArticleRecord(
                id: Fingerprint.articleID(sourceKey: key, guid: "g\(index)"), sourceID: sourceID, guid: "g\(index)",
                url: "https://test.example/\(index)", title: "Article \(index)", author: nil,
                publishedAt: "2026-11-24T10:00:00.000Z", updatedAt: nil, summary: nil, html: "<p>Body \(index)</p>", text: "Body \(index)",
                contentHash: String(repeating: "a", count: 64), firstSeenAt: "2026-11-24T10:00:00.000Z"
            )))
        }
        let source = SequencedChange(seq: 1, change: .source(SourceRecord(
            id: sourceID, key: key, kind: .rss, title: "Test Feed", siteURL: "https://test.example/", feedURL: key
        )))
        let backend = ScriptedBackend([
            .page(ChangePage(changes: [source, article(0)], nextCursor: "2", hasMore: true, serverHLC: stamp)),
            .cursorExpired,
            .page(ChangePage(changes: [source, article(0)], nextCursor: "2", hasMore: true, serverHLC: stamp)),
            .page(ChangePage(changes: [article(1)], nextCursor: "3", hasMore: false, serverHLC: stamp)),
        ])
        let engine = SyncEngine(store: store, backend: backend)
        let report = try await engine.sync()
        #expect(report.resynced && report.pulled == 5 && report.pages == 3)
        #expect(try store.articles().count == 2)
        #expect(try store.syncSettings().cursor == "3")
        let events = await Self.events(engine)
        let expected: [SyncProgress] = [
            .pulling(changes: 2, pages: 1, remaining: nil), .resyncing,
            .pulling(changes: 4, pages: 2, remaining: nil), .pulling(changes: 5, pages: 3, remaining: 0),
        ]
        #expect(Array(events.dropLast()) == expected)
        #expect(events.map(\.total) == [nil, nil, nil, 5, nil])
    }
}
