import Foundation
import GRDB
import LoopbackHTTP
import PostgresSupport
import ReaderCurl
import ReaderHTTP
import ReaderModels
import Synchronization
import Testing

/// What an operator relies on, on the real `reader-server` binary: `/metrics`, the request
/// log, `/health` and `/ready`, options from environment variables, and a graceful stop on
/// SIGTERM that leaves every push whole.
@Suite struct ServerOperationsTests {
    @Test func metricsCountRequestsByRouteWithALatencyHistogramAndCarryNoToken() async throws {
        let server = try await OperatedServer()
        let token = try await server.addUser("ada")
        _ = try await server.get("v1/me", token: token)
        let articles = try await server.articleIDs(token: token)
        let pushed = try await server.push(Self.states("m", articles: articles, count: 3), token: token)
        #expect(pushed.status == 200)
        _ = try await server.get("no/such/path/\(token)")
        let text = try await server.metrics {
            $0.contains(#"http_server_requests_total{http_route="/v1/mutations",http_request_method="POST",http_response_status_code="200"} 1"#)
                && $0.contains(#"http_route="NotFound""#)
        }
        #expect(text.contains(#"http_server_requests_total{http_route="/v1/mutations",http_request_method="POST",http_response_status_code="200"} 1"#), "\(text)")
        #expect(text.contains(#"http_server_requests_total{http_route="/v1/me",http_request_method="GET",http_response_status_code="200"} 1"#))
        #expect(text.contains("# TYPE http_server_request_duration_seconds histogram"))
        #expect(text.contains(#"http_server_request_duration_seconds_bucket{http_route="/v1/mutations",http_request_method="POST",http_response_status_code="200",le="+Inf"} 1"#))
        #expect(text.contains(#"http_server_request_duration_seconds_count{http_route="/v1/me""#))
        #expect(text.contains(#"reader_push_mutations_total{result="applied"} 3"#))
        #expect(text.contains("reader_push_transactions_total 1"))
        #expect(text.contains("reader_pull_pages_total 1"))
        #expect(text.contains(#"reader_db_transaction_duration_seconds_count{access="write",operation="push"} 1"#))
        if ServerEngine.current == .sqlite {
            // The database file's size: a SQLite server's gauge (PostgreSQL has no file of its own).
            #expect(text.contains(#"reader_db_file_bytes{file="database"}"#))
        }
        // A path no route serves is counted under one label, not its own.
        #expect(text.contains(#"http_route="NotFound""#))
        #expect(!text.contains(token) && !text.contains("no/such/path") && !text.contains("ada"))
    }

    @Test func theRequestLogNamesTheUserIDAndNeverTheToken() async throws {
        let server = try await OperatedServer()
        _ = try await server.addUser("ada")
        let token = try await server.addUser("bob")
        _ = try await server.get("v1/me", token: token)
        // A token one character off (not the same character: a token may start with "0").
        _ = try await server.get("v1/me", token: (token.first == "0" ? "1" : "0") + token.dropFirst())
        let lines = try await server.stop()
        let requests = lines.filter { $0.contains(#""event":"request""#) }
        #expect(requests.count == 2, "\(lines)")
        #expect(requests.first?.contains(#""user_id":2"#) == true && requests.first?.contains(#""user":"bob""#) == true)
        #expect(requests.last?.contains(#""user_id":null"#) == true && requests.last?.contains(#""status":401"#) == true)
        #expect(lines.allSatisfy { !$0.contains(token) && !$0.contains(String(token.dropFirst())) })
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["ts"] is String && object?["level"] is String && object?["msg"] is String, "\(line)")
        }
    }

    /// Four devices push batches of 20 mutations until the server goes; SIGTERM comes once
    /// some were acknowledged. The server exits 0 (its feed refresh and retention loops
    /// stopped too), every acknowledged push is in the database whole, and no push is
    /// there in part.
    @Test func sigtermDuringPushesExitsZeroAndLeavesEveryPushWhole() async throws {
        // The later --refresh-interval wins: the refresh loop runs, to be stopped.
        let server = try await OperatedServer(extra: ["--refresh-interval", "1"])
        let token = try await server.addUser("ada")
        let articles = try await server.articleIDs(token: token)
        let acknowledged = Acknowledged()
        let batch = 20
        try await withThrowingTaskGroup(of: Void.self) { group in
            for device in 0..<4 {
                group.addTask {
                    for push in 0..<500 {
                        let prefix = "d\(device)-p\(push)"
                        guard let answer = try? await server.push(Self.states(prefix, articles: articles, count: batch), token: token)
                        else { return }
                        guard answer.status == 200 else { return }
                        acknowledged.pushes.withLock { $0.append(prefix) }
                    }
                }
            }
            _ = await eventually { acknowledged.pushes.withLock { $0.count } >= 8 }
            server.signal(SIGTERM)
            try await group.waitForAll()
        }
        let status = try await server.waitForExit()
        #expect(status == 0)
        let lines = server.logLines()
        #expect(lines.contains { $0.contains(#""event":"feeds_refresh""#) } && lines.contains { $0.contains(#""event":"retention""#) })
        #expect(lines.contains { $0.contains(#""event":"shutdown""#) } && lines.last?.contains(#""event":"stopped""#) == true)
        // A mutation id is PUSH-mN: grouped by the push it came in.
        let ids = try await TestServer.stored(in: server.db, "SELECT mutation_id FROM applied_mutations")
        let stored = Dictionary(grouping: ids) { String($0[..<($0.range(of: "-m")?.lowerBound ?? $0.endIndex)]) }.mapValues(\.count)
        let acked = acknowledged.pushes.withLock { $0 }
        #expect(acked.count >= 8)
        for push in acked { #expect(stored[push] == batch, "acknowledged push \(push) holds \(stored[push] ?? 0) of \(batch)") }
        for (push, count) in stored { #expect(count == batch, "push \(push) is half applied: \(count) of \(batch)") }
    }

    @Test func healthAndReadyAnswer() async throws {
        let server = try await OperatedServer()
        let health = try await server.get("health")
        #expect(health.status == 200 && health.text == #"{"status":"ok"}"#)
        let ready = try await server.get("ready")
        #expect(ready.status == 200 && ready.text == #"{"status":"ok"}"#)
        #expect(ready.headers["Cache-Control"] == "no-store")
    }

    /// The variables set what the flags do not; a flag wins over its variable.
    @Test func environmentVariablesSetOptionsAndFlagsWin() async throws {
        let folder = try TestFolder.make("env")
        let db = folder.appendingPathComponent("from-env.sqlite").path
        let environment = ["READER_SERVER_DB": db]
        let token = try await TestServer.run(OperatedServer.binary, ["users", "add", "ada"], environment: environment)
        #expect(try await TestServer.run(OperatedServer.binary, ["users", "list"], environment: environment).contains("ada"))
        let server = try await OperatedServer(arguments: ["serve", "--host", "127.0.0.1"], environment: [
            "READER_SERVER_DB": db, "READER_SERVER_PORT": "0", "READER_SERVER_REFRESH_INTERVAL": "0",
            "READER_SERVER_LOG_LEVEL": "warning", "READER_SERVER_METRICS": "off",
            // Never used: --host on the command line wins.
            "READER_SERVER_HOST": "host.invalid",
        ], database: db)
        #expect(server.url.host == "127.0.0.1")
        let me = try await server.get("v1/me", token: token.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(me.status == 200 && me.text.contains(#""user":"ada""#))
        #expect(try await server.get("metrics").status == 404)
        let lines = try await server.stop()
        #expect(!lines.contains { $0.contains(#""event":"request""#) }, "warning drops the info lines: \(lines)")
        await #expect(throws: TestFailure.self) {
            try await TestServer.run(OperatedServer.binary, ["serve", "--port", "0"], environment: [
                "READER_SERVER_DB": db, "READER_SERVER_ALLOW_PRIVATE_NETWORKS": "maybe",
            ])
        }
    }

    /// `serve --help` names the variable of every option it lists.
    @Test func serveHelpNamesEveryOptionsVariable() async throws {
        let help = try await TestServer.run(OperatedServer.binary, ["serve", "--help"])
        let flattened = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let options = help.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("--"), line.hasPrefix("  ") else { return nil }
            return String(trimmed.dropFirst(2).prefix { $0.isLetter || $0 == "-" })
        }.filter { $0 != "help" && $0 != "version" }
        #expect(options.count >= 14, "\(options)")
        for option in options {
            let variable = "READER_SERVER_" + option.uppercased().replacingOccurrences(of: "-", with: "_")
            #expect(flattened.contains(variable), "serve --help does not name \(variable)")
        }
    }

    /// `--metrics HOST:PORT`: `/metrics` on a listener of its own, not on the API's.
    @Test func metricsOnAListenerOfTheirOwn() async throws {
        let server = try await OperatedServer(extra: ["--metrics", "127.0.0.1:0"])
        #expect(try await server.get("metrics").status == 404)
        var port: Int?
        _ = await eventually {
            port = server.listeningPort(listener: "metrics")
            return port != nil
        }
        let metricsPort = try #require(port)
        let metricsURL = try #require(URL(string: "http://127.0.0.1:\(metricsPort)/metrics"))
        let metrics = try await CurlHTTPClient().send(HTTPRequest(url: metricsURL))
        // The SQLite server's reader-pool gauge is there from the start; a PostgreSQL server's
        // page holds the request families.
        let family = ServerEngine.current == .sqlite ? "reader_db_max_readers" : "# TYPE http_server_"
        #expect(metrics.status == 200 && String(decoding: metrics.body, as: UTF8.self).contains(family))
    }

    /// `count` read-state mutations `PREFIX-mN` over `articles`, stamped now.
    static func states(_ prefix: String, articles: [String], count: Int) -> [WireMutation] {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return (0..<count).map { index in
            WireMutation(
                id: "\(prefix)-m\(index)", entity: .articleState, entityID: articles[index % articles.count], op: .set,
                baseRevision: nil, fields: ["read": .bool(index % 2 == 0)], hlc: HLC(wallMillis: now, counter: index, node: "ops")
            )
        }
    }
}

/// The pushes the server answered 200, shared by the pushing tasks.
private final class Acknowledged: Sendable {
    let pushes = Mutex<[String]>([])
}
