import Foundation
import LoopbackHTTP
import PostgresSupport
import ReaderCurl
import ReaderHTTP
import ReaderModels

/// A real `reader-server serve` whose standard error (its JSON log) the test reads and that
/// the test stops with a signal, as a process supervisor would.
final class OperatedServer: Sendable {
    static let binary = TestServer.binary("reader-server")

    let folder: URL
    let db: String
    let url: URL
    private let process: ChildProcess
    private let log: URL

    /// One answer: status, body as text, headers.
    struct Answer: Sendable {
        var status: Int
        var text: String
        var headers: HTTPHeaders
    }

    /// Starts `reader-server serve` on a fresh database on a free loopback port, feed
    /// refresh off, with `extra` arguments; or with `arguments` and `environment` as they
    /// are (on `database`).
    init(
        arguments: [String]? = nil, extra: [String] = [], environment: [String: String] = [:], database: String? = nil
    ) async throws {
        folder = try TestFolder.make("operated")
        if let database {
            db = database
        } else if ServerEngine.current == .postgres {
            db = try await PostgresTestCluster.freshDatabase().description
        } else {
            db = folder.appendingPathComponent("server.sqlite").path
        }
        log = folder.appendingPathComponent("stderr.log")
        var variables = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("READER_SERVER_") }
        variables.merge(environment) { _, new in new }
        let process = try ChildProcess(
            Self.binary, arguments ?? ["serve"] + TestServer.databaseArguments(db) + ["--port", "0", "--refresh-interval", "0"] + extra,
            environment: variables, stdout: .pipe, stderr: .file(log.path)
        )
        self.process = process
        let line = try await onOwnThread { process.readLine() ?? "" }
        guard let url = URL(string: line), url.port != nil else {
            throw TestFailure("reader-server did not print its URL")
        }
        self.url = url
    }

    deinit {
        process.signal(SIGTERM)
        process.wait()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Adds a user with the sample feeds in their library; returns their token.
    func addUser(_ name: String) async throws -> String {
        let token = try await TestServer.run(Self.binary, ["users", "add", name] + TestServer.databaseArguments(db))
        try await TestServer.run(Self.binary, ["articles", "import"] + TestServer.databaseArguments(db) + ["--user", name] + TestServer.samples)
        return token.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func get(_ path: String, token: String? = nil) async throws -> Answer {
        // Not appending(path:), which would escape the query's `?`.
        let target = URL(string: url.absoluteString + "/" + path) ?? url
        return try await send(HTTPRequest(url: target, headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:]))
    }

    /// `GET /metrics` until its text satisfies `condition` (a request's count is recorded
    /// once its response is written, which can be a moment after the client read it).
    func metrics(until condition: (String) -> Bool) async throws -> String {
        var text = ""
        for _ in 0..<200 {
            text = try await get("metrics").text
            if condition(text) { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        return text
    }

    func push(_ mutations: [WireMutation], token: String) async throws -> Answer {
        let body = try JSONEncoder().encode(PushRequest(clientID: "operations", mutations: mutations))
        return try await send(HTTPRequest(
            url: url.appending(path: "v1/mutations"), method: .post,
            headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"], body: .bytes(Array(body))
        ))
    }

    /// The ids of the articles in the user's library, from one pull.
    func articleIDs(token: String) async throws -> [String] {
        let page = try await get("v1/changes?since=0&limit=1000", token: token)
        let object = try JSONSerialization.jsonObject(with: Data(page.text.utf8)) as? [String: Any]
        let changes = object?["changes"] as? [[String: Any]] ?? []
        let ids = changes.filter { $0["entity"] as? String == "article" }.compactMap { $0["id"] as? String }
        guard !ids.isEmpty else { throw TestFailure("the user holds no article: \(page.text.prefix(200))") }
        return ids
    }

    private func send(_ request: HTTPRequest) async throws -> Answer {
        let response = try await CurlHTTPClient().send(request)
        return Answer(status: response.status, text: String(decoding: response.body, as: UTF8.self), headers: response.headers)
    }

    func signal(_ signal: Int32) {
        process.signal(signal)
    }

    /// The exit status once the process ends; -1 if a signal ended it.
    func waitForExit() async throws -> Int32 {
        guard case .exited(let status) = await process.waitForExit() else { return -1 }
        return status
    }

    /// SIGTERM, then the log lines once the process is gone.
    func stop() async throws -> [String] {
        signal(SIGTERM)
        guard try await waitForExit() == 0 else { throw TestFailure("reader-server did not exit 0 on SIGTERM") }
        return logLines()
    }

    /// The lines written to standard error so far.
    func logLines() -> [String] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// The port a `Server started and listening on HOST:PORT` line names, for the listener
    /// whose log lines carry `listener` (nil: the API's).
    func listeningPort(listener: String) -> Int? {
        for line in logLines() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["listener"] as? String == listener, let message = object["msg"] as? String,
                  message.hasPrefix("Server started and listening on "), let colon = message.lastIndex(of: ":")
            else { continue }
            return Int(message[message.index(after: colon)...])
        }
        return nil
    }
}
