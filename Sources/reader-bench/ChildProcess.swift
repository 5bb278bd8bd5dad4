import Foundation
import ReaderHTTP
import Synchronization

/// A child process started with posix_spawn, its peak RSS sampled while it runs (see
/// `PeakSampler` for why not `wait4`'s figure).
final class ChildProcess {
    let pid: pid_t
    private let stdoutRead: Int32?
    private let sampler: PeakSampler?
    private var result: (status: Int32, peakBytes: Int)?
    /// The child's CPU time (user and system, all its threads) and minor page faults, from
    /// `wait4` once it has exited; zero before.
    private(set) var usage = Usage(cpuSeconds: 0, minorFaults: 0)

    struct Usage {
        var cpuSeconds: Double
        var minorFaults: Int
    }

    /// Starts `binary` with `arguments`; stdout is captured when `captureStdout` is set,
    /// otherwise it and stderr go to /dev/null. `input`, when given, is written to the
    /// child's standard input, which is then closed (a password, never an argument); without
    /// it the child's stdin is /dev/null. With `samplePeak` off no thread reads the child's
    /// `/proc` status while it runs (for a child that measures itself, so that the sampling
    /// takes no CPU from it) and `peakBytes` is 0. `stderrPath` names a file for the child's
    /// standard error instead of /dev/null.
    init(
        _ binary: String, _ arguments: [String], captureStdout: Bool = false, input: String? = nil, samplePeak: Bool = true,
        stderrPath: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var outEnds: [Int32] = [-1, -1]
        var inEnds: [Int32] = [-1, -1]
        if captureStdout {
            guard pipe(&outEnds) == 0 else { throw BenchError("cannot make a pipe for \(binary)") }
            posix_spawn_file_actions_adddup2(&actions, outEnds[1], STDOUT_FILENO)
            posix_spawn_file_actions_addclose(&actions, outEnds[0])
            posix_spawn_file_actions_addclose(&actions, outEnds[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        }
        if input != nil {
            guard pipe(&inEnds) == 0 else {
                if captureStdout { close(outEnds[0]); close(outEnds[1]) }
                throw BenchError("cannot make a pipe for \(binary)")
            }
            posix_spawn_file_actions_adddup2(&actions, inEnds[0], STDIN_FILENO)
            posix_spawn_file_actions_addclose(&actions, inEnds[0])
            posix_spawn_file_actions_addclose(&actions, inEnds[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderrPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        var status: Int32
        // posix_spawn has been seen to fail with EINTR on a loaded machine: try again.
        repeat { status = posix_spawn(&pid, binary, &actions, nil, argv, environ) } while status == EINTR
        if captureStdout { close(outEnds[1]) }
        if input != nil { close(inEnds[0]) }
        guard status == 0 else {
            if captureStdout { close(outEnds[0]) }
            if input != nil { close(inEnds[1]) }
            throw BenchError("cannot start \(binary): \(String(cString: strerror(status)))")
        }
        if let input {
            // A short text fits the pipe's buffer. A child that exits without reading it
            // must not end this process with SIGPIPE (a pipe has no MSG_NOSIGNAL), so the
            // signal is ignored for the write.
            let previous = signal(SIGPIPE, SIG_IGN)
            let bytes = Array(input.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(inEnds[1], $0.baseAddress, $0.count) }
                if written < 0, errno == EINTR { continue }
                if written <= 0 { break }
                offset += written
            }
            signal(SIGPIPE, previous)
            close(inEnds[1])
        }
        self.pid = pid
        stdoutRead = captureStdout ? outEnds[0] : nil
        sampler = samplePeak ? PeakSampler(pid: pid) : nil
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
        var resources = rusage()
        while wait4(pid, &status, 0, &resources) < 0, errno == EINTR {}
        let cpu = [resources.ru_utime, resources.ru_stime].reduce(0.0) { $0 + Double($1.tv_sec) + Double($1.tv_usec) / 1e6 }
        usage = Usage(cpuSeconds: cpu, minorFaults: resources.ru_minflt)
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -(status & 0x7f)
        let peak = sampler?.stop() ?? 0
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

    /// Runs a command and returns its stdout, trimmed; throws when it fails. `input` goes
    /// to its standard input; with `samplePeak` off its RSS is not sampled.
    static func output(_ binary: String, _ arguments: [String], input: String? = nil, samplePeak: Bool = true) throws -> String {
        let child = try ChildProcess(binary, arguments, captureStdout: true, input: input, samplePeak: samplePeak)
        let text = child.remainingOutput()
        let status = child.wait().status
        guard status == 0 else {
            throw BenchError("\((binary as NSString).lastPathComponent) \(arguments.joined(separator: " ")) exited with \(status)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Everything the child writes to stdout from here to its end (it closing stdout).
    func remainingOutput() -> String {
        guard let fd = stdoutRead else { return "" }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
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

