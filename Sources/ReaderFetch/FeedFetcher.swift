import Foundation
import ReaderFeeds
import ReaderHTTP

/// Fetches and parses feeds over an `HTTPClient`: conditional GET, permanent redirects
/// reported, a size cap and a time cap per feed, feed discovery in HTML pages, and failures
/// classified into ``FeedFetchError``. It keeps no state: what to remember between fetches
/// (validators, URL, error count) is in the request and the result, for the caller to store.
public struct FeedFetcher: Sendable {
    /// The HTTP client (a `CurlHTTPClient`, or a fake in tests).
    public var client: any HTTPClient
    /// The largest body read for one feed; a larger one fails with ``FeedFetchError/tooLarge(url:limit:)``.
    public var maxBytes: Int
    /// The longest one fetch may take, redirects included; a slower one fails with
    /// ``FeedFetchError/timedOut(url:limit:)`` and holds up nothing else.
    public var timeLimit: Duration

    /// Creates a fetcher; by default a feed may be 10 MB and take 30 s.
    public init(client: any HTTPClient, maxBytes: Int = 10 << 20, timeLimit: Duration = .seconds(30)) {
        self.client = client
        self.maxBytes = maxBytes
        self.timeLimit = timeLimit
    }

    /// Fetches one feed.
    ///
    /// - Parameters:
    ///   - request: the feed's URL, and the validators and source key from its last fetch.
    ///   - discover: When the URL answers with an HTML page, look in it for
    ///     `<link rel="alternate">` to a feed and fetch the first one found (its URL is then
    ///     the result's `newURL`). For a new subscription; a refresh passes false, so that a
    ///     feed that turned into a web page is reported rather than silently replaced.
    public func fetch(_ request: FeedFetchRequest, discover: Bool = false) async throws(FeedFetchError) -> FeedFetchResult {
        switch try await download(request) {
        case .finished(let result):
            return result
        case .body(let response):
            if discover, FeedDocument.kind(of: response.body, contentType: response.head.headers["Content-Type"]) == .html {
                return try await fetchDiscovered(in: response, for: request)
            }
            return try parse(response, for: request)
        }
    }

    /// What `download(_:)` got: a result with nothing to parse (304 Not Modified), or a body.
    enum Download: Sendable {
        case finished(FeedFetchResult)
        case body(HTTPResponse)
    }

    /// The first half of `fetch`: the GET, its status checked; the body is not parsed.
    func download(_ request: FeedFetchRequest) async throws(FeedFetchError) -> Download {
        let response = try await send(request.url, validators: request.validators)
        let head = response.head
        if head.isNotModified {
            return .finished(FeedFetchResult(
                request: request, outcome: .notModified, status: head.status,
                validators: request.validators.updated(by: head), newURL: head.permanentRedirectURL
            ))
        }
        guard head.isSuccess else {
            throw .status(head.status, url: head.url, retryAfter: RetryAfter.parse(head.headers["Retry-After"]))
        }
        return .body(response)
    }

    /// The second half of `fetch`: a downloaded body parsed as a feed.
    func parse(_ response: HTTPResponse, for request: FeedFetchRequest) throws(FeedFetchError) -> FeedFetchResult {
        let head = response.head
        let contentType = head.headers["Content-Type"]
        let feed: ParsedFeed
        do {
            feed = try FeedDocument.parse(
                response.body, url: head.url.absoluteString, contentType: contentType, sourceKey: request.sourceKey
            )
        } catch {
            if FeedDocument.kind(of: response.body, contentType: contentType) == .html {
                throw .malformed(FeedImportError(
                    file: head.url.absoluteString,
                    reason: "this is a web page, not a feed (subscribe to the page again to find its feed)"
                ))
            }
            throw .malformed(error)
        }
        return FeedFetchResult(
            request: request, outcome: .fetched(feed), status: head.status,
            validators: HTTPValidators(head), newURL: head.permanentRedirectURL, byteCount: response.body.count
        )
    }

    /// The feed a page links to, fetched; its URL becomes the subscription's.
    private func fetchDiscovered(in page: HTTPResponse, for request: FeedFetchRequest) async throws(FeedFetchError) -> FeedFetchResult {
        let found = FeedDiscovery.feeds(inHTML: page.body, pageURL: page.head.url.absoluteString)
        guard let first = found.first, let url = URL(string: first.url) else { throw .noFeedInPage(url: page.head.url) }
        var feedRequest = request
        feedRequest.url = url
        feedRequest.validators = HTTPValidators()
        var result = try await fetch(feedRequest, discover: false)
        result.newURL = result.newURL ?? url
        result.request = request
        return result
    }

    /// A GET under the caps, its failures classified.
    private func send(_ url: URL, validators: HTTPValidators) async throws(FeedFetchError) -> HTTPResponse {
        var request = HTTPRequest(
            url: url,
            headers: [
                "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
                    + "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5",
            ],
            timeouts: HTTPTimeouts(connect: min(timeLimit, .seconds(15)), total: timeLimit, lowSpeed: nil),
            maxRedirects: 8
        )
        request = request.conditional(on: validators)
        do {
            return try await client.send(request, maxBodyBytes: maxBytes)
        } catch {
            switch error {
            case .timeout: throw .timedOut(url: url, limit: timeLimit)
            case .tooLarge(let limit): throw .tooLarge(url: url, limit: limit)
            default: throw .network(error)
            }
        }
    }
}
