import Foundation
import Synchronization

/// A program a test runs, started with `posix_spawn` and reaped with `waitpid`.
///
/// Not Foundation's `Process`: swift-corelibs-foundation's `Process.run()` walks
/// `/proc/self/fd` in the child and was seen to crash with SIGSEGV when the test process had
/// many descriptors open, and its `waitUntilExit` to hang on a child already gone.
///
/// The child gets standard input, output and error as asked (`/dev/null` by default) and no
/// other descriptor of the test process; its signal mask is empty and the usual signals have
/// their default action, whatever the test process blocks or ignores. It is reaped exactly
/// once, by whichever of ``wait()``, ``ended`` or `deinit` sees it end first; a signal is only
/// sent to a child not yet reaped, so never to another process that reused its pid. A child
/// still running when the value goes away is killed with SIGKILL.
public final class ChildProcess: Sendable {
    /// Where the child's standard input comes from.
    public enum Input: Sendable {
        case null
        /// A pipe the test writes with ``write(_:)`` and closes with ``closeInput()``.
        case pipe
        case file(String)
    }

    /// Where the child's standard output or error goes.
    public enum Output: Sendable {
        case null
        /// A pipe the test reads with ``readLine()``, ``readChunk()`` or ``readToEnd()``
        /// (standard output) or ``readErrorsToEnd()`` (standard error).
        case pipe
        /// A file, created or truncated.
        case file(String)
        /// Standard error only: wherever standard output goes, interleaved with it.
        case standardOutput
    }

    /// How the child ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)
        /// Something else in this process reaped the child before this value could.
        case vanished

        /// The exit status; 128 plus the signal's number when a signal ended the child, as a
        /// shell reports it; -1 when it vanished.
        public var status: Int32 {
            switch self {
            case .exited(let status): status
            case .signalled(let signal): 128 + signal
            case .vanished: -1
            }
        }

        public var description: String {
            switch self {
            case .exited(let status): "exit \(status)"
            case .signalled(let signal): "signal \(signal)"
            case .vanished: "reaped elsewhere"
            }
        }
    }

    /// What a child run to completion printed, and how it ended.
    public struct Result: Sendable, CustomStringConvertible {
        public var termination: Termination
        public var stdoutData: Data
        public var stderrData: Data
        /// ``Termination/status``.
        public var status: Int32 { termination.status }
        public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
        public var stderr: String { String(decoding: stderrData, as: UTF8.self) }
        /// Standard output, then standard error.
        public var output: String { stdout + stderr }
        public var description: String { "\(termination): \(output)" }
    }

    /// Starting or running a child failed; says which program and why.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    public let pid: pid_t
    /// The name the failures use.
    public let name: String
    private let inputEnd: Int32?
    private let outputEnd: Int32?
    private let errorEnd: Int32?
    private let termination = Mutex<Termination?>(nil)
    private let inputOpen = Mutex(true)

    /// Starts `executable` with `arguments`. `environment` nil passes this process's on;
    /// `directory` nil starts the child in this process's working directory.
    public init(
        _ executable: URL, _ arguments: [String] = [], environment: [String: String]? = nil, directory: URL? = nil,
        stdin: Input = .null, stdout: Output = .null, stderr: Output = .null
    ) throws {
        let name = executable.lastPathComponent
        let gnu = try GNU.functions()
        _ = Self.ignoreBrokenPipes
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Both ends of every pipe are close-on-exec here: another child started meanwhile
        // inherits neither. The child's own end becomes 0, 1 or 2 by dup2, which clears it.
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        func makePipe(childReads: Bool) throws -> (parent: Int32, child: Int32) {
            var ends: [Int32] = [-1, -1]
            guard gnu.pipe2(&ends, O_CLOEXEC) == 0 else { throw Failure("cannot make a pipe for \(name): \(Self.errorText(errno))") }
            let pair = childReads ? (parent: ends[1], child: ends[0]) : (parent: ends[0], child: ends[1])
            parentEnds.append(pair.parent)
            childEnds.append(pair.child)
            return pair
        }
        var inputEnd: Int32?, outputEnd: Int32?, errorEnd: Int32?
        do {
            if let directory { _ = gnu.addchdir(&actions, directory.path) }
            switch stdin {
            case .null: posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
            case .file(let path): posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, path, O_RDONLY, 0)
            case .pipe:
                let pair = try makePipe(childReads: true)
                inputEnd = pair.parent
                posix_spawn_file_actions_adddup2(&actions, pair.child, STDIN_FILENO)
            }
            for (output, fd) in [(stdout, STDOUT_FILENO), (stderr, STDERR_FILENO)] {
                switch output {
                case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
                case .file(let path): posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                case .standardOutput: posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, fd)
                case .pipe:
                    let pair = try makePipe(childReads: false)
                    if fd == STDOUT_FILENO { outputEnd = pair.parent } else { errorEnd = pair.parent }
                    posix_spawn_file_actions_adddup2(&actions, pair.child, fd)
                }
            }
            _ = gnu.addclosefrom(&actions, 3)
        } catch {
            (parentEnds + childEnds).forEach { close($0) }
            throw error
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        var pid: pid_t = 0
        var status: Int32
        repeat {
            status = envp.map { posix_spawn(&pid, executable.path, &actions, &attributes, argv, $0) }
                ?? posix_spawn(&pid, executable.path, &actions, &attributes, argv, environ)
        } while status == EINTR
        childEnds.forEach { close($0) }
        guard status == 0 else {
            parentEnds.forEach { close($0) }
            throw Failure("cannot start \(executable.path): \(Self.errorText(status))")
        }
        self.pid = pid
        self.name = name
        self.inputEnd = inputEnd
        self.outputEnd = outputEnd
        self.errorEnd = errorEnd
    }

    deinit {
        let running = termination.withLock { $0 == nil }
        if running {
            kill(pid, SIGKILL)
            wait()
        }
        closeInput()
        if let outputEnd { close(outputEnd) }
        if let errorEnd { close(errorEnd) }
    }

    /// Waits for the child to end, blocking this thread; every later call answers the same.
    /// From async code, ``waitForExit()``.
    @discardableResult
    public func wait() -> Termination {
        if let ended = termination.withLock({ $0 }) { return ended }
        // Waits without reaping, so that reaping stays under the lock: a concurrent `ended`
        // cannot reap the child between this wait and the one below.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
        return termination.withLock { stored in
            if let stored { return stored }
            let ended = Self.reap(pid, options: 0) ?? .vanished
            stored = ended
            return ended
        }
    }

    /// Waits for the child to end on a thread of its own (see ``onOwnThread(_:)``).
    @discardableResult
    public func waitForExit() async -> Termination {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.wait()) }.start()
        }
    }

    /// How the child ended, or nil while it runs.
    public var ended: Termination? {
        termination.withLock { stored in
            if stored == nil { stored = Self.reap(pid, options: WNOHANG) }
            return stored
        }
    }

    public var isRunning: Bool { ended == nil }

    /// Sends `signal` unless the child has been reaped.
    public func signal(_ signal: Int32) {
        termination.withLock { stored in
            if stored == nil { kill(pid, signal) }
        }
    }

    /// Writes `bytes` to the child's standard input pipe; throws when the child has closed it.
    public func write(_ bytes: some Collection<UInt8>) throws {
        guard let inputEnd else { throw Failure("\(name) has no input pipe") }
        let all = Array(bytes)
        var written = 0
        while written < all.count {
            let count = all[written...].withUnsafeBytes { Glibc.write(inputEnd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure("cannot write to \(name): \(Self.errorText(errno))")
            }
            written += count
        }
    }

    public func write(_ text: String) throws { try write(Array(text.utf8)) }

    /// Closes the child's standard input pipe (it reads end of file); once.
    public func closeInput() {
        guard let inputEnd else { return }
        let wasOpen = inputOpen.withLock { open in
            defer { open = false }
            return open
        }
        if wasOpen { close(inputEnd) }
    }

    /// The next line of standard output without its newline; nil at end of file.
    public func readLine() -> String? {
        guard let outputEnd else { return nil }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(outputEnd, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count == 1 else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }

    /// What standard output holds now, waiting for something; empty at end of file.
    public func readChunk() -> [UInt8] {
        guard let outputEnd else { return [] }
        return Self.chunk(outputEnd)
    }

    /// Standard output to its end.
    public func readToEnd() -> Data { outputEnd.map(Self.all) ?? Data() }

    /// Standard error to its end.
    public func readErrorsToEnd() -> Data { errorEnd.map(Self.all) ?? Data() }

    /// Runs a program to completion, on a thread of its own; its output goes to files, so a
    /// large output cannot fill a pipe and stall it. `input` is its standard input. A child
    /// still running after `timeout` is killed, and that throws.
    public static func run(
        _ executable: URL, _ arguments: [String] = [], environment: [String: String]? = nil, directory: URL? = nil,
        input: String? = nil, timeout: Duration = .seconds(300)
    ) async throws -> Result {
        try await onOwnThread {
            try runBlocking(executable, arguments, environment: environment, directory: directory, input: input, timeout: timeout)
        }
    }

    /// ``run(_:_:environment:directory:input:timeout:)`` on the calling thread.
    public static func runBlocking(
        _ executable: URL, _ arguments: [String] = [], environment: [String: String]? = nil, directory: URL? = nil,
        input: String? = nil, timeout: Duration = .seconds(300)
    ) throws -> Result {
        let folder = try TestFolder.make("child")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("stdout").path
        let err = folder.appendingPathComponent("stderr").path
        var stdin = Input.null
        if let input {
            let path = folder.appendingPathComponent("stdin").path
            try Data(input.utf8).write(to: URL(fileURLWithPath: path))
            stdin = .file(path)
        }
        let child = try ChildProcess(
            executable, arguments, environment: environment, directory: directory, stdin: stdin, stdout: .file(out), stderr: .file(err)
        )
        let timedOut = Mutex(false)
        let watchdog = DispatchWorkItem {
            timedOut.withLock { $0 = true }
            child.signal(SIGKILL)
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: watchdog)
        let termination = child.wait()
        watchdog.cancel()
        if timedOut.withLock({ $0 }) {
            throw Failure("\(child.name) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        return Result(
            termination: termination,
            stdoutData: try Data(contentsOf: URL(fileURLWithPath: out)), stderrData: try Data(contentsOf: URL(fileURLWithPath: err))
        )
    }

    private static func reap(_ pid: pid_t, options: Int32) -> Termination? {
        var status: Int32 = 0
        while true {
            let answer = waitpid(pid, &status, options)
            if answer == pid { break }
            if answer == 0 { return nil }
            if errno == EINTR { continue }
            return .vanished
        }
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    private static func chunk(_ fd: Int32) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            return count > 0 ? Array(buffer[..<count]) : []
        }
    }

    private static func all(_ fd: Int32) -> Data {
        var data = Data()
        while case let bytes = chunk(fd), !bytes.isEmpty { data.append(contentsOf: bytes) }
        return data
    }

    private static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// A write to a pipe whose reader has gone raises SIGPIPE, which would end the whole test
    /// process; ignored, the write fails with EPIPE and ``write(_:)`` throws. Children get
    /// the default action back (`POSIX_SPAWN_SETSIGDEF`).
    private static let ignoreBrokenPipes: Void = { Glibc.signal(SIGPIPE, SIG_IGN) }()
}

/// The glibc functions Swift's Glibc module leaves out (they are declared under
/// `_GNU_SOURCE`), looked up once by name.
private struct GNU: @unchecked Sendable {
    // @unchecked because the members are C function pointers, immutable once looked up.
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    let addclosefrom: AddCloseFrom
    let addchdir: AddChdir
    let pipe2: Pipe2

    static func functions() throws -> GNU {
        guard let found = shared else {
            throw ChildProcess.Failure(
                "this C library lacks posix_spawn_file_actions_addclosefrom_np (glibc 2.34), addchdir_np or pipe2"
            )
        }
        return found
    }

    private static let shared: GNU? = {
        guard let closefrom = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np"),
              let chdir = dlsym(nil, "posix_spawn_file_actions_addchdir_np"), let pipe2 = dlsym(nil, "pipe2")
        else { return nil }
        return GNU(
            addclosefrom: unsafeBitCast(closefrom, to: AddCloseFrom.self), addchdir: unsafeBitCast(chdir, to: AddChdir.self),
            pipe2: unsafeBitCast(pipe2, to: Pipe2.self)
        )
    }()
}
