import Foundation
import LoopbackHTTP
import ReaderHTTP

/// The scripted behaviours of the loopback server, by path.
enum TestRoutes {
    static let sampleText: [UInt8] = Array(
        (0..<4000).map { "line \($0): the quick brown fox jumps over the lazy dog\n" }.joined().utf8
    )

    /// Pattern byte at `offset` of a generated body, so a receiver can check any chunk
    /// (251 is prime, so chunk boundaries never line up with the period).
    static func patternByte(_ offset: Int) -> UInt8 {
        UInt8(offset % 251)
    }

    static func start() throws -> LoopbackServer {
        try LoopbackServer { request, connection in handle(request, connection) }
    }

    static func handle(_ request: LoopbackServer.Request, _ connection: Connection) {
        if request.target.hasPrefix("http://") {
            // Absolute form: this server is being used as a proxy.
            connection.respond(200, [("X-Proxied", "yes")], text: request.target)
            return
        }
        let parts = request.path.split(separator: "/").map(String.init)
        switch parts.first ?? "" {
        case "status":
            let code = Int(parts.dropFirst().first ?? "") ?? 500
            connection.respond(code, [("X-Status", "\(code)")], text: "status \(code)")
        case "headers":
            let echo = request.headers.map { "\($0.name): \($0.value)\n" }.joined()
            connection.respond(200, [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("X-Multi", "one"), ("x-multi", "two")], text: echo)
        case "echo":
            connection.respond(200, [("X-Method", request.method), ("Content-Type", "application/octet-stream")], body: request.body)
        case "redirect":
            let status = Int(request.query("status") ?? "") ?? 302
            connection.respond(status, [("Location", request.query("to") ?? "/echo")], text: "moved")
        case "loop":
            connection.respond(302, [("Location", parts.last == "a" ? "/loop/b" : "/loop/a")], text: "")
        case "chain":
            let remaining = Int(parts.last ?? "") ?? 0
            if remaining == 0 {
                connection.respond(200, text: "end of chain")
            } else {
                connection.respond(302, [("Location", "/chain/\(remaining - 1)")], text: "")
            }
        case "encoded":
            encoded(parts.last ?? "", request, connection)
        case "bytes":
            bytes(Int(parts.last ?? "") ?? 0, sized: true, connection)
        case "unsized":
            bytes(Int(parts.last ?? "") ?? 0, sized: false, connection)
        case "truncated":
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            connection.write([UInt8](repeating: 0x61, count: 500))
            connection.close()
        case "stall":
            // Headers, then nothing until the client gives up.
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
            if connection.waitForPeerClose(timeout: .seconds(30)) { connection.server.recordPeerClosedEarly(request.path) }
            connection.close()
        case "silent":
            // Not even a status line.
            if connection.waitForPeerClose(timeout: .seconds(30)) { connection.server.recordPeerClosedEarly(request.path) }
            connection.close()
        case "slow-body":
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n")
            connection.write([UInt8](repeating: 0x62, count: 64 * 1024))
            if connection.waitForPeerClose(timeout: .seconds(30)) { connection.server.recordPeerClosedEarly(request.path) }
            connection.close()
        case "flaky":
            flaky(parts.last ?? "", request, connection)
        case "etag":
            if request.header("If-None-Match") == "\"v1\"" {
                connection.respond(304, [("ETag", "\"v1\"")])
            } else {
                connection.respond(200, [("ETag", "\"v1\""), ("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT")], text: "fresh")
            }
        case "sleep":
            usleep(UInt32(Int(request.query("ms") ?? "") ?? 10) * 1000)
            connection.respond(200, text: request.query("id") ?? "")
        default:
            connection.respond(404, text: "no route for \(request.path)")
        }
    }

    private static func encoded(_ coding: String, _ request: LoopbackServer.Request, _ connection: Connection) {
        let body: [UInt8]
        switch coding {
        case "gzip": body = TestEncoders.gzip(sampleText)
        case "deflate": body = TestEncoders.zlib(sampleText)
        case "br": body = TestEncoders.brotli(sampleText)
        case "zstd": body = TestEncoders.zstd(sampleText)
        default: body = sampleText
        }
        connection.respond(200, [("Content-Encoding", coding), ("X-Accept-Encoding", request.header("Accept-Encoding") ?? "")], body: body)
    }

    /// `count` pattern bytes, written in large blocks straight from one buffer.
    private static func bytes(_ count: Int, sized: Bool, _ connection: Connection) {
        let head = sized
            ? "HTTP/1.1 200 OK\r\nContent-Length: \(count)\r\n\r\n"
            : "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
        guard connection.write(head) else { return }
        let blockSize = 256 * 1024
        let block = (0..<blockSize + 251).map(patternByte)
        var sent = 0
        while sent < count {
            let size = min(blockSize, count - sent)
            let start = sent % 251
            let ok = block.withUnsafeBytes { connection.write(UnsafeRawBufferPointer(rebasing: $0[start..<start + size])) }
            guard ok else { return }
            sent += size
        }
        if !sized { connection.close() }
    }

    private static func flaky(_ id: String, _ request: LoopbackServer.Request, _ connection: Connection) {
        let attempt = connection.server.hit(request.path)
        guard attempt == 1 else {
            connection.respond(200, text: "ok after \(attempt) attempts")
            return
        }
        let retryAfter = request.query("date") != nil
            // Far enough ahead that a loaded machine's delay before the client reads it cannot
            // eat the whole wait (the tests inject the sleep, so nobody waits a minute).
            ? HTTPDate.format(Date().addingTimeInterval(60))
            : "1"
        connection.respond(503, [("Retry-After", retryAfter)], text: "busy")
    }
}
