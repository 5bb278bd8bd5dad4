import Foundation
import ReaderHTTP
import Synchronization

/// Prints benchmark figures one per line, in aligned columns:
/// family, size, what was measured, the figure, details, and a goal with its verdict.
enum Report {
    /// One line: `import   10,000  store importFile (RSS)   2,174 articles/s  (4.60 s, …)`, with
    /// `goal ≤ 1.5x  met` (or `MISSED`) at the end when the figure has a goal.
    static func line(
        _ family: String, _ size: Int?, _ label: String, _ figure: String,
        _ detail: String = "", goal: Goal? = nil
    ) {
        var text = pad(family, 7) + padLeft(size.map(grouped) ?? "", 8) + "  " + pad(label, 30)
            + (figure.isEmpty ? "" : padLeft(figure, 18))
        if !detail.isEmpty { text += "  " + detail }
        if let goal {
            text = pad(text, 100) + "  goal " + goal.text + "  " + (goal.met ? "met" : "MISSED")
        }
        emit(text)
    }

    /// A note that is not a figure (what a ratio means, where files are).
    static func note(_ text: String) {
        emit("#      " + text)
    }

    /// Writes a line straight to standard output, unbuffered, so progress shows as it happens.
    static func emit(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// `31,234`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// `3,912 rows/s` for `count` things done in `seconds`.
    static func rate(_ count: Int, _ seconds: Double, unit: String) -> String {
        grouped(Int((Double(count) / max(seconds, 1e-9)).rounded())) + " " + unit
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// The middle value, or the mean of the two middle ones; 0 when there are none.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// `1.62 (1.41–1.80)`: the median, then the least and the greatest, of several runs; the
    /// value alone when there was one run.
    static func spread(_ values: [Double], _ digits: Int) -> String {
        guard values.count > 1, let least = values.min(), let greatest = values.max() else {
            return fixed(values.first ?? 0, digits)
        }
        return "\(fixed(median(values), digits)) (\(fixed(least, digits))–\(fixed(greatest, digits)))"
    }

    /// `41.3 MB`, in mebibytes.
    static func megabytes(_ bytes: Int) -> String {
        fixed(Double(bytes) / 1_048_576, 1) + " MB"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}

/// A target a figure is held to, and whether it was reached.
struct Goal {
    var text: String
    var met: Bool
}

/// A failure that ends the benchmark, with what went wrong.
struct BenchError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}

/// Runs `body` and returns its result and how long it took.
func measure<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let result = try body()
    return (result, (ContinuousClock.now - start).seconds)
}

/// The peak resident set size so far (`VmHWM` in `/proc/PID/status`) of this process, or of
/// the process `pid`, in bytes; nil where there is no such file (or the process is gone).
func peakResidentBytes(of pid: pid_t? = nil) -> Int? {
    let path = "/proc/\(pid.map(String.init) ?? "self")/status"
    guard let status = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kilobytes = line.dropFirst(6).split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }
        return kilobytes.map { $0 * 1024 }
    }
    return nil
}

/// Runs async work from a synchronous benchmark driver: the work runs on the global
/// executor while this (non-pool) thread waits for it.
func blockingWait(_ body: @escaping @Sendable () async throws -> Void) throws {
    // A class holds the Mutex because the task's closure must capture it, and a Mutex
    // cannot be copied into a closure.
    final class Outcome: Sendable {
        let result = Mutex<Result<Void, any Error>?>(nil)
    }
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    Task {
        do {
            try await body()
            outcome.result.set(.success(()))
        } catch {
            outcome.result.set(.failure(error))
        }
        done.signal()
    }
    done.wait()
    try outcome.result.get()?.get()
}
