import Foundation
import ReaderHTTP
import Synchronization

/// A child process started with posix_spawn, its peak RSS sampled while it runs (see
/// `PeakSampler` for why not `wait4`'s figure).
final class ChildProcess {
    let pid: pid_t
    private let stdoutRead: Int32?
    private let sampler: PeakSampler
    private var result: (status: Int32, peakBytes: Int)?

    /// Starts `binary` with `arguments`; stdout is captured when `captureStdout` is set,
    /// otherwise it and stderr go to /dev/null.
    init(_ binary: String, _ arguments: [String], captureStdout: Bool = false) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeEnds: [Int32] = [-1, -1]
        if captureStdout {
            guard pipe(&pipeEnds) == 0 else { throw BenchError("cannot make a pipe for \(binary)") }
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], STDOUT_FILENO)
            posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        } else {
            posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, binary, &actions, nil, argv, environ)
        if captureStdout { close(pipeEnds[1]) }
        guard status == 0 else { throw BenchError("cannot start \(binary): \(String(cString: strerror(status)))") }
        self.pid = pid
        stdoutRead = captureStdout ? pipeEnds[0] : nil
        sampler = PeakSampler(pid: pid)
    }

    deinit {
        if let stdoutRead { close(stdoutRead) }
    }

    /// The first line the child writes to stdout (the server's URL).
    func firstLine() -> String {
        guard let fd = stdoutRead else { return "" }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Waits for the child; returns its exit status and peak RSS in bytes.
    @discardableResult
    func wait() -> (status: Int32, peakBytes: Int) {
        if let result { return result }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -(status & 0x7f)
        let peak = sampler.stop()
        result = (exit, peak)
        return (exit, peak)
    }

    /// Stops the child with SIGTERM (once) and waits; returns its peak RSS in bytes.
    func stop() -> Int {
        if result == nil { kill(pid, SIGTERM) }
        return wait().peakBytes
    }

    /// Runs a command to completion; throws when it fails. Returns (seconds, peak RSS).
    @discardableResult
    static func run(_ binary: String, _ arguments: [String]) throws -> (seconds: Double, peakBytes: Int) {
        let start = ContinuousClock.now
        let child = try ChildProcess(binary, arguments)
        let (status, peak) = child.wait()
        guard status == 0 else { throw BenchError("\((binary as NSString).lastPathComponent) \(arguments.joined(separator: " ")) exited with \(status)") }
        return ((ContinuousClock.now - start).seconds, peak)
    }

    /// Runs a command and returns its stdout, trimmed; throws when it fails.
    static func output(_ binary: String, _ arguments: [String]) throws -> String {
        let child = try ChildProcess(binary, arguments, captureStdout: true)
        var text = ""
        while true {
            let line = child.firstLine()
            if line.isEmpty { break }
            text += line + "\n"
        }
        guard child.wait().status == 0 else { throw BenchError("\((binary as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A binary of the package, beside this one in the build folder.
    static func sibling(_ name: String) throws -> String {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let path = here.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchError("\(path) is missing: build it first with `swift build -c release --product \(name)`")
        }
        return path
    }
}

/// A child's peak RSS, read from its `/proc/PID/status` (`VmHWM`) every few milliseconds
/// while it runs.
///
/// `wait4`'s `ru_maxrss` cannot be used here: at `exec` Linux folds the RSS of the memory
/// the child was spawned from (this process, holding every feed the server sends) into the
/// child's figure. `VmHWM` belongs to the new program's memory alone; it only grows, so the
/// last reading before the child exits misses at most a few milliseconds of growth.
final class PeakSampler: @unchecked Sendable {
    // @unchecked because `peak` and `done` are `Mutex`es and `pid` never changes.
    private let pid: pid_t
    private let peak = Mutex(0)
    private let done = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)

    init(pid: pid_t) {
        self.pid = pid
        Thread { [self] in
            while !done.get() {
                if let bytes = peakResidentBytes(of: pid) { peak.withLock { $0 = max($0, bytes) } }
                usleep(2000)
            }
            finished.signal()
        }.start()
    }

    /// Stops sampling; the highest reading, in bytes.
    func stop() -> Int {
        done.set(true)
        finished.wait()
        return peak.get()
    }
}

