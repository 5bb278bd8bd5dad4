import Foundation
import ReaderCurl
import ReaderHTTP
import Synchronization

/// `reader-bench http [--megabytes N] [--requests N] [--rounds N]`: the HTTP client on
/// loopback against a server in this process.
///
/// - a large download, streamed and discarded, against the `curl` command line on the same
///   URL in the same run (goal: at least 90% of curl's throughput);
/// - many small sequential requests on one reused connection, against a raw-socket client
///   doing the same exchanges, so the difference is the client's own overhead (goal: under
///   100 µs per request).
enum HTTPBenchmark {
    static let command = "http"

    static let usage = """
        usage: reader-bench http [--megabytes N] [--requests N] [--rounds N]

          --megabytes N   size of the large download in MiB (default 2048)
          --requests N    small sequential requests to time (default 1000)
          --rounds N      repetitions of each measurement, alternated; medians are reported (default 5)
        """

    struct Options {
        var megabytes = 2048
        var requests = 1000
        var rounds = 5

        init(arguments: [String]) throws {
            var rest = arguments[...]
            while let option = rest.popFirst() {
                guard let text = rest.popFirst(), let value = Int(text), value > 0 else {
                    throw BenchError("\(option) needs a positive number\n\n\(HTTPBenchmark.usage)")
                }
                switch option {
                case "--megabytes": megabytes = value
                case "--requests": requests = value
                case "--rounds": rounds = value
                default: throw BenchError("unknown argument \(option)\n\n\(HTTPBenchmark.usage)")
                }
            }
        }
    }

    /// Runs the HTTP benchmarks, printing one line per figure.
    static func run(_ arguments: [String]) throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            Report.emit(usage)
            return
        }
        let options = try Options(arguments: arguments)
        try blockingWait { try await measureAll(options) }
    }

    private static func measureAll(_ options: Options) async throws {
        let server = try BenchHTTPServer()
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(proxy: .direct))
        #if DEBUG
        Report.note("warning: a debug build; figures mean something only from `swift build -c release`")
        #endif
        Report.note("reader-bench http  \(ProcessInfo.processInfo.activeProcessorCount) cores  "
            + "load \(loadAverage())  server 127.0.0.1:\(server.port)  \(client.configuration.userAgent)")
        try await download(options, server: server, client: client)
        try await smallRequests(options, server: server, client: client)
        Report.note("load average at the end \(loadAverage())")
    }

    // MARK: Large download

    private static func download(_ options: Options, server: BenchHTTPServer, client: CurlHTTPClient) async throws {
        let size = options.megabytes << 20
        let url = try server.url("/bytes/\(size)")
        var toFile: [Double] = []
        var streamed: [Double] = []
        var curl: [Double] = []
        // Alternated so that both sides see the same background load; medians, not bests,
        // so that one lucky round does not decide.
        for _ in 0..<options.rounds {
            toFile.append(try await downloadToFile(url, size: size, client: client))
            curl.append(try downloadWithCurl(url, size: size))
            streamed.append(try await downloadWithReader(url, size: size, client: client))
        }
        let curls = Report.median(curl)
        let ours = Report.median(toFile)
        let ratio = ours / curls
        Report.line("http", options.megabytes, "download MiB, curl CLI", gigabytes(curls), "curl -o /dev/null, median of \(options.rounds)")
        Report.line("http", options.megabytes, "download MiB, ReaderHTTP", gigabytes(ours), "client.download(to: /dev/null), same URL")
        Report.line("http", options.megabytes, "ReaderHTTP / curl", Report.fixed(ratio * 100, 1) + " %", "",
                    goal: Goal(text: ">= 90 %", met: ratio >= 0.9))
        Report.line("http", options.megabytes, "stream MiB, ReaderHTTP", gigabytes(Report.median(streamed)),
                    "client.stream, chunks read by a task (\(Report.fixed(Report.median(streamed) / curls * 100, 1)) % of curl; not a goal)")
    }

    /// Bytes per second for one download written to /dev/null by the transfer thread.
    private static func downloadToFile(_ url: URL, size: Int, client: CurlHTTPClient) async throws -> Double {
        let start = ContinuousClock.now
        let download = try await client.download(HTTPRequest(url: url), to: "/dev/null", maxBodyBytes: nil)
        let seconds = (ContinuousClock.now - start).seconds
        guard download.byteCount == size else { throw BenchError("ReaderHTTP wrote \(download.byteCount) of \(size) bytes") }
        return Double(size) / seconds
    }

    /// Bytes per second for one streamed download.
    private static func downloadWithReader(_ url: URL, size: Int, client: CurlHTTPClient) async throws -> Double {
        let start = ContinuousClock.now
        let response = try await client.stream(HTTPRequest(url: url))
        var received = 0
        for try await chunk in response.body { received += chunk.count }
        let seconds = (ContinuousClock.now - start).seconds
        guard received == size else { throw BenchError("ReaderHTTP received \(received) of \(size) bytes") }
        return Double(size) / seconds
    }

    /// Bytes per second for `curl` on the same URL, by curl's own clock. Started with
    /// posix_spawn (`ChildProcess`), not Foundation's `Process`, which can crash with many
    /// descriptors open; its RSS is not sampled, so no thread of ours competes with it.
    private static func downloadWithCurl(_ url: URL, size: Int) throws -> Double {
        let output = try ChildProcess.output(
            "/usr/bin/env",
            ["curl", "--silent", "--show-error", "--noproxy", "*", "--output", "/dev/null",
             "--write-out", "%{size_download} %{time_total}", url.absoluteString],
            samplePeak: false
        )
        let fields = output.split(separator: " ")
        guard fields.count == 2, let bytes = Int(fields[0]), let seconds = Double(fields[1]), bytes == size, seconds > 0 else {
            throw BenchError("curl on \(url) printed \(output), not the \(size) bytes it should have downloaded")
        }
        return Double(bytes) / seconds
    }

    // MARK: Small requests

    private static func smallRequests(_ options: Options, server: BenchHTTPServer, client: CurlHTTPClient) async throws {
        let url = try server.url("/small")
        let request = HTTPRequest(url: url)
        for _ in 0..<50 { _ = try await client.send(request) }
        var ours: [Double] = []
        var raw: [Double] = []
        var serverTimes: [Double] = []
        let connectionsBefore = server.acceptedConnections
        for _ in 0..<options.rounds {
            server.resetServerTime()
            let start = ContinuousClock.now
            for _ in 0..<options.requests {
                let response = try await client.send(request)
                guard response.status == 200, response.body.count == 2 else { throw BenchError("unexpected small response") }
            }
            ours.append((ContinuousClock.now - start).seconds / Double(options.requests))
            serverTimes.append(server.serverTime / Double(options.requests))
            raw.append(try RawHTTPClient.timeSequential(port: server.port, path: "/small", count: options.requests))
        }
        let newConnections = server.acceptedConnections - connectionsBefore - options.rounds
        let overhead = Report.median(ours) - Report.median(raw)
        Report.line("http", options.requests, "small GETs, ReaderHTTP", micros(Report.median(ours)) + "/req",
                    "median of \(options.rounds), sequential; \(newConnections) new connections (reused)")
        Report.line("http", options.requests, "small GETs, raw socket", micros(Report.median(raw)) + "/req", "same exchange, hand-written client")
        Report.line("http", options.requests, "small GETs, server work", micros(Report.median(serverTimes)) + "/req", "parse + write, inside the server")
        Report.line("http", options.requests, "client overhead", micros(overhead) + "/req", "ReaderHTTP − raw socket",
                    goal: Goal(text: "< 100 µs", met: overhead < 100e-6))
    }

    // MARK: Helpers

    private static func gigabytes(_ bytesPerSecond: Double) -> String {
        Report.fixed(bytesPerSecond / 1e9, 2) + " GB/s"
    }

    private static func micros(_ seconds: Double) -> String {
        Report.fixed(seconds * 1e6, 1) + " µs"
    }
}

/// What the benchmarks' threads share: a locked value read and replaced whole.
extension Mutex where Value: Sendable {
    func get() -> Value { withLock { $0 } }
    func set(_ newValue: Value) { withLock { $0 = newValue } }
}

/// A minimal keep-alive HTTP/1.1 client on a raw socket: the floor for small requests.
enum RawHTTPClient {
    /// Seconds per request for `count` sequential GETs on one connection.
    static func timeSequential(port: Int, path: String, count: Int) throws -> Double {
        let fd = try BenchSocket.connect(port: port)
        defer { close(fd) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: raw\r\nAccept: */*\r\n\r\n".utf8)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let start = ContinuousClock.now
        for _ in 0..<count {
            guard BenchSocket.writeAll(fd, request) else { throw BenchError("raw client: write failed") }
            var have = 0
            while true {
                let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress.map { $0 + have }, $0.count - have, 0) }
                guard got > 0 else { throw BenchError("raw client: connection closed") }
                have += got
                if let length = BenchSocket.completeResponseLength(buffer, count: have), have >= length { break }
            }
        }
        return (ContinuousClock.now - start).seconds / Double(count)
    }
}

/// Socket helpers shared by the benchmark server and the raw client.
enum BenchSocket {
    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, result == 0 else { throw BenchError("cannot connect to 127.0.0.1:\(port)") }
        noDelay(fd)
        return fd
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }

    static func noDelay(_ fd: Int32) {
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count, let base = bytes.baseAddress {
            let sent = send(fd, base + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent < 0, errno == EINTR { continue }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { writeAll(fd, $0) }
    }

    /// The offset just past the blank line ending a header block, if present.
    static func headerEnd(_ buffer: [UInt8], count: Int) -> Int? {
        guard count >= 4 else { return nil }
        for index in 0...(count - 4) where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    /// The full length of a response with `Content-Length`, once its headers are in.
    static func completeResponseLength(_ buffer: [UInt8], count: Int) -> Int? {
        guard let end = headerEnd(buffer, count: count) else { return nil }
        let head = String(decoding: buffer[..<end], as: UTF8.self).lowercased()
        guard let range = head.range(of: "content-length:") else { return end }
        let digits = head[range.upperBound...].prefix { $0 != "\r" }.trimmingCharacters(in: .whitespaces)
        return end + (Int(digits) ?? 0)
    }
}

/// The loopback server the HTTP benchmark talks to: a thread per connection, keep-alive,
/// `GET /bytes/N` (N bytes written from one buffer) and `GET /small` (a 2-byte body).
// @unchecked Sendable because the listener never changes after init and the counters are
// behind a `Mutex`.
final class BenchHTTPServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let stopped = Mutex(false)
    private let counters = Mutex((connections: 0, serverNanoseconds: 0))
    private static let block = [UInt8](repeating: 0x78, count: 1 << 20)

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = BenchSocket.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 64) == 0 else { throw BenchError("cannot listen on 127.0.0.1") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    func url(_ path: String) throws -> URL {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { throw BenchError("bad path \(path)") }
        return url
    }

    var acceptedConnections: Int { counters.get().connections }
    /// Seconds spent handling requests since the last reset.
    var serverTime: Double { Double(counters.get().serverNanoseconds) / 1e9 }

    func resetServerTime() {
        counters.withLock { $0.serverNanoseconds = 0 }
    }

    func stop() {
        stopped.set(true)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while !stopped.get() {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            BenchSocket.noDelay(client)
            counters.withLock { $0.connections += 1 }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var have = 0
        while true {
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress.map { $0 + have }, $0.count - have, 0) }
            guard got > 0 else { return }
            have += got
            while let end = BenchSocket.headerEnd(buffer, count: have) {
                let started = ContinuousClock.now
                let line = String(decoding: buffer[..<min(end, 256)], as: UTF8.self).split(separator: " ")
                let path = line.count > 1 ? String(line[1]) : "/"
                buffer.replaceSubrange(0..<end, with: [])
                buffer.append(contentsOf: [UInt8](repeating: 0, count: end))
                have -= end
                guard respond(fd, path: path, started: started) else { return }
            }
        }
    }

    private func respond(_ fd: Int32, path: String, started: ContinuousClock.Instant) -> Bool {
        if path == "/small" {
            let ok = BenchSocket.writeAll(fd, Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8))
            let elapsed = ContinuousClock.now - started
            let nanos = Int(elapsed.components.seconds) * 1_000_000_000 + Int(elapsed.components.attoseconds / 1_000_000_000)
            counters.withLock { $0.serverNanoseconds += nanos }
            return ok
        }
        guard path.hasPrefix("/bytes/"), let size = Int(path.dropFirst(7)) else {
            return BenchSocket.writeAll(fd, Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".utf8))
        }
        guard BenchSocket.writeAll(fd, Array("HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\n\r\n".utf8)) else { return false }
        var sent = 0
        while sent < size {
            let count = min(Self.block.count, size - sent)
            let ok = Self.block.withUnsafeBytes { BenchSocket.writeAll(fd, UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            guard ok else { return false }
            sent += count
        }
        return true
    }
}
