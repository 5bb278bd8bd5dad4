import Foundation
import ReaderStore

/// `reader-bench sync [--articles N] [--edits E] [--seed S] [--workdir DIR]`: the client's
/// sync against a real `reader-server` on loopback, each process measured on its own:
/// the initial sync of N articles (`reader sync`, wall time and peak RSS) beside the raw
/// SQLite floor with FTS5 for the same rows; a second first sync watched by a read-only
/// reader, for how soon the newest articles can be listed and the WAL's peak; a no-op sync
/// end to end, and pushing E note edits.
enum SyncBench {
    static let command = "sync"
    /// Issue 16: the whole first sync, search index included, within 1.3x of the floor,
    /// newest first as it is.
    static let ratioGoal = 1.3
    /// Issue 16: newsboat's 40 MB, whatever the number of articles.
    static let peakGoalBytes = 40 * 1_048_576
    static let noopGoalSeconds = 0.050

    static func run(_ arguments: [String]) throws {
        var articles = 100_000, edits = 10_000, seed: UInt64 = 42
        var workdirPath: String?
        var rest = arguments[...]
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(option) needs a value") }
            switch option {
            case "--articles": articles = Int(value) ?? articles
            case "--edits": edits = Int(value) ?? edits
            case "--seed": seed = UInt64(value) ?? seed
            case "--workdir": workdirPath = value
            default: throw BenchError("unknown option \(option); usage: reader-bench sync [--articles N] [--edits E] [--seed S] [--workdir DIR]")
            }
        }
        let reader = try ChildProcess.sibling("reader")
        let serverBinary = try ChildProcess.sibling("reader-server")
        let workdir = try Workdir(workdirPath)
        defer { workdir.cleanUp() }
        #if DEBUG
        Report.note("warning: a debug build; figures mean something only from `swift build -c release`")
        #endif
        Report.note("reader-bench sync  seed \(seed)  \(ProcessInfo.processInfo.activeProcessorCount) cores  load \(loadAverage())")
        Report.note("ratio = initial sync time / raw floor with FTS5 for the same rows (C API, one transaction)")

        let generator = ArticleGenerator(seed: seed)
        let feed = workdir.path + "/sync-\(articles).xml"
        let bytes = try FeedWriter.write(.rss, count: articles, generator: generator, to: feed)
        let serverDB = workdir.path + "/server.sqlite"
        let token = try ChildProcess.output(serverBinary, ["users", "add", "bench", "--db", serverDB])
        let (importSeconds, _) = try ChildProcess.run(serverBinary, ["articles", "import", "--db", serverDB, "--user", "bench", feed])
        try? FileManager.default.removeItem(atPath: feed)
        Report.line("sync", articles, "server import (setup)", Report.rate(articles, importSeconds, unit: "articles/s"),
                    "(\(Report.megabytes(bytes)) RSS, \(Report.fixed(importSeconds, 1)) s)")
        let server = try ChildProcess(serverBinary, ["serve", "--db", serverDB, "--port", "0"], captureStdout: true)
        let url = server.firstLine()
        guard url.hasPrefix("http") else { throw BenchError("reader-server did not print its URL") }
        defer { _ = server.stop() }

        let floorPath = workdir.path + "/raw.sqlite"
        sync()
        let floor = try RawFloor.run(.fts, count: articles, path: floorPath, article: generator.article)
        removeDatabase(at: floorPath)
        Report.line("sync", articles, "raw floor with FTS5", Report.rate(articles, floor, unit: "rows/s"), "(\(Report.fixed(floor, 2)) s)")

        let client = workdir.path + "/client.sqlite"
        let syncArguments = ["sync", "--db", client, "--server", url, "--token", token]
        sync()
        let initial = try ChildProcess.run(reader, syncArguments)
        Report.line("sync", articles, "initial sync (reader sync)", Report.rate(articles, initial.seconds, unit: "articles/s"),
                    "(\(Report.fixed(initial.seconds, 2)) s, CLI process end to end)")
        Report.line("sync", articles, "ratio initial sync/raw FTS5", Report.fixed(initial.seconds / floor, 2) + "x",
                    goal: Goal(text: "≤ \(Report.fixed(ratioGoal, 1))x", met: initial.seconds / floor <= ratioGoal))
        Report.line("sync", articles, "peak RSS of reader sync", Report.megabytes(initial.peakBytes),
                    goal: Goal(text: "< \(Report.megabytes(peakGoalBytes))", met: initial.peakBytes < peakGoalBytes))

        let watchedClient = workdir.path + "/client-first-use.sqlite"
        sync()
        try firstUse(reader: reader, url: url, token: token, path: watchedClient, articles: articles)
        removeDatabase(at: watchedClient)

        var noop: [Double] = []
        for _ in 0..<21 { noop.append(try ChildProcess.run(reader, syncArguments).seconds) }
        noop.sort()
        Report.line("sync", nil, "no-op sync, median of 21", Report.fixed(noop[10] * 1000, 1) + " ms",
                    "(min \(Report.fixed(noop[0] * 1000, 1)) ms, max \(Report.fixed(noop[20] * 1000, 1)) ms; process start included)",
                    goal: Goal(text: "< \(Int(noopGoalSeconds * 1000)) ms", met: noop[10] < noopGoalSeconds))

        // E notes, created and synced untimed; then one edit of each, pushed timed.
        let store = try ReaderStore(path: client)
        let ids = try store.articles(ArticleFilter(limit: edits)).map(\.id)
        var notes: [String] = []
        for (index, id) in ids.enumerated() { notes.append(try store.addNote(articleID: id, body: "note \(index)").id) }
        try ChildProcess.run(reader, syncArguments)
        for (index, id) in notes.enumerated() { try store.editNote(id: id, body: "note \(index), edited") }
        let push = try ChildProcess.run(reader, syncArguments)
        Report.line("sync", notes.count, "push note edits (reader sync)", Report.rate(notes.count, push.seconds, unit: "edits/s"),
                    "(\(Report.fixed(push.seconds, 2)) s, batches of 200, CLI process end to end)")
        let left = try store.status().pendingMutations
        guard left == 0 else { throw BenchError("\(left) edits were still pending after the push") }
        Report.line("sync", nil, "peak RSS of reader-server", Report.megabytes(server.stop()), "(serve, the whole run)")
    }
}
