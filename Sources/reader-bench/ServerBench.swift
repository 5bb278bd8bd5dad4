import Foundation
import ReaderCurl
import ReaderHTTP
import ReaderModels

/// `reader-bench server [--articles N] [--mutations M] [--seed S] [--workdir DIR]`: the sync
/// server on loopback as a client sees it. A real `reader-server serve` child process gets
/// N generated articles (~3 KB each) through `reader-server articles import`, then:
///
/// - pull throughput: every change from the start in pages of 1,000 through `CurlHTTPClient`,
///   each page decoded as a `ChangePage`, once gzipped (what clients ask for) and once not;
/// - push throughput: M article-state mutations in batches of 500;
/// - the server process's peak RSS (`VmHWM`) over all of it.
///
/// With `--concurrent-pulls N` it measures instead the server's peak RSS while N clients
/// pull large pages at once (`ServerPullLoad`); `--server-binary PATH` runs another build
/// of the server (an earlier one, for a figure before a change).
enum ServerBench {
    static let command = "server"
    static let pageSize = 1000
    static let batchSize = 500

    static let usage = """
        usage: reader-bench server [--articles N] [--mutations M] [--seed S] [--workdir DIR] [--server-binary PATH]
               reader-bench server --concurrent-pulls N [--notes M] [--note-kb K] [--articles N] [--server-binary PATH]
        """

    struct Options {
        var articles = 100_000
        var mutations = 10_000
        var seed: UInt64 = 42
        var workdir: String?
        var serverBinary: String?
        var concurrentPulls: Int?
        var notes = 200
        var noteKB = 64

        init(_ arguments: [String]) throws {
            var rest = arguments[...]
            while let option = rest.popFirst() {
                guard let value = rest.popFirst() else { throw BenchError("\(option) needs a value\n\(ServerBench.usage)") }
                switch option {
                case "--articles": articles = try Self.positive(option, value)
                case "--mutations": mutations = try Self.positive(option, value)
                case "--seed":
                    guard let number = UInt64(value) else { throw BenchError("--seed takes a whole number, not \(value)") }
                    seed = number
                case "--workdir": workdir = value
                case "--server-binary": serverBinary = value
                case "--concurrent-pulls": concurrentPulls = try Self.positive(option, value)
                case "--notes": notes = try Self.positive(option, value)
                case "--note-kb": noteKB = try Self.positive(option, value)
                default: throw BenchError("unknown argument \(option)\n\(ServerBench.usage)")
                }
            }
        }

        private static func positive(_ option: String, _ value: String) throws -> Int {
            guard let number = Int(value.replacingOccurrences(of: "_", with: "")), number > 0 else {
                throw BenchError("\(option) takes a positive count, not \(value)")
            }
            return number
        }
    }

    static func run(_ arguments: [String]) throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            Report.emit(usage)
            return
        }
        let options = try Options(arguments)
        let serverBinary = try options.serverBinary ?? ChildProcess.sibling("reader-server")
        let workdir = try Workdir(options.workdir)
        defer { workdir.cleanUp() }
        #if DEBUG
        Report.note("warning: a debug build; figures mean something only from `swift build -c release`")
        #endif
        Report.note("reader-bench server  seed \(options.seed)  \(ProcessInfo.processInfo.activeProcessorCount) cores  load \(loadAverage())")

        let feed = workdir.path + "/server-\(options.articles).xml"
        let bytes = try FeedWriter.write(.rss, count: options.articles, generator: ArticleGenerator(seed: options.seed), to: feed)
        let database = workdir.path + "/server.sqlite"
        let server = try ChildProcess(serverBinary, ["serve", "--db", database, "--port", "0"], captureStdout: true)
        let base = server.firstLine()
        guard let url = URL(string: base), base.hasPrefix("http") else {
            _ = server.stop()
            throw BenchError("reader-server did not print its URL (got \"\(base)\")")
        }
        defer { _ = server.stop() }
        Report.note("server \(base), pid \(server.pid)")

        // Imported by a second process while the server runs, as an operator would.
        let token = try ChildProcess.output(serverBinary, ["users", "add", "bench", "--db", database])
        let (importSeconds, _) = try ChildProcess.run(serverBinary, ["articles", "import", "--db", database, "--user", "bench", feed])
        try? FileManager.default.removeItem(atPath: feed)
        Report.line("server", options.articles, "articles import (setup)", Report.rate(options.articles, importSeconds, unit: "articles/s"),
                    "(\(Report.megabytes(bytes)) RSS file, \(Report.fixed(importSeconds, 1)) s)")

        if let clients = options.concurrentPulls {
            let load = ServerPullLoad.Options(clients: clients, notes: options.notes, noteBytes: options.noteKB * 1024)
            let pid = server.pid
            try blockingWait {
                let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(proxy: .direct))
                try await ServerPullLoad.run(load, session: Session(base: url, token: token, client: client), serverPID: pid)
            }
            Report.note("load average at the end \(loadAverage())")
            return
        }
        try blockingWait {
            let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(proxy: .direct))
            let session = Session(base: url, token: token, client: client)
            let (ids, gzipped) = try await pull(session, expected: options.articles, gzip: true)
            Report.line("server", options.articles, "pull, gzip (ChangePage decoded)", Report.rate(ids.count, gzipped.seconds, unit: "articles/s"),
                        "(\(Report.fixed(gzipped.seconds, 2)) s, \(gzipped.pages) pages of \(pageSize), \(Report.megabytes(gzipped.wireBytes)) on the wire)")
            let (_, plain) = try await pull(session, expected: options.articles, gzip: false)
            Report.line("server", options.articles, "pull, identity", Report.rate(ids.count, plain.seconds, unit: "articles/s"),
                        "(\(Report.fixed(plain.seconds, 2)) s, \(Report.megabytes(plain.wireBytes)) on the wire)")
            let count = min(options.mutations, ids.count)
            let pushSeconds = try await push(session, articleIDs: Array(ids.prefix(count)))
            Report.line("server", count, "push, batches of \(batchSize)", Report.rate(count, pushSeconds, unit: "mutations/s"),
                        "(\(Report.fixed(pushSeconds, 2)) s, \(Report.fixed(pushSeconds / Double((count + batchSize - 1) / batchSize) * 1000, 1)) ms a batch)")
        }
        if let peak = peakResidentBytes(of: server.pid) {
            Report.line("server", options.articles, "peak RSS of reader-server", Report.megabytes(peak), "(VmHWM: import by another process, pulls, pushes)")
        }
        Report.note("load average at the end \(loadAverage())")
    }

    /// What the client needs to talk to the server.
    struct Session: Sendable {
        let base: URL
        let token: String
        let client: CurlHTTPClient

        func request(_ path: String, method: HTTPMethod = .get, body: [UInt8]? = nil, gzip: Bool = true) -> HTTPRequest {
            var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            // The client asks for every encoding it decodes; identity turns compression off.
            if !gzip { headers = ["Authorization": "Bearer \(token)", "Accept-Encoding": "identity"] }
            if body != nil { headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"] }
            return HTTPRequest(
                url: base.appendingPathComponent(path), method: method, headers: headers, body: body.map { .bytes($0) } ?? .none
            )
        }
    }

    struct PullFigures {
        var seconds: Double
        var pages: Int
        var wireBytes: Int
    }

    /// Pulls every change from the start; returns the article ids in feed order.
    private static func pull(_ session: Session, expected: Int, gzip: Bool) async throws -> ([String], PullFigures) {
        var cursor = "0"
        var ids: [String] = []
        ids.reserveCapacity(expected)
        var pages = 0
        var wireBytes = 0
        let decoder = JSONDecoder()
        let start = ContinuousClock.now
        while true {
            var request = session.request("v1/changes", gzip: gzip)
            guard var components = URLComponents(url: request.url, resolvingAgainstBaseURL: false) else { throw BenchError("bad URL") }
            components.queryItems = [URLQueryItem(name: "since", value: cursor), URLQueryItem(name: "limit", value: String(pageSize))]
            guard let url = components.url else { throw BenchError("bad URL") }
            request.url = url
            let response = try await session.client.send(request, maxBodyBytes: 256 << 20)
            guard response.status == 200 else { throw BenchError("pull answered \(response.status): \(response.text)") }
            wireBytes += response.headers["Content-Length"].flatMap { Int($0) } ?? response.body.count
            let page = try decoder.decode(ChangePage.self, from: Data(response.body))
            for change in page.changes {
                if case .article(let article) = change.change { ids.append(article.id) }
            }
            pages += 1
            cursor = page.nextCursor
            if !page.hasMore { break }
        }
        let seconds = (ContinuousClock.now - start).seconds
        guard ids.count == expected else { throw BenchError("pulled \(ids.count) articles of the \(expected) imported") }
        return (ids, PullFigures(seconds: seconds, pages: pages, wireBytes: wireBytes))
    }

    /// Marks each article read, `batchSize` mutations a push; returns the seconds taken.
    private static func push(_ session: Session, articleIDs: [String]) async throws -> Double {
        var clock = HybridClock(node: "bench")
        let encoder = JSONEncoder()
        let wall = Int64(Date().timeIntervalSince1970 * 1000)
        var batches: [[UInt8]] = []
        for (number, batch) in stride(from: 0, to: articleIDs.count, by: batchSize).enumerated() {
            let mutations = articleIDs[batch..<min(batch + batchSize, articleIDs.count)].enumerated().map { offset, id in
                WireMutation(
                    id: "m-\(number)-\(offset)", entity: .articleState, entityID: id, op: .set, baseRevision: nil,
                    fields: ["read": .bool(true)], hlc: clock.tick(wallMillis: wall)
                )
            }
            batches.append(Array(try encoder.encode(PushRequest(clientID: "bench", mutations: mutations))))
        }
        let start = ContinuousClock.now
        for body in batches {
            let response = try await session.client.send(session.request("v1/mutations", method: .post, body: body), maxBodyBytes: 64 << 20)
            guard response.status == 200 else { throw BenchError("push answered \(response.status): \(response.text)") }
            let result = try JSONDecoder().decode(PushResponse.self, from: Data(response.body))
            guard result.results.allSatisfy({ $0.status == .applied }) else { throw BenchError("a pushed mutation was not applied") }
        }
        return (ContinuousClock.now - start).seconds
    }
}
