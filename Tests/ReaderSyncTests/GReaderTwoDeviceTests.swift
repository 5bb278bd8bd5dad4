import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import ReaderModels
import ReaderStore
import ReaderSync
import Synchronization
import Testing

/// A native device and a GReader device of one user, through a real `reader-server` on
/// loopback: what one does to read, star and tags the other sees, and both settle on the
/// same state when they changed the same article between syncs.
@Suite struct GReaderTwoDeviceTests {
    static let password = "a long passphrase for the api"

    /// Sets the user's API password with `reader-server users password`, which reads it
    /// from standard input.
    static func setPassword(_ server: TestServer, user: String) throws {
        let result = try ChildProcess.runBlocking(
            TestServer.binary("reader-server"), ["users", "password", user] + server.databaseArguments, input: password + "\n"
        )
        guard result.status == 0 else { throw TestFailure("reader-server users password exited \(result.termination): \(result.stderr)") }
    }

    /// A backend that passes calls on, failing as told: the answer to a push lost after
    /// the service applied it, or the pull broken off after some pages.
    final class Interrupting: SyncBackend {
        let inner: any SyncBackend
        let failures = Mutex<(losePushAnswers: Int, pagesBeforeBreak: Int?)>((0, nil))
        init(_ inner: any SyncBackend) { self.inner = inner }

        func whoAmI() async throws(SyncError) -> WhoAmI { try await inner.whoAmI() }

        func push(_ request: PushRequest) async throws(SyncError) -> PushResponse {
            let answer = try await inner.push(request)
            let lose = failures.withLock { state in
                defer { state.losePushAnswers = max(0, state.losePushAnswers - 1) }
                return state.losePushAnswers > 0
            }
            if lose { throw .temporary(.connectionLost(host: "127.0.0.1", detail: "the answer was lost")) }
            return answer
        }

        func pull(after cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
            let stop = failures.withLock { state in
                guard let pages = state.pagesBeforeBreak else { return false }
                state.pagesBeforeBreak = pages - 1
                return pages == 0
            }
            if stop { throw .temporary(.connectionLost(host: "127.0.0.1", detail: "killed mid-pull")) }
            return try await inner.pull(after: cursor, limit: limit)
        }
    }

    struct GReaderDevice {
        let store: ReaderStore
        let backend: Interrupting
        let engine: SyncEngine
    }

    static func greaderDevice(_ server: TestServer) async throws -> GReaderDevice {
        let store = try ReaderStore(path: server.folder.appendingPathComponent("greader-\(UUID().uuidString.prefix(8)).sqlite").path)
        let client = try CurlHTTPClient()
        let auth = try await GReaderSyncBackend.login(serverURL: server.url, user: "alice", password: password, client: client)
        let configuration = SyncConfiguration(
            serverURL: server.url, token: auth, retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5), maxDelay: .milliseconds(10))
        )
        let backend = Interrupting(GReaderSyncBackend(store: store, client: client, configuration: configuration))
        return GReaderDevice(store: store, backend: backend, engine: SyncEngine(store: store, backend: backend, pageSize: 7))
    }

    /// Each article's read, starred and tags, keyed by its link: the two devices name
    /// articles differently (GReader item ids are the server's own numbers).
    static func states(_ store: ReaderStore) throws -> [String: ArticleState] {
        var states: [String: ArticleState] = [:]
        for summary in try store.articles(ArticleFilter(limit: 10_000)) {
            let article = try store.article(id: summary.id)
            states[article.url?.absoluteString ?? article.title] = article.state
        }
        return states
    }

    static func id(_ store: ReaderStore, url: String) throws -> String {
        for summary in try store.articles(ArticleFilter(limit: 10_000)) {
            let article = try store.article(id: summary.id)
            guard (article.url?.absoluteString ?? article.title) == url else { continue }
            return summary.id
        }
        throw TestFailure("no article at \(url)")
    }

    @Test func aNativeAndAGReaderDeviceConvergeOnReadStarAndTagsThroughReaderServer() async throws {
        let server = try await TestServer()
        let token = try await server.addUser("alice")
        try Self.setPassword(server, user: "alice")
        let native = try Device("native", server: server, token: token)
        let greader = try await Self.greaderDevice(server)
        try await native.sync()
        try await greader.engine.sync()
        let before = try Self.states(native.store)
        let seenThroughGReader = try Self.states(greader.store)
        #expect(before.count > 8 && before == seenThroughGReader)

        let urls = before.keys.sorted()
        let (n, g) = (native.store, greader.store)
        try n.markRead([Self.id(n, url: urls[0])])
        try n.markStarred([Self.id(n, url: urls[1])])
        _ = try n.apply(.setTags(articleID: Self.id(n, url: urls[2]), tags: ["from-native"]))
        try g.markRead([Self.id(g, url: urls[3])])
        try g.markStarred([Self.id(g, url: urls[4])])
        _ = try g.apply(.setTags(articleID: Self.id(g, url: urls[5]), tags: ["from-greader"]))
        // The same article changed on both between syncs.
        try n.markStarred([Self.id(n, url: urls[6])])
        try g.markStarred([Self.id(g, url: urls[6])], false)
        _ = try n.apply(.setTags(articleID: Self.id(n, url: urls[7]), tags: ["n"]))
        _ = try g.apply(.setTags(articleID: Self.id(g, url: urls[7]), tags: ["g"]))

        // The GReader device's first push answer is lost after the server applied it, and
        // its pull breaks off after two pages: the next sync sends the same edits again
        // and carries on from the cursor it stored.
        greader.backend.failures.withLock { $0 = (1, 2) }
        await #expect(throws: SyncError.self) { try await greader.engine.sync() }
        #expect(try g.pendingCount() > 0)
        try await native.sync()
        await #expect(throws: SyncError.self) { try await greader.engine.sync() }
        try await greader.engine.sync()
        try await native.sync()
        try await greader.engine.sync()

        let nativeStates = try Self.states(n)
        let greaderStates = try Self.states(g)
        #expect(nativeStates == greaderStates)
        #expect(nativeStates[urls[0]]?.read == true && nativeStates[urls[3]]?.read == true)
        #expect(nativeStates[urls[1]]?.starred == true && nativeStates[urls[4]]?.starred == true)
        #expect(nativeStates[urls[2]]?.tags == ["from-native"] && nativeStates[urls[5]]?.tags == ["from-greader"])
        #expect(try n.pendingCount() == 0 && g.pendingCount() == 0)
        #expect(try n.rejectedMutations().isEmpty && g.rejectedMutations().isEmpty)
    }

    @Test func subscriptionsMadeOnEitherDeviceReachTheOther() async throws {
        let rss = #"<?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title><item><guid>1</guid><title>One</title></item></channel></rss>"#
        let feeds = try RoutedServer([
            "/a.xml": .body(Array(rss.utf8), contentType: "application/rss+xml"),
            "/b.xml": .body(Array(rss.utf8), contentType: "application/rss+xml"),
        ])
        let (a, b) = (feeds.url("/a.xml").absoluteString, feeds.url("/b.xml").absoluteString)
        let server = try await TestServer(imports: [])
        let token = try await server.addUser("alice")
        try Self.setPassword(server, user: "alice")
        let native = try Device("native", server: server, token: token)
        let greader = try await Self.greaderDevice(server)

        try native.store.subscribeFeed(url: a, tags: ["Tech"])
        try greader.store.subscribeFeed(url: b)
        for _ in 0..<2 {
            try await native.sync()
            try await greader.engine.sync()
        }
        for store in [native.store, greader.store] {
            let followed = try store.feedSubscriptions()
            #expect(Set(followed.map(\.url)) == [a, b])
            #expect(followed.first { $0.url == a }?.tags == ["Tech"])
        }

        try greader.store.unsubscribeFeed(url: a)
        try await greader.engine.sync()
        try await native.sync()
        #expect(try native.store.feedSubscriptions().map(\.url) == [b])
        #expect(try greader.store.feedSubscriptions().map(\.url) == [b])
        #expect(try native.store.rejectedMutations().isEmpty && greader.store.rejectedMutations().isEmpty)
    }
}
