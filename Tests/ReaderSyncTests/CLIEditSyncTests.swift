import Foundation
import Testing

/// `reader tag`, `untag`, `progress` and `mark read --all`, made offline on one device's
/// command line, are pushed to a real `reader-server` on loopback and reach a second
/// device's command line; edits back from the second reach the first; both end with the
/// same export.
@Suite struct CLIEditSyncTests {
    static let direct = ["no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"]

    /// One device driven through the `reader` binary, with a database of its own.
    struct CLIDevice {
        let db: String
        let server: TestServer
        let token: String

        init(_ name: String, server: TestServer, token: String) {
            db = server.folder.appendingPathComponent("\(name).sqlite").path
            self.server = server
            self.token = token
        }

        /// Runs `reader ARGS --db DB`; a non-zero exit fails the test with its stderr.
        @discardableResult
        func run(_ arguments: [String]) async throws -> String {
            try await TestServer.run(TestServer.binary("reader"), arguments + ["--db", db], environment: CLIEditSyncTests.direct)
        }

        func sync() async throws -> String {
            try await run(["sync", "--server", server.url.absoluteString, "--token", token])
        }

        func json(_ arguments: [String]) async throws -> [String: Any] {
            let output = try await run(arguments + ["--json"])
            return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
        }

        func listed(_ arguments: [String]) async throws -> [String] {
            let articles = try await json(["articles", "list", "--limit", "100"] + arguments)["articles"] as? [[String: Any]]
            return articles?.compactMap { $0["id"] as? String } ?? ["not a list"]
        }

        func state(_ id: String) async throws -> [String: Any] {
            (try await json(["articles", "show", id])["article"] as? [String: Any])?["state"] as? [String: Any] ?? [:]
        }

        func pending() async throws -> Int {
            try await json(["status"])["pending_mutations"] as? Int ?? -1
        }
    }

    @Test func tagsProgressAndBulkReadMadeOnTheCommandLineReachAnotherDevice() async throws {
        let server = try await TestServer()
        let token = try await server.addUser("alice")
        let first = CLIDevice("first", server: server, token: token)
        let second = CLIDevice("second", server: server, token: token)
        _ = try await first.sync()
        _ = try await second.sync()

        let articles = try await first.json(["articles", "list", "--limit", "100"])["articles"] as? [[String: Any]] ?? []
        func id(_ title: String) throws -> String {
            try #require(articles.first { $0["title"] as? String == title }?["id"] as? String)
        }
        let ferry = try id("Night ferry returns after a two-year pause")
        let geese = try id("The first geese of the season")
        let lighthouse = try id("Lighthouse keepers return to Gull Rock")
        let gazette = try #require((try await first.json(["articles", "show", ferry])["article"] as? [String: Any])?["source_id"] as? String)
        let gazetteArticles = try await first.listed(["--feed", gazette])
        #expect(gazetteArticles.count == 4)

        // Offline on the first device: nothing here talks to the server.
        try await first.run(["tag", ferry, "harbour", "to read"])
        try await first.run(["untag", ferry, "to read"])
        try await first.run(["tag", geese, "birds"])
        try await first.run(["progress", geese, "0.5"])
        let day = String(try #require(articles.first { $0["id"] as? String == lighthouse }?["published_at"] as? String).prefix(10))
        #expect(try await first.run(["mark", "read", "--all", "--feed", gazette, "--before", day]) == "marked 2 articles read\n")
        #expect(try await first.pending() == 5, "ferry's tags, geese's tags and progress, two reads")

        let pushed = try await first.sync()
        #expect(pushed.contains("pushed 5"), "\(pushed)")
        #expect(try await first.pending() == 0)

        // The second device pulls each field.
        _ = try await second.sync()
        #expect(try await second.listed(["--tag", "harbour"]) == [ferry])
        #expect(try await second.listed(["--tag", "to read"]).isEmpty)
        #expect(try await second.listed(["--tag", "birds"]) == [geese])
        #expect(try await second.state(geese)["progress"] as? Double == 0.5)
        let unreadGazette = try await second.listed(["--feed", gazette, "--unread"])
        #expect(unreadGazette == [ferry, lighthouse], "the two older ones are read")
        #expect(try await second.run(["export", "--format", "json"]) == (try await first.run(["export", "--format", "json"])))

        // And back: edits on the second device reach the first.
        try await second.run(["untag", ferry, "harbour"])
        try await second.run(["progress", geese, "1"])
        let all = try await second.run(["mark", "read", "--all"])
        let unreadBefore = try await first.listed(["--unread"]).count
        #expect(all == "marked \(unreadBefore) articles read\n")
        _ = try await second.sync()
        _ = try await first.sync()
        #expect(try await first.listed(["--tag", "harbour"]).isEmpty)
        #expect(try await first.state(ferry)["tags"] as? [String] == [])
        #expect(try await first.state(geese)["progress"] as? Double == 1)
        #expect(try await first.listed(["--unread"]).isEmpty)
        #expect(try await first.run(["export", "--format", "json"]) == (try await second.run(["export", "--format", "json"])))
    }
}
