import Foundation

/// `reader-bench start [--runs N]`: what a `reader` command costs before it does anything.
///
/// Runs `reader --help` and `reader status` on a small database (100 articles), N times
/// each, alternated, from the `reader` beside this binary, and prints the median wall time
/// of the whole process (start, dynamic loading, the first protocol-conformance look-ups,
/// opening the store) and its peak RSS. Build `reader` with `--static-swift-stdlib` into
/// another scratch path, with a `reader-bench` beside it, to compare a static build.
///
/// The peak RSS is the child's `VmHWM`, read every 2 ms while it runs (`PeakSampler`), so
/// it may miss the last 2 ms of growth, or a whole run on a busy machine (that run has no
/// figure). `wait4`'s `ru_maxrss` cannot stand in for it: at `exec` Linux folds this
/// process's own peak (about 30 MB, the same libraries) into it.
enum StartBench {
    static let command = "start"

    static let usage = """
        usage: reader-bench start [--runs N]

          --runs N   runs of each command (default 21)

        Runs the `reader` binary beside this one: build it too, with
        `swift build -c release --product reader`.
        """

    /// One command's runs: wall times in seconds and peak RSS in bytes.
    struct Runs {
        var seconds: [Double] = []
        var peakBytes: [Int] = []
    }

    static func run(_ arguments: [String]) throws {
        if arguments.contains("--help") || arguments.contains("-h") { return Report.emit(usage) }
        var runs = 21
        var rest = arguments[...]
        while let option = rest.popFirst() {
            guard option == "--runs", let text = rest.popFirst(), let value = Int(text), value > 0 else {
                throw BenchError("unknown or incomplete argument \(option)\n\n\(usage)")
            }
            runs = value
        }
        let reader = try ChildProcess.sibling("reader")
        let workdir = try Workdir(nil)
        defer { workdir.cleanUp() }
        let feed = workdir.path + "/start.xml"
        let database = workdir.path + "/start.sqlite"
        _ = try FeedWriter.write(.rss, count: 100, generator: ArticleGenerator(seed: 1), to: feed)
        try ChildProcess.run(reader, ["import", feed, "--db", database])

        Report.note("reader-bench start  \(runs) runs each, alternated  load \(loadAverage())  \(reader)")
        let commands: [(label: String, arguments: [String])] = [
            ("reader --help", ["--help"]),
            ("reader status, 100 articles", ["status", "--db", database]),
        ]
        var results = Array(repeating: Runs(), count: commands.count)
        // One run of each first, not counted: the binary and its libraries into the page cache.
        for command in commands { _ = try once(reader, command.arguments) }
        for _ in 0..<runs {
            for (index, command) in commands.enumerated() {
                let (seconds, peak) = try once(reader, command.arguments)
                results[index].seconds.append(seconds)
                results[index].peakBytes.append(peak)
            }
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: reader)[.size] as? Int) ?? 0
        for (command, result) in zip(commands, results) {
            // A run that ended before the sampler's first reading has no figure.
            let peaks = result.peakBytes.filter { $0 > 0 }.sorted()
            let memory = peaks.isEmpty ? "peak RSS not sampled"
                : "peak RSS \(Report.megabytes(peaks[peaks.count / 2])) (\(Report.megabytes(peaks[0]))–"
                + "\(Report.megabytes(peaks[peaks.count - 1])), \(peaks.count) runs sampled)"
            Report.line(
                "start", nil, command.label, Report.fixed(Report.median(result.seconds) * 1000, 1) + " ms",
                "median of \(runs); " + memory
            )
        }
        Report.line("start", nil, "reader binary", Report.megabytes(size), ldd(reader))
        Report.note("load average at the end \(loadAverage())")
    }

    /// Runs `reader` once, output to /dev/null; its wall time and peak RSS.
    private static func once(_ binary: String, _ arguments: [String]) throws -> (seconds: Double, peakBytes: Int) {
        let start = ContinuousClock.now
        let (status, peak) = try ChildProcess(binary, arguments).wait()
        let seconds = (ContinuousClock.now - start).seconds
        guard status == 0 else { throw BenchError("reader \(arguments.joined(separator: " ")) exited with status \(status)") }
        return (seconds, peak)
    }

    /// Whether the binary links the Swift runtime and Foundation dynamically.
    private static func ldd(_ binary: String) -> String {
        guard let text = try? ChildProcess.output("/usr/bin/ldd", [binary], samplePeak: false) else { return "" }
        let swift = text.split(separator: "\n").filter { $0.contains("libswiftCore") || $0.contains("libFoundation.so") }
        return swift.isEmpty ? "Swift runtime and Foundation linked statically" : "Swift runtime and Foundation linked dynamically"
    }
}
