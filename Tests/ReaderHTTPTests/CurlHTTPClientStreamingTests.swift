import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import Testing

@Suite struct CurlHTTPClientStreamingTests {
    /// The memory measured is what the stream itself held (its pool of body buffers), not
    /// the process's resident size: the other suites run in the same process at the same
    /// time, and their allocations are not this stream's.
    @Test func streamsOneGigabyteWithBoundedMemory() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let capacity = 1 << 20
        let client = try makeClient(streamBufferBytes: capacity)
        let total = 1 << 30
        var received = 0
        var chunks = 0
        let response = try await client.stream(HTTPRequest(url: server.url("/bytes/\(total)")))
        #expect(response.head.headers["Content-Length"] == "\(total)")
        for try await chunk in response.body {
            // Spot-check the pattern at both ends of every chunk.
            if chunk.first != TestRoutes.patternByte(received) || chunk.last != TestRoutes.patternByte(received + chunk.count - 1) {
                Issue.record("unexpected bytes at offset \(received)")
                break
            }
            received += chunk.count
            chunks += 1
            // Fall behind now and then so the transfer has to pause and resume.
            if chunks % 1024 == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(received == total)
        // The buffer, plus the buffer being filled when it ran over and the chunks the
        // consumer still held: about 2 MB for a 1 GB body.
        let bound = capacity + 4 * HTTPBodyStream.bufferSize
        let held = response.body.peakHeldBytes
        #expect(held <= bound, "the stream held \(held >> 10) KB at once (bound \(bound >> 10) KB)")
    }

    @Test func aSlowConsumerPausesTheTransferInsteadOfBuffering() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        // A 64 KB buffer against a 16 MB body read slowly at first.
        let client = try makeClient(streamBufferBytes: 64 * 1024)
        let response = try await client.stream(HTTPRequest(url: server.url("/bytes/\(16 << 20)")))
        var received = 0
        var iterator = response.body.makeAsyncIterator()
        try await Task.sleep(for: .milliseconds(300))
        while let chunk = try await iterator.next() {
            #expect(chunk.first == TestRoutes.patternByte(received))
            received += chunk.count
        }
        #expect(received == 16 << 20)
    }

    @Test func streamsAnEmptyBody() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let response = try await makeClient().stream(HTTPRequest(url: server.url("/bytes/0")))
        #expect(response.head.status == 200)
        #expect(try await response.body.collect(upTo: 10).isEmpty)
    }

    @Test func streamingReportsTruncationAfterTheData() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let response = try await makeClient().stream(HTTPRequest(url: server.url("/truncated")))
        var received = 0
        let error = await failure {
            for try await chunk in response.body { received += chunk.count }
        }
        #expect(received == 500)
        #expect(error == .truncated(received: 500, expected: 1000))
    }

    @Test func downloadsToAFileFromTheTransferThread() async throws {
        let server = try TestRoutes.start()
        defer { server.stop() }
        let client = try makeClient()
        let path = TestFolder.url("download").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let download = try await client.download(HTTPRequest(url: server.url("/redirect?status=302&to=/bytes/3000000")), to: path, maxBodyBytes: nil)
        #expect(download.head.status == 200)
        #expect(download.head.redirects.count == 1)
        #expect(download.byteCount == 3_000_000)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written.count == 3_000_000)
        #expect(written.enumerated().allSatisfy { $0.element == TestRoutes.patternByte($0.offset) })

        let capped = await failure { try await client.download(HTTPRequest(url: server.url("/unsized/3000000")), to: path, maxBodyBytes: 1000) }
        #expect(capped == .tooLarge(limit: 1000))
        let unwritable = await failure { try await client.download(HTTPRequest(url: server.url("/bytes/10")), to: "/nonexistent/dir/file", maxBodyBytes: nil) }
        guard case .saveFailed(let failedPath, _) = unwritable else {
            Issue.record("expected saveFailed, got \(String(describing: unwritable))")
            return
        }
        #expect(failedPath == "/nonexistent/dir/file")
    }
}
