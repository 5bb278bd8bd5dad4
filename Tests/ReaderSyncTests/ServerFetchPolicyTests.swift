import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import ReaderModels
import ReaderStore
import Testing

/// Who the server fetches from (issue 12.2), with the real binaries: by default no
/// loopback or other non-public address, however the URL reaches it; with
/// `--allow-private-networks` the loopback feeds are fetched; `file:` and `gopher:` never.
///
/// Only loopback exists on the test machine, so "a URL that redirects to loopback" here
/// starts on loopback too and is refused at its first hop; that a redirect's own hop is
/// judged on its own address is shown in `CurlHTTPClientAddressPolicyTests`.
@Suite struct ServerFetchPolicyTests {
    static let rss = Array("""
        <?xml version="1.0"?><rss version="2.0"><channel><title>Cellar</title>
        <item><guid>cellar-1</guid><title>Inside</title><description>On the LAN.</description></item>
        </channel></rss>
        """.utf8)

    /// A feed on loopback, and the five addresses a user tries: loopback, localhost, a
    /// redirect to loopback, a file and a gopher URL.
    static func feeds() throws -> (server: RoutedServer, loopback: [String], other: [String]) {
        let server = try RoutedServer([
            "/feed": .body(rss, contentType: "application/rss+xml"),
            "/moved": .redirect(302, to: "/feed"),
        ])
        let port = server.server.port
        let loopback = [
            "http://127.0.0.1:\(port)/feed", "http://localhost:\(port)/feed", "http://127.0.0.1:\(port)/moved",
        ]
        return (server, loopback, ["file:///etc/passwd", "gopher://127.0.0.1:\(port)/1/feed"])
    }

    static let binary = TestServer.binary("reader-server")

    /// The stderr of a run that must fail (its description carries it), or nil if it succeeded.
    static func failure(_ arguments: [String]) async -> String? {
        do {
            try await TestServer.run(binary, arguments)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func feedsAddFetchesLoopbackOnlyWhenAllowed() async throws {
        let (feeds, loopback, other) = try Self.feeds()
        let server = try await TestServer(imports: [], allowPrivateNetworks: false)
        _ = try await server.addUser("ada")
        for url in loopback {
            let refused = try #require(await Self.failure(["feeds", "add", "ada", url] + server.databaseArguments), "\(url) was subscribed")
            #expect(refused.contains("non-public"), "\(refused)")
            #expect(refused.contains("Not subscribed"), "\(refused)")
        }
        for url in other {
            let refused = try #require(await Self.failure(["feeds", "add", "ada", url] + server.databaseArguments), "\(url) was subscribed")
            #expect(refused.contains("not a valid http or https address"), "\(refused)")
        }
        #expect(feeds.server.statistics.acceptedConnections == 0, "the loopback server was reached")
        #expect(feeds.requests == 0)

        for url in loopback {
            let added = try await TestServer.run(Self.binary, ["feeds", "add", "ada", url] + server.databaseArguments + ["--allow-private-networks"])
            #expect(added.contains("subscribed to"), "\(added)")
        }
        #expect(feeds.requests == 4, "the three feeds, the redirect's second hop included")
        for url in other {
            #expect(await Self.failure(["feeds", "add", "ada", url] + server.databaseArguments + ["--allow-private-networks"]) != nil)
        }
        #expect(feeds.requests == 4)
    }

    /// A device's subscriptions: `file:` and `gopher:` are refused by the store before they
    /// reach the outbox, and by the server at push with `invalid_feed_url` when a client
    /// without that check sends them; the loopback ones are stored, and a refresh without
    /// the option reaches none of them (each is in error naming the cause), with it fetches
    /// them all.
    @Test func aDevicesSubscriptionsAreCheckedAtPushAndFetchedOnlyWhenAllowed() async throws {
        let (feeds, loopback, other) = try Self.feeds()
        let server = try await TestServer(imports: [], extraArguments: ["--refresh-interval", "0"], allowPrivateNetworks: false)
        let token = try await server.addUser("ada")
        let device = try Device("phone", server: server, token: token)
        for url in loopback { try device.store.subscribeFeed(url: url) }
        for url in other { #expect(throws: StoreError.self) { try device.store.subscribeFeed(url: url) } }
        try await device.sync()
        #expect(try device.store.rejectedMutations().isEmpty)
        #expect(try device.store.pendingMutations().isEmpty)

        let pushed = PushRequest(clientID: "unchecked", mutations: other.enumerated().map { index, url in
            WireMutation(
                id: "subscribe-\(index)", entity: .subscription, entityID: url, op: .set, baseRevision: nil,
                fields: ["subscribed": .bool(true), "tags": .array([])], hlc: HLC(wallMillis: Timestamp.millis(Date()), counter: 0, node: "unchecked")
            )
        })
        let answer = try await CurlHTTPClient().send(HTTPRequest(
            url: server.url.appending(path: "v1/mutations"), method: .post,
            headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
            body: .bytes(Array(try JSONEncoder().encode(pushed)))
        ))
        #expect(answer.status == 200)
        let results = try JSONDecoder().decode(PushResponse.self, from: Data(answer.body)).results
        #expect(results.count == other.count)
        #expect(results.allSatisfy { $0.status == .rejected && $0.error?.code == .invalidFeedURL }, "\(results)")

        let refused = try await TestServer.run(Self.binary, ["feeds", "refresh"] + server.databaseArguments)
        #expect(refused.contains("0 fetched"), "\(refused)")
        let listed = try await TestServer.run(Self.binary, ["feeds", "list"] + server.databaseArguments)
        #expect(listed.components(separatedBy: "non-public").count - 1 == loopback.count, "\(listed)")
        #expect(feeds.server.statistics.acceptedConnections == 0, "the loopback server was reached")

        let fetched = try await TestServer.run(Self.binary, ["feeds", "refresh", "--force"] + server.databaseArguments + ["--allow-private-networks"])
        #expect(fetched.contains("3 fetched"), "\(fetched)")
        #expect(feeds.requests == 4)
    }

    /// `serve` itself, refreshing on its own: each server has its own loopback feed, and
    /// only the one started with the option reaches it.
    @Test func serveFetchesLoopbackOnlyWhenAllowed() async throws {
        let (closedFeed, closedURLs, _) = try Self.feeds()
        let (openFeed, openURLs, _) = try Self.feeds()
        let closed = try await TestServer(imports: [], extraArguments: ["--refresh-interval", "1"], allowPrivateNetworks: false)
        let open = try await TestServer(imports: [], extraArguments: ["--refresh-interval", "1"])
        for (server, url) in [(closed, closedURLs[0]), (open, openURLs[0])] {
            let device = try Device("laptop", server: server, token: try await server.addUser("ada"))
            try device.store.subscribeFeed(url: url)
            try await device.sync()
        }
        // The closed server has refreshed once its feed list shows the error naming the cause.
        #expect(await poll { try await TestServer.run(Self.binary, ["feeds", "list"] + closed.databaseArguments).contains("non-public") })
        #expect(closedFeed.server.statistics.acceptedConnections == 0, "the closed server reached its loopback feed")
        #expect(await poll { openFeed.requests >= 1 }, "the open server never fetched its loopback feed")
    }

    /// Polls an async condition, as ``eventually(timeout:_:)`` does a synchronous one.
    private func poll(_ condition: () async throws -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
