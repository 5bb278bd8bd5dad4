import Foundation
import LoopbackHTTP
import ReaderHTTP
import Testing

@Suite struct HTTPErrorTests {
    @Test func describesEveryErrorOnOneLine() throws {
        let url = try #require(URL(string: "https://example.com/feed"))
        let errors: [HTTPError] = [
            .invalidURL("x"), .invalidHeader(name: "X"), .offline, .dns(host: "example.com"),
            .connect(host: "example.com:443", detail: "Connection refused"),
            .timeout(.connect, host: "h"), .timeout(.total, host: "h"), .timeout(.lowSpeed, host: "h"),
            .tls(host: "h", detail: "self-signed certificate"), .status(404, url: url, retryAfter: nil),
            .tooLarge(limit: 16 << 20), .truncated(received: 1, expected: 2), .truncated(received: 1, expected: nil),
            .connectionLost(host: "h", detail: "reset"), .redirectLoop(url), .tooManyRedirects(limit: 10, last: url),
            .redirectToUnsupportedScheme(from: url, location: "ftp://example.com/feed"),
            .badResponse(detail: "bad status line"), .requestBody(path: "/tmp/x", detail: "gone"), .cancelled,
            .other(code: 99, detail: "odd"),
        ]
        for error in errors {
            #expect(!error.description.isEmpty)
            #expect(!error.description.contains("\n"))
        }
        #expect(HTTPError.status(404, url: url, retryAfter: nil).description == "example.com answered 404 Not Found.")
        #expect(HTTPError.tooLarge(limit: 16 << 20).description.contains("16 MB"))
    }

    @Test func classifiesStatusesForRetry() throws {
        let url = try #require(URL(string: "https://example.com/"))
        #expect(HTTPError.status(503, url: url, retryAfter: nil).isTemporary)
        #expect(HTTPError.status(429, url: url, retryAfter: nil).isTemporary)
        #expect(!HTTPError.status(404, url: url, retryAfter: nil).isTemporary)
        #expect(!HTTPError.status(401, url: url, retryAfter: nil).isTemporary)
    }

    @Test func requireSuccessCarriesRetryAfter() throws {
        let url = try #require(URL(string: "https://example.com/"))
        let head = HTTPResponseHead(status: 429, headers: ["Retry-After": "12"], url: url)
        #expect(throws: HTTPError.status(429, url: url, retryAfter: .seconds(12))) { try head.requireSuccess() }
        #expect(throws: Never.self) { try head.requireSuccess(accepting: [429]) }
    }
}
