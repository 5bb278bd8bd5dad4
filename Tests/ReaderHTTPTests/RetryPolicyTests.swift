import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import Synchronization
import Testing

@Suite struct RetryPolicyTests {
    private let url = URL(string: "http://127.0.0.1:9/")!

    private func head(_ status: Int, _ headers: HTTPHeaders = [:]) -> HTTPResponseHead {
        HTTPResponseHead(status: status, headers: headers, url: url)
    }

    @Test func backsOffExponentiallyWithFullJitterUpToTheCap() {
        var policy = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(10), random: { 0.999_999 })
        #expect(policy.backoff(afterAttempt: 1) <= .seconds(1))
        #expect(policy.backoff(afterAttempt: 1) > .milliseconds(999))
        #expect(policy.backoff(afterAttempt: 3) > .milliseconds(3999))
        #expect(policy.backoff(afterAttempt: 3) <= .seconds(4))
        #expect(policy.backoff(afterAttempt: 30) <= .seconds(10))
        policy.random = { 0 }
        #expect(policy.backoff(afterAttempt: 5) == .zero)
        policy.random = { 0.5 }
        #expect(policy.backoff(afterAttempt: 2) == .seconds(1))
    }

    @Test func retriesTemporaryStatusesOfSafeRequestsOnly() {
        let policy = RetryPolicy(random: { 0.5 })
        let get = HTTPRequest(url: url)
        let post = HTTPRequest(url: url, method: .post)
        let keyedPost = HTTPRequest(url: url, method: .post, idempotencyKey: "k1")
        for status in [408, 429, 500, 502, 503, 504] {
            #expect(policy.decide(after: .success(head(status)), of: get, attempt: 1) != .stop, "\(status)")
            #expect(policy.decide(after: .success(head(status)), of: post, attempt: 1) == .stop, "\(status)")
            #expect(policy.decide(after: .success(head(status)), of: keyedPost, attempt: 1) != .stop, "\(status)")
        }
        for status in [200, 304, 400, 401, 403, 404, 409, 410, 422, 501] {
            #expect(policy.decide(after: .success(head(status)), of: get, attempt: 1) == .stop, "\(status)")
        }
    }

    @Test func retriesErrorsByKindAndSafety() {
        let policy = RetryPolicy(random: { 0.5 })
        let get = HTTPRequest(url: url)
        let post = HTTPRequest(url: url, method: .post)
        let lost = HTTPError.connectionLost(host: "h", detail: "reset")
        #expect(policy.decide(after: .failure(lost), of: get, attempt: 1) != .stop)
        #expect(policy.decide(after: .failure(lost), of: post, attempt: 1) == .stop, "a POST may have been applied")
        #expect(policy.decide(after: .failure(.connect(host: "h", detail: "refused")), of: post, attempt: 1) != .stop, "never sent")
        #expect(policy.decide(after: .failure(.dns(host: "h")), of: post, attempt: 1) != .stop)
        for permanent: HTTPError in [.tls(host: "h", detail: "bad cert"), .tooLarge(limit: 1), .cancelled, .redirectLoop(url), .invalidURL("x")] {
            #expect(policy.decide(after: .failure(permanent), of: get, attempt: 1) == .stop, "\(permanent)")
        }
    }

    @Test func stopsAfterMaxAttempts() {
        let policy = RetryPolicy(maxAttempts: 3)
        let get = HTTPRequest(url: url)
        #expect(policy.decide(after: .success(head(503)), of: get, attempt: 2) != .stop)
        #expect(policy.decide(after: .success(head(503)), of: get, attempt: 3) == .stop)
    }

    @Test func honoursRetryAfterInSecondsAndAsADate() throws {
        let now = Date(timeIntervalSince1970: 784_111_777) // Sun, 06 Nov 1994 08:49:37 GMT
        let policy = RetryPolicy(maxRetryAfter: .seconds(120), random: { 0.5 }, now: { now })
        let get = HTTPRequest(url: url)
        #expect(policy.decide(after: .success(head(503, ["Retry-After": "7"])), of: get, attempt: 1) == .retry(after: .seconds(7)))
        let date = HTTPDate.format(now.addingTimeInterval(30))
        #expect(policy.decide(after: .success(head(429, ["Retry-After": date])), of: get, attempt: 1) == .retry(after: .seconds(30)))
        let past = HTTPDate.format(now.addingTimeInterval(-30))
        #expect(policy.decide(after: .success(head(503, ["Retry-After": past])), of: get, attempt: 1) == .retry(after: .zero))
        #expect(policy.decide(after: .success(head(503, ["Retry-After": "3600"])), of: get, attempt: 1) == .stop, "too long to wait")
        #expect(policy.decide(after: .success(head(503, ["Retry-After": "soon"])), of: get, attempt: 1) == .retry(after: .milliseconds(250)), "unreadable: backoff")
    }

    @Test func retriesAgainstARealServerHonouringRetryAfterSeconds() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let waits = Mutex<[Duration]>([])
        let policy = RetryPolicy(sleep: { duration in waits.withLock { $0.append(duration) } })
        let response = try await policy.send(HTTPRequest(url: server.url("/flaky/seconds")), using: makeClient())
        #expect(response.status == 200)
        #expect(response.text == "ok after 2 attempts")
        #expect(waits.withLock { $0 } == [.seconds(1)])
    }

    @Test func retriesAgainstARealServerHonouringRetryAfterDate() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let waits = Mutex<[Duration]>([])
        let policy = RetryPolicy(sleep: { duration in waits.withLock { $0.append(duration) } })
        let response = try await policy.send(HTTPRequest(url: server.url("/flaky/date?date=1")), using: makeClient())
        #expect(response.status == 200)
        let recorded = waits.withLock { $0 }
        #expect(recorded.count == 1)
        #expect(recorded.allSatisfy { $0 > .seconds(30) && $0 <= .seconds(60) }, "\(recorded)")
    }

    @Test func givesUpAndReturnsTheLastResponse() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let client = try RecordingClient(base: makeClient())
        let policy = RetryPolicy(maxAttempts: 3, sleep: { _ in })
        let response = try await policy.send(HTTPRequest(url: server.url("/status/503")), using: client)
        #expect(response.status == 503)
        #expect(client.outcomes == ["503", "503", "503"])
        #expect(server.statistics.requests == 3)
        #expect(throws: HTTPError.self) { try response.head.requireSuccess() }
    }

    @Test func retriesARefusedConnectionThenThrows() async throws {
        let port = closedPort()
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/"))
        let attempts = Mutex(0)
        let policy = RetryPolicy(maxAttempts: 3, sleep: { _ in attempts.withLock { $0 += 1 } })
        let error = await failure { try await policy.send(HTTPRequest(url: url), using: makeClient()) }
        guard case .connect = error else {
            Issue.record("expected a connect error, got \(String(describing: error))")
            return
        }
        #expect(attempts.withLock { $0 } == 2)
    }
}

/// Forwards to a real client and remembers each attempt's outcome.
private final class RecordingClient: HTTPClient {
    let base: CurlHTTPClient
    private let recorded = Mutex<[String]>([])

    init(base: CurlHTTPClient) {
        self.base = base
    }

    var outcomes: [String] { recorded.withLock { $0 } }

    func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws(HTTPError) -> HTTPResponse {
        do {
            let response = try await base.send(request, maxBodyBytes: maxBodyBytes)
            recorded.withLock { $0.append("\(response.status)") }
            return response
        } catch {
            recorded.withLock { $0.append("\(error)") }
            throw error
        }
    }

    func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
        try await base.stream(request)
    }
}
