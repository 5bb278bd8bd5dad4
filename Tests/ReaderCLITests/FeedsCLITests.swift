import Foundation
import LoopbackHTTP
import Testing

/// `reader feeds` and `reader refresh` end to end, against feeds served on loopback.
@Suite struct FeedsCLITests {
    /// The environment every run gets: loopback never goes through a proxy.
    static let direct = ["no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"]

    static func rss(_ title: String, items: [String]) -> [UInt8] {
        var text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(title)</title><link>https://\(title.lowercased()).example/</link>"
        for item in items { text += "<item><guid>\(item)</guid><title>\(item)</title><description>About \(item).</description></item>" }
        return Array((text + "</channel></rss>").utf8)
    }

    /// Runs `reader ARGS` with loopback kept off any proxy.
    static func run(_ cli: CLI, _ arguments: [String]) async throws -> CLI.Result {
        try await cli.run(arguments, environment: direct)
    }

    /// `reader ARGS --json`, which must succeed, decoded.
    static func json(_ cli: CLI, _ arguments: [String]) async throws -> [String: Any] {
        let result = try await run(cli, arguments + ["--json"])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any] ?? [:]
    }

    static func feeds(_ cli: CLI) async throws -> [[String: Any]] {
        try await json(cli, ["feeds", "list"])["feeds"] as? [[String: Any]] ?? []
    }

    @Test func addsAFeedAndASitePageThenListsRefreshesAndRemoves() async throws {
        let page = """
            <!doctype html><html><head><title>Bees</title>
            <link rel="alternate" type="application/atom+xml" href="/bees.atom"></head><body>Hives.</body></html>
            """
        let atom = """
            <?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Bee Notes</title><id>urn:bees</id>
            <entry><id>urn:bees:1</id><title>Swarm caught</title><updated>2026-03-01T10:00:00Z</updated><content>In the plum tree.</content></entry>
            </feed>
            """
        let server = try RoutedServer([
            "/orchard.xml": .body(Self.rss("Orchard", items: ["Pruning", "Grafting"]), contentType: "application/rss+xml", etag: "\"o1\""),
            "/bees/": .body(Array(page.utf8), contentType: "text/html"),
            "/bees.atom": .body(Array(atom.utf8), contentType: "application/atom+xml"),
        ])
        let cli = try CLI()
        let added = try await Self.run(cli, ["feeds", "add", server.url("/orchard.xml").absoluteString])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.hasPrefix("subscribed to Orchard ["))
        #expect(added.stdout.hasSuffix("]: 2 new, 0 updated articles\n"))

        let found = try await Self.run(cli, ["feeds", "add", server.url("/bees/").absoluteString, "--tag", "garden"])
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stdout.contains("found the feed \(server.url("/bees.atom").absoluteString) from \(server.url("/bees/").absoluteString)"))

        var feeds = try await Self.feeds(cli)
        #expect(feeds.map { $0["title"] as? String } == ["Bee Notes", "Orchard"])
        #expect(feeds[0]["url"] as? String == server.url("/bees.atom").absoluteString)
        #expect(feeds[0]["tags"] as? [String] == ["garden"])
        #expect(feeds[1]["last_status"] as? Int == 200)
        #expect(feeds[1]["last_error"] == nil)
        #expect(try await Self.json(cli, ["status"])["articles"] as? Int == 3)

        server.set("/orchard.xml", .body(Self.rss("Orchard", items: ["Pruning", "Grafting", "Mulching"]), contentType: "text/xml", etag: "\"o2\""))
        server.set("/bees.atom", .status(500))
        let refreshed = try await Self.run(cli, ["refresh"])
        #expect(refreshed.status == 0, "\(refreshed.stderr)")
        #expect(refreshed.stdout.hasPrefix("2 feeds: 1 fetched, 0 not modified, 1 failed; 1 new, 0 updated articles ("))
        #expect(refreshed.stdout.hasSuffix("; see `reader feeds list` for the errors\n"))
        feeds = try await Self.feeds(cli)
        #expect((feeds[0]["last_error"] as? String)?.contains("answered HTTP 500") == true)
        #expect(feeds[0]["consecutive_failures"] as? Int == 1)

        let again = try await Self.json(cli, ["refresh"])
        #expect(again["not_modified"] as? Int == 1)
        #expect(again["skipped"] as? Int == 1, "the failing feed is backing off")

        let id = try #require(feeds[1]["id"] as? String)
        let removed = try await Self.run(cli, ["feeds", "rm", String(id.prefix(6))])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout == "unsubscribed from Orchard; its articles are kept\n")
        #expect(try await Self.feeds(cli).map { $0["title"] as? String } == ["Bee Notes"])
        #expect(try await Self.json(cli, ["status"])["articles"] as? Int == 4)
        let unknown = try await Self.run(cli, ["feeds", "rm", "ffffffff"])
        #expect(unknown.status == 6)
        #expect(unknown.stderr.hasPrefix("reader: no subscribed feed with id or URL ffffffff"))
    }

    @Test func importsAndExportsOPMLKeepingFoldersAsTags() async throws {
        let cli = try CLI()
        let opml = try cli.file("mine.opml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="1.0"><head><title>Mine</title></head><body>
              <outline text="Loose" type="rss" xmlUrl="https://loose.example.org/rss"/>
              <outline text="Hobbies">
                <outline text="Sailing">
                  <outline text="Knots &amp; Splices" type="rss" xmlUrl="https://knots.example.org/feed" htmlUrl="https://knots.example.org/"/>
                </outline>
                <outline title="Pottery" type="rss" xmlUrl="https://clay.example.org/atom"/>
              </outline>
              <outline text="Not a feed" type="rss" xmlUrl="ftp://files.example.org/list"/>
            </body></opml>
            """)
        let imported = try await Self.run(cli, ["feeds", "import", opml])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("\(opml): 3 feeds added, 0 already subscribed"))
        #expect(imported.stderr == "reader: \(opml): skipped \"ftp://files.example.org/list\": not an http or https address\n")
        let before = try await Self.feeds(cli).map { [$0["url"] as? String ?? "", $0["title"] as? String ?? "", ($0["tags"] as? [String] ?? []).joined(separator: "/")] }
        #expect(before.contains(["https://knots.example.org/feed", "Knots & Splices", "Hobbies/Sailing"]))
        #expect(before.contains(["https://loose.example.org/rss", "Loose", ""]))

        let exported = try await Self.run(cli, ["feeds", "export"])
        #expect(exported.status == 0)
        #expect(exported.stdout.contains("<opml version=\"2.0\">"))
        let copy = try cli.file("copy.opml", exported.stdout)
        let other = try CLI()
        #expect(try await Self.run(other, ["feeds", "import", copy]).status == 0)
        let after = try await Self.feeds(other).map { [$0["url"] as? String ?? "", $0["title"] as? String ?? "", ($0["tags"] as? [String] ?? []).joined(separator: "/")] }
        #expect(after == before)
        let twice = try await Self.run(other, ["feeds", "import", copy])
        #expect(twice.stdout.hasPrefix("\(copy): 0 feeds added, 3 already subscribed"))
    }

    @Test func aFeedThatCannotBeAddedSaysWhyInOneLine() async throws {
        let server = try RoutedServer(["/missing": .status(404), "/page": .body(Array("<html><body>hi</body></html>".utf8), contentType: "text/html")])
        let cli = try CLI()
        let cases: [(String, Int32, String)] = [
            ("ftp://example.org/feed", 7, "reader: \"ftp://example.org/feed\" is not a valid http or https address"),
            (server.url("/missing").absoluteString, 5, "reader: \(server.url("/missing").absoluteString) answered HTTP 404"),
            (server.url("/page").absoluteString, 7, "reader: \(server.url("/page").absoluteString) is a web page that links to no RSS, Atom or JSON feed."),
            ("http://127.0.0.1:\(LoopbackServer.closedPort())/feed", 3, "reader: Could not connect to 127.0.0.1"),
        ]
        for (url, code, message) in cases {
            let result = try await Self.run(cli, ["feeds", "add", url, "--timeout", "5"])
            #expect(result.status == code, "\(url): \(result.stderr)")
            #expect(result.stderr.hasPrefix(message), "\(url): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(url): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        #expect(try await Self.feeds(cli).isEmpty, "nothing is subscribed")
        let malformed = try cli.file("bad.opml", "<opml><body><outline")
        let result = try await Self.run(cli, ["feeds", "import", malformed])
        #expect(result.status == 7)
        #expect(result.stderr.hasPrefix("reader: \(malformed):"))
    }

    @Test func aRedirectThatLeadsNowhereIsAPermanentFailureThatSaysWhereItPointed() async throws {
        let server = try RoutedServer([
            "/loop-a": .redirect(302, to: "/loop-b"), "/loop-b": .redirect(302, to: "/loop-a"),
            "/to-ftp": .redirect(301, to: "ftp://example.org/feed.xml"),
        ])
        let cli = try CLI()
        let cases: [(String, String)] = [
            ("/loop-a", "redirects in a loop (back to \(server.url("/loop-a").absoluteString))"),
            ("/to-ftp", "\(server.url("/to-ftp").absoluteString) redirects to an address starting with ftp:, which is not http or https"),
        ]
        for (path, message) in cases {
            let result = try await Self.run(cli, ["feeds", "add", server.url(path).absoluteString, "--timeout", "5"])
            #expect(result.status == 5, "\(path): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains(message), "\(path): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(path): \(result.stderr)")
        }
        #expect(try await Self.feeds(cli).isEmpty, "nothing is subscribed")
    }
}
