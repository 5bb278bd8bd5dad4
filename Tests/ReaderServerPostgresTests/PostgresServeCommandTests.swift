import Foundation
import LoopbackHTTP
import ReaderModels
import Testing

/// `reader-server serve --database postgres://…`, started as an operator would: it prints its
/// URL, answers `/ready`, takes a push and serves it back in a pull, and exits 0 on SIGTERM.
/// And the feed commands and `articles import` on `--database`.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresServeCommandTests {
    static var executable: URL {
        get throws {
            let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            let candidates = (0..<4).map { level in
                (0..<level).reduce(binary) { folder, _ in folder.deletingLastPathComponent() }.appendingPathComponent("reader-server")
            }
            return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
        }
    }

    static func run(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess.run(try executable, arguments, timeout: .seconds(120))
    }

    @Test func serveRunsOnPostgresAndAnswersReadyAndASync() async throws {
        let url = try await PostgresTestCluster.freshDatabase().description
        let added = try await Self.run(["users", "add", "ada", "--database", url])
        #expect(added.status == 0, "\(added)")
        let token = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let folder = try TestFolder.make("pg-serve")
        defer { try? FileManager.default.removeItem(at: folder) }
        let errors = folder.appendingPathComponent("stderr").path
        let server = try ChildProcess(
            try Self.executable, ["serve", "--port", "0", "--refresh-interval", "0", "--database", url],
            stdout: .pipe, stderr: .file(errors)
        )
        let line = try await onOwnThread { server.readLine() }
        let base = try #require(line.flatMap { URL(string: $0) }, "serve printed no URL: \(String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: errors))) ?? Data(), as: UTF8.self))")
        let port = try #require(base.port)

        let ready = try await RawHTTP.send(port: port, "GET", "/ready")
        #expect(ready.status == 200 && ready.body.contains("\"ok\""), "\(ready)")

        let mutation = WireMutation(
            id: "m1", entity: .subscription, entityID: "https://example.org/feed.xml", op: .set, baseRevision: nil,
            fields: ["subscribed": .bool(true), "tags": .array([]), "title": .string("Example")],
            hlc: HLC(wallMillis: Timestamp.millis(Date()), counter: 0, node: "device-a")
        )
        let push = try JSONEncoder().encode(PushRequest(clientID: "device-a", mutations: [mutation]))
        let pushed = try await RawHTTP.send(port: port, "POST", "/v1/mutations", token: token, body: push)
        #expect(pushed.status == 200 && pushed.body.contains("\"applied\""), "\(pushed)")
        let pulled = try await RawHTTP.send(port: port, "GET", "/v1/changes?since=0", token: token)
        #expect(pulled.status == 200 && pulled.body.contains("https://example.org/feed.xml"), "\(pulled)")
        let refused = try await RawHTTP.send(port: port, "GET", "/v1/changes?since=0", token: "0" + token.dropFirst())
        #expect(refused.status == 401 || token.hasPrefix("0"))

        server.signal(SIGTERM)
        let end = try await onOwnThread { server.wait() }
        #expect(end == .exited(0), "\(end)")
        let log = String(decoding: try Data(contentsOf: URL(fileURLWithPath: errors)), as: UTF8.self)
        #expect(log.contains("\"event\":\"stopped\""))
        #expect(!log.contains(token), "the token is never logged")
    }

    @Test func theFeedCommandsAndImportRunOnPostgres() async throws {
        let url = try await PostgresTestCluster.freshDatabase().description
        let body = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title><link>https://example.org/</link>
            <item><title>One</title><guid>one</guid><link>https://example.org/1</link></item>
            <item><title>Two</title><guid>two</guid><link>https://example.org/2</link></item>
            </channel></rss>
            """
        let web = try RoutedServer(["/feed.xml": .body(Array(body.utf8), contentType: "application/rss+xml", etag: "\"v1\"")])
        let feed = web.url("/feed.xml").absoluteString
        #expect(try await Self.run(["users", "add", "ada", "--database", url]).status == 0)
        let added = try await Self.run(["feeds", "add", "ada", feed, "--allow-private-networks", "--database", url])
        #expect(added.status == 0 && added.stdout == "ada subscribed to Loop <\(feed)>: 2 new, 0 updated articles\n", "\(added)")
        let listed = try await Self.run(["feeds", "list", "--database", url])
        #expect(listed.status == 0 && listed.stdout.hasPrefix("1 user\tok 200\t") && listed.stdout.hasSuffix("\tLoop\t<\(feed)>\n"), "\(listed)")
        // Fetched by an admin command: due at the next refresh, as on SQLite (a conditional GET).
        let refreshed = try await Self.run(["feeds", "refresh", "--allow-private-networks", "--database", url])
        #expect(refreshed.stdout == "1 feed: 0 fetched, 1 not modified, 0 failed; 0 new, 0 updated articles\n", "\(refreshed)")
        #expect(web.requests == 2)

        let folder = try TestFolder.make("pg-import")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("more.xml").path
        try body.replacingOccurrences(of: "<guid>two</guid>", with: "<guid>three</guid>").write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try await Self.run(["articles", "import", "--user", "ada", file, "--database", url])
        #expect(imported.status == 0 && imported.stdout.hasPrefix("\(file): 2 new, 0 updated") && imported.stdout.hasSuffix("(rss)\n"), "\(imported)")

        #expect(try await Self.run(["feeds", "rm", "ada", feed, "--database", url]).status == 0)
        let gone = try await Self.run(["feeds", "rm", "ada", feed, "--database", url])
        #expect(gone.status == 1 && gone.stderr.hasPrefix("reader-server: "), "\(gone)")
        #expect(try await Self.run(["feeds", "list", "--database", url]).stdout.hasPrefix("0 users\t"))
    }
}

/// One HTTP/1.1 request over a socket of its own, read to the end (`Connection: close`): the
/// server under test is a separate process, so no in-process client will do, and this needs
/// no HTTP library.
enum RawHTTP {
    struct Response: CustomStringConvertible {
        var status: Int
        var body: String
        var description: String { "\(status) \(body.prefix(300))" }
    }

    static func send(port: Int, _ method: String, _ path: String, token: String? = nil, body: Data = Data()) async throws -> Response {
        try await onOwnThread {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw ChildProcess.Failure("socket: \(errno)") }
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw ChildProcess.Failure("connect: \(errno)") }
            var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
            if let token { head += "Authorization: Bearer \(token)\r\n" }
            if !body.isEmpty { head += "Content-Type: application/json\r\n" }
            let request = Array((head + "\r\n").utf8) + Array(body)
            var sent = 0
            while sent < request.count {
                let count = request[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { throw ChildProcess.Failure("send: \(errno)") }
                sent += count
            }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = recv(socket, &buffer, buffer.count, 0)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                received += buffer[0..<count]
            }
            let text = String(decoding: received, as: UTF8.self)
            let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
            let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
            return Response(status: status, body: body)
        }
    }
}
