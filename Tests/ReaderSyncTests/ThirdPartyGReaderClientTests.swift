import Foundation
import GRDB
import LoopbackHTTP
import ReaderStore
import Synchronization
import Testing

/// A real Google Reader client that we did not write, against a real `reader-server`: Debian's
/// newsboat with its FeedHQ backend (`urls-source "feedhq"`, the GReader API at a base URL
/// of our choosing, items read in the Atom form `/reader/atom/<stream>`). `.ci/setup`
/// installs it. The test does what a person at the app does: logs in, lists the
/// subscriptions, reads the articles, opens one (which marks it read) and flags it starred
/// in newsboat's own terminal interface, and checks every step on the native side, through
/// a device that syncs with the same server, and back.
@Suite struct ThirdPartyGReaderClientTests {
    static let password = "tide & salt, 100% sure"

    @Test func newsboatLogsInListsReadsAndMarksReadAndStarred() async throws {
        let newsboat = try Newsboat.installed()

        // A feed on loopback, a user with an API password, and a native device that
        // subscribes; the server fetches the feed, and the device pulls its articles.
        let feeds = try RoutedServer(["/tides.xml": .body(Self.feed, contentType: "application/rss+xml")])
        let server = try await TestServer(imports: [])
        let token = try await server.addUser("ada")
        try await Self.setAPIPassword(Self.password, user: "ada", server: server)
        let phone = try Device("phone", server: server, token: token)
        try phone.store.subscribeFeed(url: feeds.url("/tides.xml").absoluteString)
        try await phone.sync()
        try await PerUserLibraryTests.refresh(server)
        try await phone.sync()
        let titles = Set(try phone.store.articles().map(\.title))
        #expect(titles == Set(Self.titles))

        let folder = try TestFolder.make("newsboat")
        let client = try newsboat.configured(in: folder, server: server.url, user: "ada", password: Self.password)

        // A wrong password is refused, and newsboat says so.
        let stranger = try newsboat.configured(in: try TestFolder.make("newsboat-wrong"), server: server.url, user: "ada", password: "tide")
        let refused = try await stranger.run(["-x", "reload"])
        #expect(refused.status != 0 && refused.output.contains("Authentication failed"), "a wrong password: \(refused)")

        // Log in, list the subscriptions, read every subscription's items.
        let reload = try await client.run(["-x", "reload"])
        #expect(reload.status == 0, "newsboat -x reload: \(reload)")
        let unread = try await client.run(["-x", "print-unread"])
        #expect(unread.output.contains("3 unread articles"), "newsboat -x print-unread: \(unread)")
        let cache = try client.cache()
        // One feed, read from the stream that subscription/list named; newsboat shows it under
        // the subscription's title (below), not the Atom document's.
        #expect(cache.feeds.count == 1 && cache.feeds.allSatisfy { $0.hasPrefix(client.base + "/reader/atom/") },
                "the subscriptions newsboat listed: \(cache.feeds)")
        #expect(Set(cache.items.map(\.title)) == titles, "the items newsboat read")
        for item in cache.items {
            #expect(item.guid.hasPrefix("tag:google.com,2005:reader/item/"), "an entry id not in the long form: \(item.guid)")
            #expect(item.content.contains("of the tide tables"), "\(item.title) came without its text: \(item.content)")
            #expect(item.unread, "\(item.title) is unread on the server")
        }

        // In newsboat's own interface: open the feed, open its first article (newsboat marks
        // it read on the server), flag it starred (`s`, mapped by feedhq-flag-star), quit.
        try await client.interactive { screen in
            try await screen.type("\r", after: "Harbour tides")
            try await screen.type("\r", after: "Articles in feed")
            try await screen.type("\u{05}", after: "Title: ")
            // The flag is sent when the prompt closes, before newsboat reads the next key.
            try await screen.type("s\rQ", after: "Flags:")
        }
        let opened = try client.cache().items.filter { !$0.unread }
        #expect(opened.count == 1, "newsboat read exactly one article: \(opened)")
        let read = try #require(opened.first)
        #expect(read.flags.contains("s"), "newsboat flagged it starred")

        // The marks landed: the native device sees that article read and starred, and no other.
        try await phone.sync()
        let states = Dictionary(uniqueKeysWithValues: try phone.store.articles().map { ($0.title, $0.state) })
        for title in titles {
            #expect(states[title]?.read == (title == read.title), "read on the native side: \(title)")
            #expect(states[title]?.starred == (title == read.title), "starred on the native side: \(title)")
        }

        // And back: an article read on the native device is read in newsboat after a reload.
        let other = try #require(try phone.store.articles().first { $0.title != read.title })
        try phone.store.markRead([other.id])
        try await phone.sync()
        let again = try await client.run(["-x", "reload"])
        #expect(again.status == 0, "newsboat -x reload: \(again)")
        let left = try await client.run(["-x", "print-unread"])
        #expect(left.output.contains("1 unread articles"), "newsboat -x print-unread after a native read: \(left)")
        let now = try client.cache().items
        #expect(now.first { $0.title == other.title }?.unread == false, "newsboat did not take the native read of \(other.title)")
        #expect(now.first { $0.title == read.title }?.unread == false, "newsboat's own read was undone")
    }

    static let titles = ["Spring tide at the harbour", "Neap tide and the night ferry", "A storm surge warning"]

    static var feed: [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>"#
        xml += "<title>Harbour tides</title><link>https://tides.example/</link>"
        for (index, title) in titles.enumerated() {
            xml += """
                <item><guid isPermaLink="false">tide-\(index)</guid><title>\(title)</title>
                <link>https://tides.example/\(index)</link><pubDate>\(["Tue", "Mon", "Sun"][index]), 2\(4 - index) Nov 2026 10:00:00 GMT</pubDate>
                <description>Entry \(index) of the tide tables.</description></item>
                """
        }
        return Array((xml + "</channel></rss>").utf8)
    }

    /// `reader-server users password NAME`, the password on stdin.
    static func setAPIPassword(_ password: String, user: String, server: TestServer) async throws {
        let result = try await ChildProcess.run(
            TestServer.binary("reader-server"), ["users", "password", user] + server.databaseArguments, input: password + "\n"
        )
        guard result.status == 0 else { throw TestFailure("reader-server users password \(user): \(result)") }
    }
}

/// The installed newsboat, and `script` (util-linux), which gives it a terminal.
struct Newsboat {
    let binary: URL
    let script: URL

    /// Finds both on PATH; fails saying what installs them when either is missing.
    static func installed() throws -> Newsboat {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        func find(_ name: String) -> URL? {
            path.map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
                .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        }
        guard let binary = find("newsboat") else {
            throw TestFailure("newsboat is not installed: .ci/setup installs it (Debian's newsboat package), then run the tests again")
        }
        guard let script = find("script") else {
            throw TestFailure("script is not installed: .ci/setup installs it (Debian's bsdutils package), then run the tests again")
        }
        return Newsboat(binary: binary, script: script)
    }

    /// A newsboat of its own in `folder` (configuration, empty URL file, cache, home),
    /// pointed at `server` as a FeedHQ-style GReader service.
    func configured(in folder: URL, server: URL, user: String, password: String) throws -> Client {
        // newsboat appends "/accounts/ClientLogin" and the like to this address as it is.
        var base = server.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let passwordFile = folder.appendingPathComponent("password")
        try Data((password + "\n").utf8).write(to: passwordFile)
        // Without feedhq-show-special-feeds no, newsboat adds three feeds on feedhq.org and
        // fetches them from the internet; feedhq-flag-star maps its flag `s` to starred.
        let config = """
            urls-source "feedhq"
            feedhq-url "\(base)"
            feedhq-login "\(user)"
            feedhq-passwordfile "\(passwordFile.path)"
            feedhq-flag-star "s"
            feedhq-show-special-feeds no
            feedhq-min-items 50
            download-timeout 20
            download-retries 1

            """
        try Data(config.utf8).write(to: folder.appendingPathComponent("config"))
        try Data().write(to: folder.appendingPathComponent("urls"))
        return Client(newsboat: self, folder: folder, base: base)
    }

    struct Client {
        let newsboat: Newsboat
        let folder: URL
        /// The server's address, without a trailing slash.
        let base: String

        var arguments: [String] {
            ["-C", folder.appendingPathComponent("config").path, "-u", folder.appendingPathComponent("urls").path,
             "-c", folder.appendingPathComponent("cache.db").path]
        }

        /// Everything newsboat reads from its environment, kept inside `folder`.
        var environment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["HOME"] = folder.path
            environment["XDG_CONFIG_HOME"] = folder.appendingPathComponent("xdg-config").path
            environment["XDG_DATA_HOME"] = folder.appendingPathComponent("xdg-data").path
            environment["LC_ALL"] = "C.UTF-8"
            environment["TERM"] = "vt100"
            environment["LINES"] = "30"
            environment["COLUMNS"] = "120"
            for proxy in ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] {
                environment[proxy] = nil
            }
            return environment
        }

        /// newsboat without its interface (`-x reload`, `-x print-unread`).
        func run(_ extra: [String]) async throws -> ChildProcess.Result {
            try await ChildProcess.run(newsboat.binary, arguments + extra, environment: environment, timeout: .seconds(60))
        }

        /// newsboat's interface on a terminal that `script` makes; `drive` types into it.
        /// newsboat must have quit when `drive` returns.
        func interactive(_ drive: (Screen) async throws -> Void) async throws {
            let command = ([newsboat.binary.path] + arguments).map(Self.quoted).joined(separator: " ")
            let screen = try Screen(
                script: newsboat.script, arguments: ["--quiet", "--flush", "--return", "--command", command, "/dev/null"],
                environment: environment
            )
            do {
                try await drive(screen)
                try await screen.waitForExit()
            } catch {
                screen.stop()
                throw error
            }
        }

        static func quoted(_ text: String) -> String {
            "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
        }

        struct Item: Sendable, CustomStringConvertible {
            var title: String
            var guid: String
            var unread: Bool
            var flags: String
            var content: String
            var description: String { "\(title) (\(guid), unread \(unread), flags '\(flags)')" }
        }

        /// What newsboat stored: its feeds' addresses and its items.
        func cache() throws -> (feeds: [String], items: [Item]) {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: folder.appendingPathComponent("cache.db").path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let feeds = try String.fetchAll(db, sql: "SELECT rssurl FROM rss_feed ORDER BY rssurl")
                let items = try Row.fetchAll(db, sql: """
                    SELECT title, guid, unread, coalesce(flags, '') AS flags, coalesce(content, '') AS content
                    FROM rss_item WHERE deleted = 0
                    """).map {
                    Item(title: $0["title"], guid: $0["guid"], unread: $0["unread"] as Int != 0, flags: $0["flags"], content: $0["content"])
                }
                return (feeds, items)
            }
        }
    }
}

/// A program on a terminal: what it printed, and a way to type.
final class Screen: Sendable {
    private let process: ChildProcess
    private let output = Mutex<[UInt8]>([])
    /// How much of the output the last wait consumed: each wait looks only past it.
    private let seen = Mutex(0)

    init(script: URL, arguments: [String], environment: [String: String]) throws {
        let process = try ChildProcess(script, arguments, environment: environment, stdin: .pipe, stdout: .pipe, stderr: .standardOutput)
        self.process = process
        Thread { [self] in
            // A chunk is what the pipe holds as soon as it holds anything.
            while case let bytes = process.readChunk(), !bytes.isEmpty {
                self.output.withLock { $0 += bytes }
            }
        }.start()
    }

    /// Waits until the program has printed `text` since the last wait, then types `keys`.
    func type(_ keys: String, after text: String) async throws {
        let needle = Array(text.utf8)
        let found = await eventually(timeout: .seconds(60)) {
            let start = seen.withLock { $0 }
            let bytes = output.withLock { $0 }
            guard let range = bytes[start...].firstRange(of: needle) else { return false }
            seen.withLock { $0 = range.upperBound }
            return true
        }
        guard found else {
            throw TestFailure("newsboat never showed \"\(text)\"; its screen ended with: \(tail)")
        }
        try process.write(keys)
    }

    /// Waits for the program to quit; it must have exited 0.
    func waitForExit() async throws {
        guard await eventually(timeout: .seconds(60), { !process.isRunning }) else {
            throw TestFailure("newsboat did not quit; its screen ended with: \(tail)")
        }
        guard process.wait() == .exited(0) else {
            throw TestFailure("newsboat ended with \(process.wait()); its screen ended with: \(tail)")
        }
    }

    /// Kills `script`, which closes the terminal: newsboat gets its hangup and exits.
    func stop() {
        process.signal(SIGKILL)
    }

    /// The last of the output, with the terminal's escape sequences taken out.
    var tail: String {
        let text = String(decoding: output.withLock { $0 }.suffix(2000), as: UTF8.self)
        let plain = text.replacingOccurrences(of: #"\x{1B}(\[[0-9;?]*[A-Za-z]|[()][0-9A-Za-z]|.)"#, with: " ", options: .regularExpression)
        return plain.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
