import Foundation
import Synchronization

/// A small HTTP/1.1 server on loopback (127.0.0.1 unless told another) for tests: a thread per connection, keep-alive,
/// and a handler that scripts each response (including misbehaving ones).
public final class LoopbackServer: Sendable {
    /// A parsed request.
    public struct Request: Sendable {
        /// The method, as sent (`GET`, `POST`, ...).
        public var method: String
        /// The request target: path and query, as sent.
        public var target: String
        /// The header fields in the order they came.
        public var headers: [(name: String, value: String)]
        /// The body (read with `Content-Length`; empty without one).
        public var body: [UInt8]

        /// Creates a request; the server builds these as it parses.
        public init(method: String, target: String, headers: [(name: String, value: String)], body: [UInt8]) {
            self.method = method
            self.target = target
            self.headers = headers
            self.body = body
        }

        /// The target without its query.
        public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }

        /// The first value of header `name`, compared case-insensitively.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The percent-decoded value of query parameter `key`; "" when present without a value.
        public func query(_ key: String) -> String? {
            guard let query = target.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.first.map(String.init) == key {
                    return parts.count > 1 ? String(parts[1]).removingPercentEncoding : ""
                }
            }
            return nil
        }
    }

    /// Answers one request by writing to the connection; runs on that connection's thread.
    public typealias Handler = @Sendable (Request, Connection) -> Void

    /// The port bound on ``host``.
    public let port: Int
    /// The IPv4 loopback address bound: 127.0.0.1, or another of 127/8 (which Linux
    /// answers on `lo` without configuration) for tests that tell two addresses apart.
    public let host: String
    private let listener: Int32
    private let handler: Handler
    private let stopped = Atomic<Bool>(false)
    private let stats = Mutex(Stats())

    /// Counters a test can assert on.
    public struct Stats: Sendable {
        /// Connections accepted so far.
        public var acceptedConnections = 0
        /// Requests parsed so far.
        public var requests = 0
        /// Connections open now.
        public var openConnections = 0
        /// The most connections open at once.
        public var peakOpenConnections = 0
        /// Requests being handled now.
        public var inFlight = 0
        /// The most requests handled at once.
        public var peakInFlight = 0
        /// Calls of `hit(_:)`, per key.
        public var hits: [String: Int] = [:]
        /// Paths whose client hung up before the handler finished (see `recordPeerClosedEarly`).
        public var peerClosedEarly: [String] = []
    }

    /// Binds a free port on `host` and starts accepting; `handler` answers every request.
    public init(host: String = "127.0.0.1", handler: @escaping Handler) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 256) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        self.host = host
        port = Int(UInt16(bigEndian: address.sin_port))
        self.handler = handler
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit {
        stop()
    }

    /// The URL of `path` (which starts with `/`) on this server.
    public func url(_ path: String) -> URL {
        URL(string: "http://\(host):\(port)\(path)")!
    }

    /// A snapshot of the counters.
    public var statistics: Stats { stats.withLock { $0 } }

    /// Stops accepting and ends the connections' loops; idempotent.
    ///
    /// The socket stops listening here and is closed by the accept loop as it ends. Closed
    /// here, its number could go to a socket another test opens before the loop's next poll
    /// or accept, and the loop would take that socket's connections and drop them.
    public func stop() {
        if !stopped.exchange(true, ordering: .acquiringAndReleasing) {
            shutdown(listener, Int32(SHUT_RDWR))
        }
    }

    /// A port on 127.0.0.1 that nothing listens on (bound, then closed), for tests of a
    /// refused connection.
    public static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether `stop()` was called.
    public var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Notes that the client of `path` hung up early.
    public func recordPeerClosedEarly(_ path: String) {
        stats.withLock { $0.peerClosedEarly.append(path) }
    }

    /// Counts calls per key, for scripted "fail the first time" behaviours.
    public func hit(_ key: String) -> Int {
        stats.withLock { stats in
            stats.hits[key, default: 0] += 1
            return stats.hits[key, default: 0]
        }
    }

    private func acceptLoop() {
        defer { close(listener) }
        while !isStopped {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            var yes: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            stats.withLock {
                $0.acceptedConnections += 1
                $0.openConnections += 1
                $0.peakOpenConnections = max($0.peakOpenConnections, $0.openConnections)
            }
            let connection = Connection(fd: client, server: self)
            let thread = Thread { [self] in
                serve(connection)
                stats.withLock { $0.openConnections -= 1 }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func serve(_ connection: Connection) {
        defer { connection.close() }
        while !isStopped, let request = connection.readRequest() {
            stats.withLock {
                $0.requests += 1
                $0.inFlight += 1
                $0.peakInFlight = max($0.peakInFlight, $0.inFlight)
            }
            handler(request, connection)
            stats.withLock { $0.inFlight -= 1 }
            if !connection.keepAlive || request.header("Connection")?.lowercased() == "close" { return }
        }
    }
}

/// One accepted connection, used by one thread.
// @unchecked because a connection is only ever used by the one thread that serves it.
public final class Connection: @unchecked Sendable {
    /// The socket.
    public let fd: Int32
    /// The server that accepted it.
    public let server: LoopbackServer
    /// Set to false to close the connection after the current response.
    public var keepAlive = true
    private var buffer: [UInt8] = []
    private var closed = false

    init(fd: Int32, server: LoopbackServer) {
        self.fd = fd
        self.server = server
    }

    /// Reads the next request; nil when the peer closed or the server stopped.
    func readRequest() -> LoopbackServer.Request? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            if let range = firstRange(of: separator) { headEnd = range; break }
            guard fill() else { return nil }
        }
        guard let headEnd else { return nil }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var request = LoopbackServer.Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: [])
        let length = Int(request.header("Content-Length") ?? "0") ?? 0
        while buffer.count < length {
            guard fill() else { return nil }
        }
        request.body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return request
    }

    private func firstRange(of separator: [UInt8]) -> Int? {
        guard buffer.count >= separator.count else { return nil }
        for index in 0...(buffer.count - separator.count) where buffer[index] == separator[0] {
            if Array(buffer[index..<index + separator.count]) == separator { return index }
        }
        return nil
    }

    /// Reads more bytes; false when the peer closed or the server stopped.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while !server.isStopped {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready == 0 { continue }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return false }
            buffer.append(contentsOf: chunk[..<count])
            return true
        }
        return false
    }

    /// Writes raw bytes; false when the peer is gone.
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent < 0, errno == EINTR { continue }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// Writes raw bytes; false when the peer is gone.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Writes text as UTF-8; false when the peer is gone.
    @discardableResult
    public func write(_ text: String) -> Bool {
        write(Array(text.utf8))
    }

    /// Sends a complete response with `Content-Length`.
    public func respond(_ status: Int, _ headers: [(String, String)] = [], body: [UInt8] = [], reason: String = "Whatever") {
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !headers.contains(where: { $0.0.lowercased() == "content-length" }) {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        write(Array(head.utf8) + body)
    }

    /// Sends a complete response whose body is `text` in UTF-8.
    public func respond(_ status: Int, _ headers: [(String, String)] = [], text: String) {
        respond(status, headers, body: Array(text.utf8))
    }

    /// Waits until the client closes the connection (true) or `timeout` passes (false),
    /// discarding anything it sends.
    public func waitForPeerClose(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        var scratch = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline, !server.isStopped {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let count = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return true }
        }
        return false
    }

    /// Closes the socket; idempotent.
    public func close() {
        guard !closed else { return }
        closed = true
        keepAlive = false
        Foundation.close(fd)
    }
}
