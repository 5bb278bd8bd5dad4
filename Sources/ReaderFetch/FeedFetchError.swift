import Foundation
import ReaderFeeds
import ReaderHTTP

/// Why a feed could not be fetched, in the four classes a person acts on differently.
public enum FeedFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server could not be reached or the transfer failed (DNS, refused, TLS, reset…).
    case network(HTTPError)
    /// The fetch took longer than the per-feed time cap.
    case timedOut(url: URL, limit: Duration)
    /// The server answered with an error status.
    case status(Int, url: URL, retryAfter: Duration?)
    /// The body was larger than the per-feed size cap.
    case tooLarge(url: URL, limit: Int)
    /// The document is not a feed, or is a malformed one.
    case malformed(FeedImportError)
    /// An HTML page that links to no feed.
    case noFeedInPage(url: URL)

    /// The class of failure.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Reaching the server failed, or it took too long.
        case network
        /// The server answered with an error status.
        case httpStatus = "http_status"
        /// The document is not a valid feed.
        case malformed
        /// The feed exceeded the size cap.
        case tooLarge = "too_large"
    }

    /// Which of the four classes this is.
    public var kind: Kind {
        switch self {
        case .network, .timedOut: .network
        case .status: .httpStatus
        case .tooLarge: .tooLarge
        case .malformed, .noFeedInPage: .malformed
        }
    }

    /// Whether trying later may help (network trouble, 408/429/5xx); a malformed or missing
    /// feed waits for its owner to fix it, which the backoff reflects in the same way.
    public var isTemporary: Bool {
        switch self {
        case .network(let error): error.isTemporary
        case .timedOut: true
        case .status(let code, _, _): code == 408 || code == 429 || (500...599).contains(code)
        case .tooLarge, .malformed, .noFeedInPage: false
        }
    }

    /// How long the server asked to be left alone (`Retry-After`), when it did.
    public var retryAfter: Duration? {
        if case .status(_, _, let retryAfter) = self { return retryAfter }
        return nil
    }

    /// The HTTP status, when the server answered.
    public var status: Int? {
        if case .status(let code, _, _) = self { return code }
        return nil
    }

    /// One line a person understands, naming the feed's address.
    public var description: String {
        switch self {
        case .network(let error):
            return error.description
        case .timedOut(let url, let limit):
            return "\(url.absoluteString) did not answer within \(limit.components.seconds) s, so the fetch was stopped."
        case .status(let code, let url, _):
            let hint = switch code {
            case 401, 403: " (the feed is private or blocks readers)"
            case 404: " (no feed at this address any more: check the site for its new feed)"
            case 410: " (the feed was removed for good: unsubscribe from it)"
            case 429: " (too many requests: it will be tried later)"
            case 500...599: " (a server error: it will be tried later)"
            default: ""
            }
            return "\(url.absoluteString) answered HTTP \(code)\(hint)."
        case .tooLarge(let url, let limit):
            return "\(url.absoluteString) is larger than the \(limit >> 20) MB limit for a feed, so it was not read."
        case .malformed(let error):
            return "\(error.description)."
        case .noFeedInPage(let url):
            return "\(url.absoluteString) is a web page that links to no RSS, Atom or JSON feed."
        }
    }
}
