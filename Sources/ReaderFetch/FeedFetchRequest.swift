import Foundation
import ReaderFeeds
import ReaderHTTP

/// One feed to fetch, with what is remembered from the last time.
public struct FeedFetchRequest: Sendable, Hashable {
    /// The feed's current URL.
    public var url: URL
    /// The `ETag` and `Last-Modified` of the last 200, sent back so that an unchanged feed
    /// costs a 304 and no parse.
    public var validators: HTTPValidators
    /// The key of the source its articles belong to; nil lets the feed's own links decide.
    /// Pass the URL the subscription was made with, so a moved feed keeps its articles.
    public var sourceKey: String?

    /// Creates a request.
    public init(url: URL, validators: HTTPValidators = HTTPValidators(), sourceKey: String? = nil) {
        self.url = url
        self.validators = validators
        self.sourceKey = sourceKey
    }
}

/// What fetching a feed found.
public struct FeedFetchResult: Sendable {
    /// What the server answered.
    public enum Outcome: Sendable {
        /// 304: the feed is as it was; nothing was parsed.
        case notModified
        /// The feed, parsed.
        case fetched(ParsedFeed)
    }

    /// The request this answers.
    public var request: FeedFetchRequest
    /// Not modified, or the parsed feed.
    public var outcome: Outcome
    /// The final status (200, 304…).
    public var status: Int
    /// The validators to store for next time (kept from before on a 304 that sends none).
    public var validators: HTTPValidators
    /// Where the subscription should point from now on: the target of a permanent redirect
    /// (301/308), or the feed discovered in an HTML page; nil when the URL stays.
    public var newURL: URL?
    /// The size of the body received, in bytes.
    public var byteCount: Int

    /// Creates a result.
    public init(
        request: FeedFetchRequest, outcome: Outcome, status: Int, validators: HTTPValidators,
        newURL: URL? = nil, byteCount: Int = 0
    ) {
        self.request = request
        self.outcome = outcome
        self.status = status
        self.validators = validators
        self.newURL = newURL
        self.byteCount = byteCount
    }

    /// The URL the feed now lives at: `newURL`, else the requested one.
    public var url: URL { newURL ?? request.url }

    /// The parsed feed, or nil for a 304.
    public var feed: ParsedFeed? {
        if case .fetched(let feed) = outcome { return feed }
        return nil
    }
}

extension FeedFetchResult {
    /// This result as the first fetch of a new subscription to the feed's final URL, with
    /// its articles keyed by `sourceKey`: the URL first subscribed to (kept when an existing
    /// subscription moved), so that every later refresh keys them the same way.
    public func subscribed(sourceKey: String) -> FeedFetchResult {
        var result = self
        result.request.url = url
        result.newURL = nil
        if case .fetched(var feed) = outcome {
            for index in feed.entries.indices { feed.entries[index].source.key = sourceKey }
            feed.source?.key = sourceKey
            result.outcome = .fetched(feed)
        }
        return result
    }
}
