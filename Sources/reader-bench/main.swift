import Foundation

/// `reader-bench [import|search|all] [--articles N,N] [--seed S] [--queries Q] [--workdir DIR] [--database PATH]`:
/// release-build benchmarks, one line per figure, each beside its goal when it has one.
/// Wall-clock figures live here, never in tests.
func runBenchmarks(_ arguments: [String]) throws {
    if arguments.first == HTTPBenchmark.command {
        try HTTPBenchmark.run(Array(arguments.dropFirst()))
        return
    }
    if arguments.first == FeedsBench.command { return try FeedsBench.run(Array(arguments.dropFirst())) }
    if arguments.first == SyncBench.command { return try SyncBench.run(Array(arguments.dropFirst())) }
    if arguments.first == GReaderSyncBench.command { return try GReaderSyncBench.run(Array(arguments.dropFirst())) }
    if arguments.first == ServerBench.command { return try ServerBench.run(Array(arguments.dropFirst())) }
    if arguments.first == RetentionBench.command { return try RetentionBench.run(Array(arguments.dropFirst())) }
    if arguments.first == JSONBench.command { return try JSONBench.run(Array(arguments.dropFirst())) }
    if arguments.first == LoadBench.command { return try LoadBench.run(Array(arguments.dropFirst())) }
    if arguments.first == StartBench.command { return try StartBench.run(Array(arguments.dropFirst())) }
    if arguments.first == ImportChild.command {
        try ImportChild.main(Array(arguments.dropFirst()))
        return
    }
    if arguments.first == "_write-feed" {
        try writeFeed(Array(arguments.dropFirst()))
        return
    }
    if arguments.contains("--help") || arguments.contains("-h") {
        Report.emit(BenchOptions.usage)
        return
    }
    let options = try BenchOptions(arguments: arguments)
    let workdir = try Workdir(options.workdir)
    defer { workdir.cleanUp() }
    #if DEBUG
    Report.note("warning: a debug build; figures mean something only from `swift build -c release`")
    #endif
    Report.note("reader-bench \(options.family.rawValue)  seed \(options.seed)  SQLite \(RawDatabase.version)  "
        + "\(ProcessInfo.processInfo.activeProcessorCount) cores  load \(loadAverage())  workdir \(workdir.path)")

    var searchDatabase: String?
    let largest = options.articles.last ?? 0
    if options.family != .search {
        ImportBench.explain()
        for count in options.articles {
            let keep = options.family == .all && count == largest
            if let path = try ImportBench.run(count: count, options: options, workdir: workdir.path, keepDatabase: keep) {
                searchDatabase = path
            }
        }
    }
    if options.family != .import {
        try SearchBench.run(count: largest, database: searchDatabase, options: options, workdir: workdir.path)
    }
    if let peak = peakResidentBytes() {
        Report.line("process", nil, "peak RSS, this process", Report.megabytes(peak), "(raw floors, generation, search; not a goal)")
    }
    Report.note("load average at the end \(loadAverage()) (figures taken while other work runs are not comparable)")
}

/// `reader-bench _write-feed rss|bundle COUNT SEED PATH`: writes the generated feed a
/// benchmark would use, to look at or to feed to `reader import` by hand.
func writeFeed(_ arguments: [String]) throws {
    guard arguments.count == 4, let format = FeedWriter.Format(rawValue: arguments[0]),
          let count = Int(arguments[1]), let seed = UInt64(arguments[2])
    else { throw BenchError("usage: reader-bench _write-feed rss|bundle COUNT SEED PATH") }
    let bytes = try FeedWriter.write(format, count: count, generator: ArticleGenerator(seed: seed), to: arguments[3])
    Report.emit("\(arguments[3]): \(count) articles, \(Report.megabytes(bytes))")
}

/// The one-minute load average, or `?` where `/proc/loadavg` is missing.
func loadAverage() -> String {
    let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)
    return text?.split(separator: " ").first.map(String.init) ?? "?"
}

/// The folder generated files go in: the one asked for, or a fresh temporary one that is
/// removed at the end.
struct Workdir {
    let path: String
    private let created: Bool

    init(_ requested: String?) throws {
        if let requested {
            path = requested
            created = false
        } else {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("reader-bench-\(UUID().uuidString)").path
            created = true
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw BenchError("cannot create the work folder \(path): \(error.localizedDescription)")
        }
    }

    func cleanUp() {
        if created { try? FileManager.default.removeItem(atPath: path) }
    }
}

do {
    try runBenchmarks(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("reader-bench: \(error)\n".utf8))
    exit(1)
}
