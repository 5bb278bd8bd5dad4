import Foundation
import ReaderStore
import Synchronization

extension SyncBench {
    static let listableGoalSeconds = 5.0
    static let walGoalBytes = 64 * 1_048_576
    /// How many articles a person sees first: the top of the list, newest first.
    static let listed = 20

    /// A first sync of a fresh device (`reader sync`), watched from another connection to
    /// the device's database, read-only, as an app's list would read it while the sync runs:
    /// how soon the list shows the `listed` newest articles it will show when the sync is
    /// done, and the write-ahead log's largest size meanwhile.
    static func firstUse(reader: String, url: String, token: String, path: String, articles: Int) throws {
        // Made before the sync starts, so the watcher never races the creation of the file.
        let watched = try ReaderStore(path: path)
        let arguments = ["sync", "--db", path, "--server", url, "--token", token]
        let wal = path + "-wal"
        let done = Mutex(false)
        let watch = Mutex<(lists: [(seconds: Double, ids: [String])], walPeak: Int)>(([], 0))
        let finished = DispatchSemaphore(value: 0)
        let start = ContinuousClock.now
        let child = try ChildProcess(reader, arguments)
        // The watcher on a thread of its own, as an app's list is on another thread than its sync.
        Thread.detachNewThread {
            defer { finished.signal() }
            while !done.withLock({ $0 }) {
                let ids = (try? watched.articles(ArticleFilter(limit: listed)).map(\.id)) ?? []
                let seconds = (ContinuousClock.now - start).seconds
                let size = fileSize(wal)
                watch.withLock { state in
                    if ids != state.lists.last?.ids { state.lists.append((seconds, ids)) }
                    state.walPeak = max(state.walPeak, size)
                }
                usleep(20_000)
            }
        }
        let (status, _) = child.wait()
        let seconds = (ContinuousClock.now - start).seconds
        done.withLock { $0 = true }
        finished.wait()
        guard status == 0 else { throw BenchError("reader \(arguments.joined(separator: " ")) exited with \(status)") }
        var (lists, walPeak) = watch.withLock { ($0.lists, $0.walPeak) }
        walPeak = max(walPeak, fileSize(wal))
        let final = try watched.articles(ArticleFilter(limit: listed)).map(\.id)
        guard final.count == min(listed, articles) else { throw BenchError("the synced device lists \(final.count) articles") }
        // The first moment the list showed what it shows at the end.
        let listable = lists.first { $0.ids == final }?.seconds ?? seconds
        Report.line("sync", articles, "newest \(listed) listable after", Report.fixed(listable, 2) + " s",
                    "(whole sync \(Report.fixed(seconds, 2)) s, polled every 20 ms read-only)",
                    goal: Goal(text: "< \(Report.fixed(listableGoalSeconds, 0)) s", met: listable < listableGoalSeconds))
        Report.line("sync", articles, "peak WAL during the first sync", Report.megabytes(walPeak),
                    goal: Goal(text: "< \(Report.megabytes(walGoalBytes))", met: walPeak < walGoalBytes))
    }

    private static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
