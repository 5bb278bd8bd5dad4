import Foundation

/// `reader-bench greader-sync [--articles N] [--seed S] [--workdir DIR]`: the first sync of
/// the same N articles (10,000 by default) from one `reader-server` on loopback, through
/// its native `/v1` protocol and through its Google Reader API endpoint, each a `reader
/// sync` process measured end to end (wall time and peak RSS), in the same run.
enum GReaderSyncBench {
    static let command = "greader-sync"
    static let password = "bench passphrase for the api"

    static func run(_ arguments: [String]) throws {
        var articles = 10_000, seed: UInt64 = 42
        var workdirPath: String?
        var rest = arguments[...]
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(option) needs a value") }
            switch option {
            case "--articles": articles = Int(value) ?? articles
            case "--seed": seed = UInt64(value) ?? seed
            case "--workdir": workdirPath = value
            default: throw BenchError("unknown option \(option); usage: reader-bench greader-sync [--articles N] [--seed S] [--workdir DIR]")
            }
        }
        let reader = try ChildProcess.sibling("reader")
        let serverBinary = try ChildProcess.sibling("reader-server")
        let workdir = try Workdir(workdirPath)
        defer { workdir.cleanUp() }
        #if DEBUG
        Report.note("warning: a debug build; figures mean something only from `swift build -c release`")
        #endif
        Report.note("reader-bench greader-sync  seed \(seed)  \(ProcessInfo.processInfo.activeProcessorCount) cores  load \(loadAverage())")
        Report.note("the same articles, first sync into an empty database, native /v1 and GReader from one reader-server")

        let feed = workdir.path + "/greader-\(articles).xml"
        let bytes = try FeedWriter.write(.rss, count: articles, generator: ArticleGenerator(seed: seed), to: feed)
        let serverDB = workdir.path + "/server.sqlite"
        let token = try ChildProcess.output(serverBinary, ["users", "add", "bench", "--db", serverDB])
        try runWithInput(serverBinary, ["users", "password", "bench", "--db", serverDB], input: password + "\n")
        let (importSeconds, _) = try ChildProcess.run(serverBinary, ["articles", "import", "--db", serverDB, "--user", "bench", feed])
        try? FileManager.default.removeItem(atPath: feed)
        Report.line("greader", articles, "server import (setup)", Report.rate(articles, importSeconds, unit: "articles/s"),
                    "(\(Report.megabytes(bytes)) RSS, \(Report.fixed(importSeconds, 1)) s)")
        let server = try ChildProcess(serverBinary, ["serve", "--db", serverDB, "--port", "0"], captureStdout: true)
        let url = server.firstLine()
        guard url.hasPrefix("http") else { throw BenchError("reader-server did not print its URL") }
        defer { _ = server.stop() }

        let native = workdir.path + "/native.sqlite"
        sync()
        let first = try ChildProcess.run(reader, ["sync", "--db", native, "--server", url, "--token", token])
        Report.line("greader", articles, "native first sync (/v1)", Report.rate(articles, first.seconds, unit: "articles/s"),
                    "(\(Report.fixed(first.seconds, 2)) s, peak RSS \(Report.megabytes(first.peakBytes)))")

        let viaGReader = workdir.path + "/greader.sqlite"
        try runWithInput(reader, ["login", "--db", viaGReader, "--api", "greader", "--server", url, "--user", "bench"], input: password + "\n")
        sync()
        let second = try ChildProcess.run(reader, ["sync", "--db", viaGReader])
        Report.line("greader", articles, "GReader first sync", Report.rate(articles, second.seconds, unit: "articles/s"),
                    "(\(Report.fixed(second.seconds, 2)) s, peak RSS \(Report.megabytes(second.peakBytes)))")
        Report.line("greader", articles, "ratio GReader/native", Report.fixed(second.seconds / first.seconds, 2) + "x")
        for path in [native, viaGReader] {
            let count = try ChildProcess.output(reader, ["status", "--db", path]).split(separator: "\n")
                .first { $0.hasPrefix("articles:") }.map(String.init) ?? "?"
            Report.note("\(path.split(separator: "/").last ?? ""): \(count)")
        }
    }

    /// Runs a setup step that reads a password from standard input (never an argument).
    private static func runWithInput(_ binary: String, _ arguments: [String], input: String) throws {
        _ = try ChildProcess.output(binary, arguments, input: input, samplePeak: false)
    }
}
