/// What a server said identifies a version of a resource (`ETag`, `Last-Modified`), kept
/// to ask next time for the resource only if it changed.
public struct HTTPValidators: Sendable, Hashable, Codable {
    /// The entity tag exactly as received, e.g. `"\"abc\""` or `"W/\"abc\""`.
    public var etag: String?
    /// The `Last-Modified` date exactly as received (sent back verbatim).
    public var lastModified: String?

    /// Creates validators.
    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }

    /// The validators of a response.
    public init(_ head: HTTPResponseHead) {
        etag = head.headers["ETag"]
        lastModified = head.headers["Last-Modified"]
    }

    /// Whether there is nothing to validate with.
    public var isEmpty: Bool { etag == nil && lastModified == nil }

    /// Adds `If-None-Match` and `If-Modified-Since` for whatever is known.
    public func apply(to headers: inout HTTPHeaders) {
        if let etag { headers["If-None-Match"] = etag }
        if let lastModified { headers["If-Modified-Since"] = lastModified }
    }

    /// These validators updated with any a newer response carries (a 304 may send new ones).
    public func updated(by head: HTTPResponseHead) -> HTTPValidators {
        let fresh = HTTPValidators(head)
        return HTTPValidators(etag: fresh.etag ?? etag, lastModified: fresh.lastModified ?? lastModified)
    }
}

/// The result of a conditional GET.
public enum ConditionalResponse: Sendable, Hashable {
    /// 304: the copy the caller has is current; the validators to keep.
    case notModified(HTTPResponseHead, HTTPValidators)
    /// The resource changed (or had no validators): the new response and its validators.
    case modified(HTTPResponse, HTTPValidators)
}

extension HTTPRequest {
    /// This request, asking for the body only if it changed since `validators` were issued.
    public func conditional(on validators: HTTPValidators) -> HTTPRequest {
        var request = self
        validators.apply(to: &request.headers)
        return request
    }
}

extension HTTPResponseHead {
    /// Whether the server answered 304 Not Modified.
    public var isNotModified: Bool { status == 304 }
}

extension HTTPClient {
    /// Fetches `request` only if it changed since `validators`; a 304 returns
    /// `.notModified` without a body.
    public func fetchIfChanged(
        _ request: HTTPRequest,
        validators: HTTPValidators,
        maxBodyBytes: Int = 16 << 20
    ) async throws(HTTPError) -> ConditionalResponse {
        let response = try await send(request.conditional(on: validators), maxBodyBytes: maxBodyBytes)
        if response.head.isNotModified {
            return .notModified(response.head, validators.updated(by: response.head))
        }
        return .modified(response, HTTPValidators(response.head))
    }
}
