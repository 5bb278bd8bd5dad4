// The reader core embedded as an app would embed it, in one file:
//
// It runs on the main actor, as an app's UI code does, and calls the store through
// `store.async`: each read and write suspends the main actor's task while SQLite works on
// GRDB's own threads, so the main thread is never blocked on the database.
//
//   1. open the store (the app's database file);
//   2. show a live unread count, the way a badge would;
//   3. sync in the background with a reader-server;
//   4. subscribe to a feed: the server fetches it, and its articles arrive by sync;
//   5. add a note to the newest article, and see it pushed.
//
// Usage: READER_SERVER=URL READER_TOKEN=TOKEN reader-example DATABASE FEED_URL
//
// `.ci/example` runs it against a reader-server and a feed on loopback, and checks on a
// second device that the note arrived. It exits 1 with a reason if anything goes wrong.

import Foundation
import ReaderCurl
import ReaderStore
import ReaderSync

@main
struct ReaderExample {
    @MainActor static func main() async {
        do {
            try await run()
        } catch {
            fail("\(error)")
        }
    }

    @MainActor static func run() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        let environment = ProcessInfo.processInfo.environment
        guard arguments.count == 2, let server = environment["READER_SERVER"].flatMap(URL.init(string:)),
            let token = environment["READER_TOKEN"]
        else {
            fail("usage: READER_SERVER=URL READER_TOKEN=TOKEN reader-example DATABASE FEED_URL", exitCode: 2)
        }
        let (database, feed) = (arguments[arguments.startIndex], arguments[arguments.startIndex + 1])
        // Nothing here waits on a person; a check that never comes true is a failure.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            fail("timed out after 60 s")
        }

        // 1. The store. Everything the app shows is read from it, online or not.
        let store = try ReaderStore(path: database)

        // 2. The badge: the unread count, now and again whenever it changes, whatever
        //    changed it (an edit, a sync, pruning).
        let badge = Task {
            for try await count in store.observeUnreadCount() { print("unread: \(count)") }
        }

        // 3. Sync in the background: now, every second, and soon after a local edit.
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(product: "reader-example/1.0"))
        let engine = SyncEngine(
            store: store, client: client, configuration: SyncConfiguration(serverURL: server, token: token)
        )
        let sync = BackgroundSync(engine: engine, every: .seconds(1))

        // 4. Subscribing is an edit like any other: it waits in the outbox for the next
        //    sync. The server fetches the feed, and the next pulls bring its articles.
        try await store.async.subscribeFeed(url: feed)
        sync.soon()
        print("subscribed to \(feed)")
        var count = 0
        for try await unread in store.observeUnreadCount() where unread > 0 {
            count = unread
            break
        }
        print("\(count) unread articles arrived")

        // 5. A note on the newest article, written offline-first: it is in the database
        //    (and in the outbox) the moment `addNote` returns.
        guard let newest = try await store.async.articles(ArticleFilter(unreadOnly: true, limit: 1)).first else {
            fail("the unread count said \(count) but there is no unread article")
        }
        let note = try await store.async.addNote(articleID: newest.id, body: "Read this on the train: \(newest.title)")
        sync.soon()
        print("added note \(note.id) on \"\(newest.title)\"")
        while try await store.async.pendingCount() > 0 {
            try await Task.sleep(for: .milliseconds(100))
        }
        if let rejected = try await store.async.rejectedMutations().first {
            fail("the server rejected a change: \(rejected.message)")
        }
        print("note \(note.id) synced")

        sync.stop()
        badge.cancel()
        watchdog.cancel()
        print("ok")
    }

    static func fail(_ message: String, exitCode: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("reader-example: \(message)\n".utf8))
        exit(exitCode)
    }
}

/// Runs `engine.sync()` in the background: at once, every `interval`, and soon after
/// `soon()`. A failure that should pass (offline, a server restarting) is tried again on
/// the next turn; any other stops the loop, as an app would stop and show it.
final class BackgroundSync: Sendable {
    private let wake: AsyncStream<Void>.Continuation
    private let loop: Task<Void, Never>
    private let ticker: Task<Void, Never>

    init(engine: SyncEngine, every interval: Duration) {
        let (turns, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wake = wake
        ticker = Task {
            while !Task.isCancelled {
                wake.yield()
                try? await Task.sleep(for: interval)
            }
        }
        loop = Task {
            for await _ in turns {
                do throws(SyncError) {
                    let report = try await engine.sync()
                    if report.pushed > 0 || report.pulled > 0 {
                        print("synced: pushed \(report.pushed), pulled \(report.pulled)")
                    }
                } catch .cancelled {
                    return
                } catch where error.isTemporary {
                    print("sync will be tried again: \(error)")
                } catch {
                    print("sync stopped: \(error)")
                    return
                }
            }
        }
    }

    /// Asks for a sync as soon as the one under way (if any) is done.
    func soon() { wake.yield() }

    func stop() {
        ticker.cancel()
        loop.cancel()
        wake.finish()
    }
}
