import Foundation

/// Sends HTTP requests. The core reaches the network only through this protocol, so the
/// sync engine and feed fetching can be given a fake in tests.
public protocol HTTPClient: Sendable {
    /// Sends `request`, follows redirects, and collects the decoded body in memory.
    ///
    /// Any status is returned as a response (use `requireSuccess()` to treat non-2xx as an
    /// error). A body longer than `maxBodyBytes` stops the transfer with
    /// `HTTPError.tooLarge`.
    func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws(HTTPError) -> HTTPResponse

    /// Sends `request`, follows redirects, and returns as soon as the final response's
    /// headers arrive; the body is then read from the returned stream.
    func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse

    /// Sends `request`, follows redirects, and writes the final response's body (whatever
    /// its status: check `head.status`) to the file at `path`, replacing it. Past
    /// `maxBodyBytes` the transfer stops with `HTTPError.tooLarge`; after any failure the
    /// file holds an unspecified part of the body, so download to a temporary name and
    /// rename it on success.
    func download(_ request: HTTPRequest, to path: String, maxBodyBytes: Int?) async throws(HTTPError) -> HTTPDownload
}

/// The outcome of `HTTPClient.download(_:to:maxBodyBytes:)`.
public struct HTTPDownload: Sendable, Hashable {
    /// Status, headers, final URL and redirects.
    public var head: HTTPResponseHead
    /// How many (decoded) body bytes were written.
    public var byteCount: Int64

    /// Creates a download result.
    public init(head: HTTPResponseHead, byteCount: Int64) {
        self.head = head
        self.byteCount = byteCount
    }
}

extension HTTPClient {
    /// A `download` for clients that only implement `stream` (fakes in tests): writes each
    /// chunk from the calling task.
    public func download(_ request: HTTPRequest, to path: String, maxBodyBytes: Int?) async throws(HTTPError) -> HTTPDownload {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .saveFailed(path: path, detail: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let response = try await stream(request)
        var written: Int64 = 0
        for try await chunk in response.body {
            if let maxBodyBytes, written + Int64(chunk.count) > Int64(maxBodyBytes) { throw .tooLarge(limit: maxBodyBytes) }
            let failed = chunk.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count, let base = bytes.baseAddress {
                    let count = write(descriptor, base + offset, bytes.count - offset)
                    if count < 0, errno == EINTR { continue }
                    if count <= 0 { return true }
                    offset += count
                }
                return false
            }
            if failed { throw .saveFailed(path: path, detail: String(cString: strerror(errno))) }
            written += Int64(chunk.count)
        }
        return HTTPDownload(head: response.head, byteCount: written)
    }

    /// The body limit `send` uses when the caller gives none: 16 MB.
    public static var defaultMaxBodyBytes: Int { 16 << 20 }

    /// Downloads `request`'s body to `path` without a size limit.
    public func download(_ request: HTTPRequest, to path: String) async throws(HTTPError) -> HTTPDownload {
        try await download(request, to: path, maxBodyBytes: nil)
    }

    /// Sends `request` with the default body limit of 16 MB.
    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try await send(request, maxBodyBytes: Self.defaultMaxBodyBytes)
    }
}
