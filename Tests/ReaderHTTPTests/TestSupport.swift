import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP

/// A client that ignores any proxy settings of the machine running the tests.
func makeClient(streamBufferBytes: Int = 1 << 20) throws -> CurlHTTPClient {
    try CurlHTTPClient(configuration: HTTPClientConfiguration(proxy: .direct, streamBufferBytes: streamBufferBytes))
}

/// The `HTTPError` `body` throws, or `nil` when it succeeds. (Closures infer `any Error`,
/// so the typed error is recovered here.)
func failure<T>(_ body: () async throws -> T) async -> HTTPError? {
    do {
        _ = try await body()
        return nil
    } catch let error as HTTPError {
        return error
    } catch {
        return .other(code: -1, detail: "not an HTTPError: \(error)")
    }
}

/// A port on 127.0.0.1 that nothing listens on.
func closedPort() -> Int { LoopbackServer.closedPort() }
