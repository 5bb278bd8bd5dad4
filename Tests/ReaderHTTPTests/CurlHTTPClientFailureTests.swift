import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import Testing

@Suite struct CurlHTTPClientFailureTests {
    @Test func reportsATruncatedBody() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let error = await failure { try await makeClient().send(HTTPRequest(url: server.url("/truncated"))) }
        #expect(error == .truncated(received: 500, expected: 1000))
        #expect(error?.isTemporary == true)
    }

    @Test func abortsAStalledResponseOnTheLowSpeedLimit() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let timeouts = HTTPTimeouts(lowSpeed: .init(bytesPerSecond: 1, duration: .seconds(1)))
        let error = await failure { try await makeClient().send(HTTPRequest(url: server.url("/stall"), timeouts: timeouts)) }
        #expect(error == .timeout(.lowSpeed, host: "127.0.0.1:\(server.port)"))
        // The client hung up while the server was still stalling (it would for 30 s).
        #expect(await eventually { server.statistics.peerClosedEarly.contains("/stall") })
    }

    @Test func stopsAtTheTotalTimeLimit() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let timeouts = HTTPTimeouts(total: .milliseconds(500), lowSpeed: nil)
        let error = await failure { try await makeClient().send(HTTPRequest(url: server.url("/silent"), timeouts: timeouts)) }
        #expect(error == .timeout(.total, host: "127.0.0.1:\(server.port)"))
    }

    @Test func reportsARefusedConnection() async throws {
        let port = closedPort()
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/"))
        let error = await failure { try await makeClient().send(HTTPRequest(url: url, method: .post)) }
        guard case .connect(let host, let detail) = error else {
            Issue.record("expected a connect error, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1:\(port)")
        #expect(detail.lowercased().contains("refused"))
        #expect(error?.requestWasNotSent == true)
        #expect(error?.isRetryable(for: HTTPRequest(url: url, method: .post)) == true)
        #expect(error?.description.contains("Could not connect to 127.0.0.1:\(port)") == true)
    }

    @Test func stopsABodyOverTheCap() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let client = try makeClient()
        // Announced length over the cap: refused as soon as the headers arrive.
        #expect(await failure { try await client.send(HTTPRequest(url: server.url("/bytes/5000000")), maxBodyBytes: 1000) } == .tooLarge(limit: 1000))
        // No announced length: stopped once the cap is crossed.
        #expect(await failure { try await client.send(HTTPRequest(url: server.url("/unsized/5000000")), maxBodyBytes: 100_000) } == .tooLarge(limit: 100_000))
        // Exactly at the cap is fine.
        #expect(try await client.send(HTTPRequest(url: server.url("/bytes/1000")), maxBodyBytes: 1000).body.count == 1000)
    }

    @Test func cancellingTheTaskAbortsAWaitingRequestPromptly() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let client = try makeClient()
        let task = Task { try await client.send(HTTPRequest(url: server.url("/silent"))) }
        #expect(await eventually { server.statistics.requests == 1 })
        task.cancel()
        let result = await task.result
        #expect(throws: HTTPError.cancelled) { try result.get() }
        #expect(await eventually { server.statistics.peerClosedEarly.contains("/silent") })
    }

    @Test func cancellingTheTaskAbortsAStreamMidBody() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let client = try makeClient()
        let (firstChunk, signal) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            defer { signal.finish() }
            let response = try await client.stream(HTTPRequest(url: server.url("/slow-body")))
            var received = 0
            for try await chunk in response.body {
                received += chunk.count
                signal.yield(received)
            }
            return received
        }
        var iterator = firstChunk.makeAsyncIterator()
        let received = await iterator.next()
        #expect((received ?? 0) > 0)
        task.cancel()
        let result = await task.result
        #expect(throws: HTTPError.cancelled) { try result.get() }
        #expect(await eventually { server.statistics.peerClosedEarly.contains("/slow-body") })
    }

    @Test func droppingAStreamStopsTheTransfer() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let client = try makeClient()
        do {
            let response = try await client.stream(HTTPRequest(url: server.url("/slow-body")))
            for try await chunk in response.body {
                #expect(!chunk.isEmpty)
                break
            }
        }
        #expect(await eventually { server.statistics.peerClosedEarly.contains("/slow-body") })
    }
}
