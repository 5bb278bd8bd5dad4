import Foundation

/// The status line and headers of a final response, and how it was reached.
public struct HTTPResponseHead: Sendable, Hashable {
    /// The status code, e.g. 200 or 304.
    public var status: Int
    /// The reason phrase the server sent (empty over HTTP/2).
    public var reason: String
    /// The response headers, in order, with case-insensitive lookup.
    public var headers: HTTPHeaders
    /// The URL that produced this response, after following redirects.
    public var url: URL
    /// The protocol version used, e.g. `"1.1"` or `"2"`.
    public var httpVersion: String
    /// The redirects followed to get here, in order; empty when none.
    public var redirects: [HTTPRedirect]

    /// Creates a head; the client builds these, tests and fakes may too.
    public init(
        status: Int,
        reason: String = "",
        headers: HTTPHeaders = [:],
        url: URL,
        httpVersion: String = "1.1",
        redirects: [HTTPRedirect] = []
    ) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.url = url
        self.httpVersion = httpVersion
        self.redirects = redirects
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The new address of the requested resource when every redirect from the start was
    /// permanent (301 or 308): where a subscription should be updated to point. `nil` when
    /// there was no redirect or a temporary one came first.
    public var permanentRedirectURL: URL? {
        var target: URL?
        for redirect in redirects {
            guard redirect.isPermanent else { break }
            target = redirect.to
        }
        return target
    }

    /// Throws `HTTPError.status` unless the status is 2xx (or one of `accepting`), so a
    /// caller can turn an unexpected status into the same error path as a network failure.
    public func requireSuccess(accepting: Set<Int> = []) throws(HTTPError) {
        guard isSuccess || accepting.contains(status) else {
            throw .status(status, url: url, retryAfter: RetryAfter.parse(headers["Retry-After"]))
        }
    }
}

/// One redirect that was followed.
public struct HTTPRedirect: Sendable, Hashable {
    /// The 3xx status of the redirect.
    public var status: Int
    /// The URL that answered with the redirect.
    public var from: URL
    /// The URL it pointed to.
    public var to: URL

    /// Creates a record of a redirect.
    public init(status: Int, from: URL, to: URL) {
        self.status = status
        self.from = from
        self.to = to
    }

    /// Whether the redirect is permanent (301 Moved Permanently or 308 Permanent Redirect).
    public var isPermanent: Bool { status == 301 || status == 308 }
}

/// A response whose body was collected in memory (under the caller's size cap).
public struct HTTPResponse: Sendable, Hashable {
    /// Status, headers, final URL and redirects.
    public var head: HTTPResponseHead
    /// The decoded body bytes (after gzip, deflate, br or zstd decoding).
    public var body: [UInt8]

    /// Creates a response.
    public init(head: HTTPResponseHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }

    /// The status code.
    public var status: Int { head.status }
    /// The response headers.
    public var headers: HTTPHeaders { head.headers }
    /// The URL that produced the response, after redirects.
    public var url: URL { head.url }

    /// The body decoded as UTF-8, with invalid sequences replaced.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A response whose body arrives as it is received.
public struct HTTPStreamingResponse: Sendable {
    /// Status, headers, final URL and redirects.
    public var head: HTTPResponseHead
    /// The decoded body, in chunks; iterate it once. Dropping it before the end stops the
    /// transfer.
    public var body: HTTPBodyStream

    /// Creates a streaming response.
    public init(head: HTTPResponseHead, body: HTTPBodyStream) {
        self.head = head
        self.body = body
    }
}
