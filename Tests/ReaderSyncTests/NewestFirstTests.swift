import ContractSupport
import Foundation
import GRDB
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import ReaderModels
import ReaderStore
import ReaderSync
import Synchronization
import Testing

/// docs/SYNC.md, "The first sync": a device with nothing pulls the change feed newest
/// first, each page with its place in one transaction, then oldest first from the head the
/// first page named. Against a real `reader-server` (either engine).
@Suite struct NewestFirstTests {
    /// The native backend over a real server, which can stop after some newest-first pages
    /// (as a sync that dies between two transactions stops) or answer as a server older than
    /// newest-first pages does: that server ignores `order` and answers from `since=0`.
    final class StoppingBackend: SyncBackend {
        let inner: NativeSyncBackend
        let newestFirst: Bool
        private let left: Mutex<Int>

        init(_ server: TestServer, token: String, stopAfter pages: Int = .max, newestFirst: Bool = true, ahead: Bool = true) {
            inner = NativeSyncBackend(client: try! CurlHTTPClient(), configuration: SyncConfiguration(serverURL: server.url, token: token))
            self.newestFirst = newestFirst
            pullsAhead = ahead && inner.pullsAhead
            left = Mutex(pages)
        }

        func whoAmI() async throws(SyncError) -> WhoAmI { try await inner.whoAmI() }
        func push(_ request: PushRequest) async throws(SyncError) -> PushResponse { try await inner.push(request) }
        func pull(after cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
            try await inner.pull(after: cursor, limit: limit)
        }

        /// As the native backend unless told otherwise: the page after a stop is asked for
        /// while the one before is applied, so the stop also shows that an answer asked ahead
        /// is never half-used.
        let pullsAhead: Bool

        func pullNewestFirst(before cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
            guard newestFirst else { return try await inner.pull(after: nil, limit: limit) }
            let go = left.withLock { left in
                defer { left -= 1 }
                return left > 0
            }
            guard go else { throw .protocolViolation("stopped by the test") }
            return try await inner.pullNewestFirst(before: cursor, limit: limit)
        }
    }

    static let articleCount = 300

    /// A server whose user holds `count` articles, "Entry 0" the oldest and first imported.
    static func server(articles count: Int = articleCount) async throws -> (TestServer, String) {
        let folder = try TestFolder.make("newest-first")
        let feed = try writeFeed(articles: count, to: folder.appendingPathComponent("feed.xml").path)
        let server = try await TestServer(imports: [feed])
        return (server, try await server.addUser("alice"))
    }

    static func engine(_ store: ReaderStore, _ backend: any SyncBackend, pageSize: Int = 50) -> SyncEngine {
        SyncEngine(store: store, backend: backend, pushBatchSize: 50, pageSize: pageSize)
    }

    static func titles(_ store: ReaderStore) throws -> Set<String> {
        Set(try store.articles(ArticleFilter(limit: 100_000)).map(\.title))
    }

    static func export(_ store: ReaderStore) throws -> String {
        String(decoding: try store.exportUserState().canonicalJSON(), as: UTF8.self)
    }

    @Test func theNewestPageIsAppliedFirstAndTheRestFollows() async throws {
        let (server, token) = try await Self.server()
        let device = try Device("first", server: server, token: token)
        await #expect(throws: SyncError.self) {
            try await Self.engine(device.store, StoppingBackend(server, token: token, stopAfter: 1)).sync()
        }
        // One page in: the 50 newest articles, nothing older, and the list shows them.
        #expect(try Self.titles(device.store) == Set((250..<300).map { "Entry \($0)" }))
        #expect(try device.store.articles(ArticleFilter(limit: 3)).map(\.title) == ["Entry 299", "Entry 298", "Entry 297"])
        let stopped = try device.store.syncSettings()
        #expect(stopped.cursor == nil)
        let place = try #require(stopped.backfill)

        let report = try await Self.engine(device.store, StoppingBackend(server, token: token)).sync()
        #expect(report.pulled >= Self.articleCount - 50)
        #expect(try Self.titles(device.store).count == Self.articleCount)
        let done = try device.store.syncSettings()
        #expect(done.backfill == nil)
        #expect(done.cursor != nil && done.lastSyncAt != nil)
        // The pull went on from the head, not from the start.
        #expect(Int(try #require(done.cursor)) ?? 0 >= Int(place.head) ?? .max)

        // A device that pulled oldest first ends with the same export.
        let oldest = try Device("oldest", server: server, token: token)
        try await Self.engine(oldest.store, StoppingBackend(server, token: token, newestFirst: false)).sync()
        #expect(try Self.export(oldest.store) == Self.export(device.store))
        #expect(try oldest.articleIDs() == device.articleIDs())
    }

    @Test func changesMadeDuringTheBackfillArriveAndConverge() async throws {
        let (server, token) = try await Self.server()
        let other = try Device("other", server: server, token: token)
        try await other.sync()
        let byTitle = Dictionary(uniqueKeysWithValues: try other.store.articles(ArticleFilter(limit: 1000)).map { ($0.title, $0.id) })
        let kept = try other.store.addNote(articleID: try #require(byTitle["Entry 0"]), body: "kept, then edited")
        let doomed = try other.store.addNote(articleID: try #require(byTitle["Entry 1"]), body: "deleted during the backfill")
        try await other.sync()

        let device = try Device("new", server: server, token: token)
        await #expect(throws: SyncError.self) {
            try await Self.engine(device.store, StoppingBackend(server, token: token, stopAfter: 2)).sync()
        }
        #expect(try device.store.syncSettings().backfill != nil)
        // Meanwhile, changes to entities below and above the device's place.
        _ = try other.store.editNote(id: kept.id, body: "kept, then edited, twice")
        try other.store.deleteNote(id: doomed.id)
        try other.store.markStarred([try #require(byTitle["Entry 2"])])
        try other.store.markRead([try #require(byTitle["Entry 299"])])
        _ = try other.store.addNote(articleID: try #require(byTitle["Entry 3"]), body: "added during the backfill")
        try await other.sync()

        try await Self.engine(device.store, StoppingBackend(server, token: token)).sync()
        try await other.sync()
        #expect(try Self.export(device.store) == Self.export(other.store))
        #expect(try device.store.note(id: kept.id).body == "kept, then edited, twice")
        #expect((try? device.store.note(id: doomed.id)) == nil)
    }

    @Test func aServerWithoutNewestFirstPagesIsPulledOldestFirstEvenMidWay() async throws {
        let (server, token) = try await Self.server()
        let device = try Device("downgraded", server: server, token: token)
        await #expect(throws: SyncError.self) {
            try await Self.engine(device.store, StoppingBackend(server, token: token, stopAfter: 1)).sync()
        }
        #expect(try device.store.syncSettings().backfill != nil)
        // The server now answers as an older one: from the start, oldest first.
        try await Self.engine(device.store, StoppingBackend(server, token: token, newestFirst: false)).sync()
        let settings = try device.store.syncSettings()
        #expect(settings.backfill == nil && settings.cursor != nil)
        #expect(try Self.titles(device.store).count == Self.articleCount)
        let fresh = try Device("fresh", server: server, token: token)
        try await fresh.sync()
        #expect(try Self.export(fresh.store) == Self.export(device.store))
    }

    @Test func aPlaceTheServerNeverIssuedStartsAResync() async throws {
        let (server, token) = try await Self.server()
        let device = try Device("stale", server: server, token: token)
        await #expect(throws: SyncError.self) {
            try await Self.engine(device.store, StoppingBackend(server, token: token, stopAfter: 1)).sync()
        }
        // As if the server's database had been replaced by one with a shorter feed.
        let queue = try DatabaseQueue(path: device.path)
        try queue.inDatabase { db in
            try db.execute(sql: "UPDATE sync_state SET backfill_below = '99999999' WHERE id = 1")
        }
        let report = try await Self.engine(device.store, StoppingBackend(server, token: token)).sync()
        #expect(report.resynced)
        #expect(try Self.titles(device.store).count == Self.articleCount)
        let fresh = try Device("fresh", server: server, token: token)
        try await fresh.sync()
        #expect(try Self.export(fresh.store) == Self.export(device.store))
    }

    /// docs/SYNC.md, guarantees 4 and 5: `reader sync` killed with SIGKILL after its first
    /// newest-first page leaves a sound database holding exactly the newest articles down to
    /// its stored place, and the next sync resumes from there and converges.
    @Test func aSyncKilledMidBackfillResumesFromItsPlace() async throws {
        let (server, token) = try await Self.server(articles: 1500)
        let folder = try TestFolder.make("newest-first-kill")
        let db = folder.appendingPathComponent("client.sqlite").path
        _ = try ReaderStore(path: db)
        let arguments = ["sync", "--db", db, "--server", server.url.absoluteString, "--token", token]
        let killedMidWay = try await onOwnThread { try Self.killAfterFirstPage(arguments, db: db) }
        #expect(killedMidWay, "the sync finished its newest-first pages before the test could stop it")

        let store = try ReaderStore(path: db)
        let queue = try DatabaseQueue(path: db)
        #expect(try queue.inDatabase { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        let place = try #require(try store.syncSettings().backfill)
        #expect(try store.syncSettings().cursor == nil)
        // What the device holds is the newest articles and nothing older.
        let held = try Self.titles(store).compactMap { Int($0.dropFirst("Entry ".count)) }.sorted()
        #expect(!held.isEmpty && held.count < 1500)
        #expect(held == Array((1500 - held.count)..<1500))

        try await TestServer.run(TestServer.binary("reader"), arguments)
        #expect(try Self.titles(store).count == 1500)
        #expect(try store.syncSettings().backfill == nil)
        #expect(Int(try #require(try store.syncSettings().cursor)) ?? 0 >= Int(place.head) ?? .max)
        let fresh = try Device("fresh", server: server, token: token, folder: folder)
        try await Self.engine(fresh.store, StoppingBackend(server, token: token, newestFirst: false), pageSize: 500).sync()
        #expect(try Self.export(fresh.store) == Self.export(store))
        #expect(try fresh.articleIDs() == Set(try queue.inDatabase { try String.fetchAll($0, sql: "SELECT id FROM articles") }))
    }

    /// Starts `reader ARGS`, waits until its first newest-first page is stored, takes the
    /// database's write lock (once the page being stored, if any, is committed) so it cannot
    /// store another, and SIGKILLs it. Whether the device was still mid-way when the lock
    /// was taken.
    private static func killAfterFirstPage(_ arguments: [String], db: String) throws -> Bool {
        let process = try ChildProcess(TestServer.binary("reader"), arguments)
        var configuration = Configuration()
        configuration.readonly = true
        let watcher = try DatabaseQueue(path: db, configuration: configuration)
        let deadline = Date().addingTimeInterval(60)
        while try watcher.read({ try String.fetchOne($0, sql: "SELECT backfill_head FROM sync_state") }) == nil {
            guard process.isRunning, Date() < deadline else { break }
            usleep(500)
        }
        let queue = try DatabaseQueue(path: db)
        var midWay = false
        // The child may be storing its next page at this moment. Ask again at once until that
        // transaction ends: SQLite's busy timeout sleeps between tries, long enough for the
        // child to store several more pages first.
        while true {
            do {
                try queue.inTransaction(.immediate) { db in
                    midWay = try String.fetchOne(db, sql: "SELECT backfill_head FROM sync_state") != nil
                    process.signal(SIGKILL)
                    _ = process.wait()
                    return .rollback
                }
                return midWay
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                continue
            }
        }
    }

    @Test func theRouteServesNewestFirstPagesAndRefusesWhatItCannotRead() async throws {
        let (server, token) = try await Self.server(articles: 40)
        let client = try CurlHTTPClient()
        func get(_ query: String) async throws -> HTTPResponse {
            try await client.send(HTTPRequest(
                url: try #require(URL(string: "\(server.url.absoluteString)/v1/changes?\(query)")),
                headers: ["Authorization": "Bearer \(token)"]
            ))
        }
        for bad in ["order=sideways", "order=newest_first&since=0", "before=5", "order=newest_first&before=0",
                    "order=newest_first&before=", "order=newest_first&before=x1", "order=oldest_first&before=3"] {
            let response = try await get(bad)
            #expect(response.status == 400, "\(bad) answered \(response.status)")
        }
        let expired = try await get("order=newest_first&before=99999999999")
        #expect(expired.status == 410)
        try Contract.validate(Data(expired.body), against: "error")
        #expect(try await get("order=newest_first&before=99999999999999999999999").status == 410)

        // Walk both ways in pages of 7: newest first, every seq once, descending; the same
        // entities as oldest first; and the head is where the oldest-first walk ends.
        var newest: [SequencedChange] = []
        var heads: Set<String> = []
        var before: String?
        while true {
            let response = try await get("order=newest_first&limit=7" + (before.map { "&before=\($0)" } ?? ""))
            #expect(response.status == 200)
            try Contract.validate(Data(response.body), against: "change-page")
            let page = try JSONDecoder().decode(ChangePage.self, from: Data(response.body))
            heads.insert(try #require(page.head))
            newest += page.changes
            if !page.hasMore {
                #expect(page.remaining == 0)
                break
            }
            #expect(page.remaining ?? -1 > 0)
            before = page.nextCursor
        }
        var oldest: [SequencedChange] = []
        var since = "0"
        while true {
            let response = try await get("since=\(since)&limit=7")
            let page = try JSONDecoder().decode(ChangePage.self, from: Data(response.body))
            #expect(page.head == nil)
            oldest += page.changes
            since = page.nextCursor
            if !page.hasMore { break }
        }
        #expect(newest.map(\.seq) == newest.map(\.seq).sorted(by: >))
        #expect(newest.count == oldest.count && newest.count > 40)
        #expect(newest.reversed() == oldest)
        #expect(heads == [since])
    }

    static func writeFeed(articles: Int, to path: String) throws -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Newest First</title><link>https://newest.example/</link>"#
        let paragraph = String(repeating: "The ferry left at dawn and the harbour filled with gulls. ", count: 8)
        for index in 0..<articles {
            xml += "<item><title>Entry \(index)</title><guid>newest-\(index)</guid>"
            xml += "<pubDate>\(Self.date(index))</pubDate>"
            xml += "<description>\(paragraph) Entry number \(index).</description></item>"
        }
        xml += "</channel></rss>"
        try xml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Entry N is published N minutes after the first, so the newest has the highest number.
    private static func date(_ index: Int) -> String {
        let day = 1 + index / 1440, hour = index / 60 % 24, minute = index % 60
        return String(format: "%02d Mar 2026 %02d:%02d:00 GMT", day, hour, minute)
    }
}
