import Foundation
import LoopbackHTTP
import ReaderHTTP
import Testing

@Suite struct ConditionalGETTests {
    @Test func asksOnlyForChangesOnceValidatorsAreKnown() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let client = try makeClient()
        let request = HTTPRequest(url: server.url("/etag"))
        guard case .modified(let first, let validators) = try await client.fetchIfChanged(request, validators: HTTPValidators()) else {
            Issue.record("first fetch should return the body")
            return
        }
        #expect(first.text == "fresh")
        #expect(validators == HTTPValidators(etag: "\"v1\"", lastModified: "Sun, 06 Nov 1994 08:49:37 GMT"))
        guard case .notModified(let head, let kept) = try await client.fetchIfChanged(request, validators: validators) else {
            Issue.record("second fetch should be 304")
            return
        }
        #expect(head.isNotModified)
        #expect(kept == validators)
    }

    @Test func addsConditionalHeaders() throws {
        let url = try #require(URL(string: "http://127.0.0.1/feed"))
        let request = HTTPRequest(url: url).conditional(on: HTTPValidators(etag: "W/\"x\"", lastModified: "Tue, 29 Feb 2000 00:00:00 GMT"))
        #expect(request.headers["If-None-Match"] == "W/\"x\"")
        #expect(request.headers["If-Modified-Since"] == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPRequest(url: url).conditional(on: HTTPValidators()).headers.isEmpty)
    }
}
