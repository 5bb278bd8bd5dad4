import Foundation
import ReaderFeeds

/// Import throughput: a generated RSS file of N articles through `ReaderStore.importFile`
/// (what users run), the same articles as pre-parsed drafts through `importArticles` (the
/// store's cost without parsing), and the raw SQLite floor for the same rows.
enum ImportBench {
    /// The goal: the file import, search index included, within 1.5x of the raw floor with FTS5.
    static let ratioGoal = 1.5
    /// The goal for the importing process's peak RSS, whatever the file size (issue 16:
    /// newsboat's figure, flat from 10,000 to 1,000,000 articles).
    static let peakGoalBytes = 40 * 1_048_576

    static func explain() {
        Report.note("import: ratio = time ours / time of the raw floor with FTS5 for the same rows (lower is better; < 1 beats it)")
        Report.note("raw floors: C API, one prepared statement, one transaction, WAL, synchronous NORMAL, the store writer's 2 MB cache; row making untimed")
        Report.note("store imports run in a child process; peak RSS is the child's VmHWM")
        Report.note("each timed import starts after sync(), with the previous run's database deleted, so no writeback overlaps it")
        SizeBench.explain()
    }

    /// Runs the import benchmark for `count` articles. When `keepDatabase` is set, the store
    /// file import's database is kept and its path returned, for the search benchmark.
    static func run(count: Int, options: BenchOptions, workdir: String, keepDatabase: Bool) throws -> String? {
        let generator = ArticleGenerator(seed: options.seed)
        let feed = workdir + "/articles-\(count).xml"
        defer { try? FileManager.default.removeItem(atPath: feed) }
        let (bytes, writeSeconds) = try measure { try FeedWriter.write(.rss, count: count, generator: generator, to: feed) }
        Report.line("import", count, "RSS file written", Report.megabytes(bytes),
                    "(\(Report.fixed(writeSeconds, 2)) s, \(Report.rate(count, writeSeconds, unit: "articles/s")) generated)")

        var parsed = 0
        let (_, parseSeconds) = try measure { try FeedFile.read(path: feed, format: .rss) { _ in parsed += 1 } }
        guard parsed == count else { throw BenchError("FeedFile.read found \(parsed) articles of the \(count) written") }
        Report.line("import", count, "RSS parse only (FeedFile)", Report.rate(count, parseSeconds, unit: "articles/s"),
                    "(\(Report.fixed(parseSeconds, 2)) s, \(Report.fixed(Double(bytes) / 1_048_576 / parseSeconds, 1)) MB/s)")

        var floors: [RawFloor.Variant: Double] = [:]
        for variant in options.floors {
            let path = workdir + "/raw-\(count).sqlite"
            defer { removeDatabase(at: path) }
            sync()
            let seconds = try RawFloor.run(variant, count: count, path: path, article: generator.article)
            floors[variant] = seconds
            Report.line("import", count, variant.label, Report.rate(count, seconds, unit: "rows/s"),
                        "(\(Report.fixed(seconds, 2)) s)")
        }
        let floor = floors[.fts] ?? .nan

        let draftsPath = workdir + "/drafts-\(count).sqlite"
        sync()
        let drafts = try ImportChild.run(["drafts", String(count), String(options.seed), draftsPath])
        removeDatabase(at: draftsPath)
        try check(drafts, count: count, what: "importArticles")
        let storeSeconds = drafts.seconds - drafts.generationSeconds
        Report.line("import", count, "store importArticles", Report.rate(count, storeSeconds, unit: "articles/s"),
                    "(\(Report.fixed(storeSeconds, 2)) s, drafts made untimed)  ratio \(ratio(storeSeconds, floor))")
        Report.line("import", count, "peak RSS importArticles", Report.megabytes(drafts.peakBytes))

        let storePath = workdir + "/store-\(count).sqlite"
        sync()
        let file = try ImportChild.run(["file", feed, storePath])
        try SizeBench.report("import", count: count, database: storePath, workdir: workdir)
        if !keepDatabase { removeDatabase(at: storePath) }
        try check(file, count: count, what: "importFile")
        Report.line("import", count, "store importFile (RSS)", Report.rate(count, file.seconds, unit: "articles/s"),
                    "(\(Report.fixed(file.seconds, 2)) s, parsing included)")
        Report.line("import", count, "ratio importFile/raw FTS5", ratio(file.seconds, floor),
                    goal: Goal(text: "≤ \(Report.fixed(ratioGoal, 1))x", met: file.seconds / floor <= ratioGoal))
        Report.line("import", count, "peak RSS importFile", Report.megabytes(file.peakBytes),
                    goal: Goal(text: "< \(Report.megabytes(peakGoalBytes))", met: file.peakBytes < peakGoalBytes))
        return keepDatabase ? storePath : nil
    }

    private static func ratio(_ ours: Double, _ floor: Double) -> String {
        Report.fixed(ours / floor, 2) + "x"
    }

    private static func check(_ result: ImportChild.Result, count: Int, what: String) throws {
        guard result.new == count else {
            throw BenchError("\(what) stored \(result.new) new articles of the \(count) generated")
        }
    }
}
