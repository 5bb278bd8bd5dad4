import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import Testing

@Suite struct CurlHTTPClientTests {
    @Test(arguments: [200, 201, 404, 410, 500, 503])
    func returnsEveryStatusAsAResponse(code: Int) async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let client = try makeClient()
        let response = try await client.send(HTTPRequest(url: server.url("/status/\(code)")))
        #expect(response.status == code)
        #expect(response.text == "status \(code)")
        #expect(response.headers["x-status"] == "\(code)")
        #expect(response.url == server.url("/status/\(code)"))
        #expect(response.head.httpVersion == "1.1")
    }

    @Test func keepsMultiValuedHeadersInOrderWithCaseInsensitiveLookup() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let response = try await makeClient().send(HTTPRequest(url: server.url("/headers")))
        #expect(response.headers.values(for: "set-cookie") == ["a=1", "b=2"])
        #expect(response.headers.values(for: "X-MULTI") == ["one", "two"])
        #expect(response.headers["SET-COOKIE"] == "a=1")
    }

    @Test func sendsUserAgentCustomHeadersAndIdempotencyKey() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let request = HTTPRequest(url: server.url("/headers"), headers: ["X-Trace": "abc", "Accept": "text/plain"], idempotencyKey: "mutation-42")
        let echo = try await makeClient().send(request).text
        #expect(echo.contains("User-Agent: reader/0.1.0 (+https://github.com/reader-core) libcurl/"))
        #expect(echo.contains("X-Trace: abc\n"))
        #expect(echo.contains("Accept: text/plain\n"))
        #expect(echo.contains("Idempotency-Key: mutation-42\n"))
        #expect(!echo.contains("Expect:"))
    }

    @Test func postsBytesAndPutsAFileAsTheBody() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let client = try makeClient()
        let bytes = Array("hello, server".utf8)
        let posted = try await client.send(HTTPRequest(url: server.url("/echo"), method: .post, body: .bytes(bytes)))
        #expect(posted.body == bytes)
        #expect(posted.headers["X-Method"] == "POST")

        let path = TestFolder.url("upload").path
        let fileBytes = (0..<300_000).map(TestRoutes.patternByte)
        try Data(fileBytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let put = try await client.send(HTTPRequest(url: server.url("/echo"), method: .put, body: .file(path: path)))
        #expect(put.headers["X-Method"] == "PUT")
        #expect(put.body == fileBytes)

        let deleted = try await client.send(HTTPRequest(url: server.url("/echo"), method: .delete))
        #expect(deleted.headers["X-Method"] == "DELETE")
    }

    @Test func reportsAnUnreadableUploadFile() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let error = await failure {
            try await makeClient().send(HTTPRequest(url: server.url("/echo"), method: .post, body: .file(path: "/nonexistent/file")))
        }
        guard case .requestBody(let path, _) = error else {
            Issue.record("expected requestBody, got \(String(describing: error))")
            return
        }
        #expect(path == "/nonexistent/file")
    }

    @Test func headReturnsHeadersWithoutABody() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let response = try await makeClient().send(HTTPRequest(url: server.url("/bytes/5000"), method: .head), maxBodyBytes: 10)
        #expect(response.status == 200)
        #expect(response.headers["Content-Length"] == "5000")
        #expect(response.body.isEmpty)
    }

    @Test(arguments: ["gzip", "deflate", "br", "zstd"])
    func decodesCompressedBodies(coding: String) async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let response = try await makeClient().send(HTTPRequest(url: server.url("/encoded/\(coding)")))
        #expect(response.body == TestRoutes.sampleText)
        let offered = response.headers["X-Accept-Encoding"] ?? ""
        for name in ["gzip", "deflate", "br", "zstd"] {
            #expect(offered.contains(name))
        }
    }

    @Test func reusesOneConnectionForSequentialRequests() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let client = try makeClient()
        for index in 0..<20 {
            let response = try await client.send(HTTPRequest(url: server.url("/sleep?ms=0&id=\(index)")))
            #expect(response.text == "\(index)")
        }
        #expect(server.statistics.acceptedConnections == 1)
        #expect(server.statistics.requests == 20)
    }

    @Test func runsAHundredRequestsConcurrentlyOnAFewConnections() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let client = try makeClient()
        let bodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<100 {
                group.addTask {
                    let response = try await client.send(HTTPRequest(url: server.url("/sleep?ms=50&id=\(index)")))
                    return (index, response.text)
                }
            }
            var bodies: [Int: String] = [:]
            for try await (index, text) in group { bodies[index] = text }
            return bodies
        }
        #expect(bodies.count == 100)
        #expect(bodies.allSatisfy { "\($0.key)" == $0.value })
        let stats = server.statistics
        #expect(stats.peakInFlight > 1, "requests overlapped on the server")
        #expect(stats.acceptedConnections <= client.configuration.maxConnectionsPerHost)
    }

    @Test func goesThroughAConfiguredProxy() async throws {
        let proxy = try TestRoutes.start()
        defer { proxy.stop() }
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(proxy: .url("http://127.0.0.1:\(proxy.port)")))
        let target = try #require(URL(string: "http://feeds.example.invalid/rss.xml"))
        let response = try await client.send(HTTPRequest(url: target))
        #expect(response.headers["X-Proxied"] == "yes")
        #expect(response.text == "http://feeds.example.invalid/rss.xml")
    }

    @Test func rejectsNonHTTPURLsAndUnsafeHeaders() async throws {
        let client = try makeClient()
        let ftp = try #require(URL(string: "ftp://127.0.0.1/file"))
        #expect(await failure { try await client.send(HTTPRequest(url: ftp)) } == .invalidURL("ftp://127.0.0.1/file"))
        let local = try #require(URL(string: "http://127.0.0.1:1/"))
        let injected = HTTPRequest(url: local, headers: ["X-Evil": "a\r\nInjected: yes"])
        #expect(await failure { try await client.send(injected) } == .invalidHeader(name: "X-Evil"))
    }
}
