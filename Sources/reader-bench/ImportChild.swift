import Foundation
import ReaderStore

/// A store import run in a child process of its own, so its peak resident set size is the
/// import's alone and not the benchmark's (which holds raw-floor runs and search data).
///
/// The child is this executable, run as one of:
/// - `reader-bench _import-child file FEED DB`: `ReaderStore.importFile` on a feed file;
/// - `reader-bench _import-child drafts COUNT SEED DB`: `ReaderStore.importArticles` on
///   generated drafts, made as the store asks for them.
///
/// It prints one line of `key=value` pairs: seconds importing, seconds of that spent
/// generating drafts, articles new, and peak RSS in bytes.
enum ImportChild {
    static let command = "_import-child"

    struct Result {
        var seconds: Double
        var generationSeconds: Double
        var new: Int
        var peakBytes: Int
    }

    /// The child's side: runs the import named by `arguments` (those after the command).
    static func main(_ arguments: [String]) throws {
        let result: Result
        switch arguments.first {
        case "file" where arguments.count == 3:
            let store = try ReaderStore(path: arguments[2])
            let (report, seconds) = try measure { try store.importFile(at: arguments[1]) }
            result = Result(seconds: seconds, generationSeconds: 0, new: report.new, peakBytes: peakResidentBytes() ?? 0)
        case "drafts" where arguments.count == 4:
            guard let count = Int(arguments[1]), let seed = UInt64(arguments[2]) else {
                throw BenchError("\(command) drafts: COUNT and SEED must be whole numbers")
            }
            let store = try ReaderStore(path: arguments[3])
            let timer = GenerationTimer()
            let drafts = TimedDrafts(generator: ArticleGenerator(seed: seed), count: count, timer: timer)
            let (report, seconds) = try measure { try store.importArticles(drafts, label: "generated") }
            result = Result(
                seconds: seconds, generationSeconds: timer.elapsed.seconds, new: report.new,
                peakBytes: peakResidentBytes() ?? 0
            )
        default:
            throw BenchError("usage: reader-bench \(command) file FEED DB | drafts COUNT SEED DB")
        }
        Report.emit("seconds=\(result.seconds) generation=\(result.generationSeconds) new=\(result.new) peak=\(result.peakBytes)")
    }

    /// The parent's side: runs a child with `arguments` and reads its result. The child
    /// measures itself, so no thread here samples it.
    static func run(_ arguments: [String]) throws -> Result {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let text: String
        do {
            text = try ChildProcess.output(executable, [command] + arguments, samplePeak: false)
        } catch {
            throw BenchError("the import child (\(arguments.joined(separator: " "))) failed: \(error)")
        }
        var fields: [String: String] = [:]
        for pair in text.split(whereSeparator: \.isWhitespace) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let seconds = fields["seconds"].flatMap(Double.init),
              let generation = fields["generation"].flatMap(Double.init),
              let new = fields["new"].flatMap(Int.init), let peak = fields["peak"].flatMap(Int.init)
        else { throw BenchError("the import child printed something unexpected: \(text)") }
        return Result(seconds: seconds, generationSeconds: generation, new: new, peakBytes: peak)
    }
}
