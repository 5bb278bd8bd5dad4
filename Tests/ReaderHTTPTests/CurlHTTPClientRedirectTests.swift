import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import Testing

@Suite struct CurlHTTPClientRedirectTests {
    @Test(arguments: [301, 302, 303, 307, 308])
    func followsRedirectsToTheFinalURL(status: Int) async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let response = try await makeClient().send(HTTPRequest(url: server.url("/redirect?status=\(status)&to=/status/200")))
        #expect(response.status == 200)
        #expect(response.url == server.url("/status/200"))
        #expect(response.head.redirects.map(\.status) == [status])
        let permanent = status == 301 || status == 308
        #expect(response.head.permanentRedirectURL == (permanent ? server.url("/status/200") : nil))
    }

    @Test func reportsPermanentRedirectOnlyWhileTheChainIsPermanent() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let second = "/redirect?status=302%26to=/status/200"
        let response = try await makeClient().send(HTTPRequest(url: server.url("/redirect?status=308&to=\(second)")))
        #expect(response.status == 200)
        #expect(response.head.redirects.map(\.status) == [308, 302])
        #expect(response.head.permanentRedirectURL == server.url("/redirect?status=302&to=/status/200"))
    }

    @Test func resolvesRelativeLocations() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let response = try await makeClient().send(HTTPRequest(url: server.url("/redirect/deeper?status=302&to=../status/201")))
        #expect(response.status == 201)
        #expect(response.url == server.url("/status/201"))
    }

    @Test func rewritesMethodAsBrowsersDo() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let client = try makeClient()
        let body = Array("payload".utf8)
        for (status, method, keptBody) in [(303, "GET", false), (302, "GET", false), (301, "GET", false), (307, "POST", true), (308, "POST", true)] {
            let request = HTTPRequest(url: server.url("/redirect?status=\(status)&to=/echo"), method: .post, body: .bytes(body))
            let response = try await client.send(request)
            #expect(response.headers["X-Method"] == method, "after \(status)")
            #expect(response.body == (keptBody ? body : []), "after \(status)")
        }
    }

    @Test func detectsARedirectLoop() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let error = await failure { try await makeClient().send(HTTPRequest(url: server.url("/loop/a"))) }
        #expect(error == .redirectLoop(server.url("/loop/a")))
        #expect(error?.isTemporary == false)
    }

    @Test func stopsAfterTheRedirectLimit() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let client = try makeClient()
        let error = await failure { try await client.send(HTTPRequest(url: server.url("/chain/8"), maxRedirects: 5)) }
        #expect(error == .tooManyRedirects(limit: 5, last: server.url("/chain/2")))
        #expect(error?.isTemporary == false)
        #expect(error?.description.contains("redirects") == true && error?.description.contains("/chain/2") == true)
        let response = try await client.send(HTTPRequest(url: server.url("/chain/5"), maxRedirects: 5))
        #expect(response.text == "end of chain")
    }

    @Test func aRedirectToAnAddressThatIsNotHTTPIsAPermanentRedirectError() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        for (location, named) in [("ftp://127.0.0.1/feed.xml", "ftp:"), ("file:///etc/passwd", "file:"), ("gopher://x/1/news", "gopher:")] {
            let from = server.url("/redirect?status=301&to=\(location)")
            let error = await failure { try await makeClient().send(HTTPRequest(url: from)) }
            #expect(error == .redirectToUnsupportedScheme(from: from, location: location))
            #expect(error?.isTemporary == false)
            // Names the scheme, never the rest of what the server sent.
            #expect(error?.description == "\(from.absoluteString) redirects to an address starting with \(named), which is not http or https.")
        }
    }

    @Test func returnsTheRedirectItselfWhenNotFollowing() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let response = try await makeClient().send(HTTPRequest(url: server.url("/redirect?status=301&to=/elsewhere"), maxRedirects: 0))
        #expect(response.status == 301)
        #expect(response.headers["Location"] == "/elsewhere")
        #expect(response.head.redirects.isEmpty)
    }

    @Test func streamsAfterFollowingRedirects() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let response = try await makeClient().stream(HTTPRequest(url: server.url("/redirect?status=302&to=/bytes/100000")))
        #expect(response.head.status == 200)
        #expect(response.head.redirects.count == 1)
        let body = try await response.body.collect(upTo: 1 << 20)
        #expect(body.count == 100_000)
    }
}
