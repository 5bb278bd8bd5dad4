import Foundation
import ReaderFetch
import ReaderHTTP

/// What the server's feed aggregation (``FeedAggregator``, ``FeedRefreshService``) and its
/// retention (``RetentionService``) need from a storage engine, beside the sync API's
/// ``SyncRepository``: subscribing users to fetched feeds, the feeds to fetch, each fetch's
/// outcome, and the retention pass.
///
/// Every write is one transaction and records its changes in the change feed of each user
/// it touches, as a push does, so devices pull what a fetch brought.
public protocol FeedRepository: SyncRepository {
    /// Whether a user of that name exists (checked before a fetch, so a typo costs no
    /// request to someone's server).
    func userExists(named name: String) async throws -> Bool

    /// Subscribes the user named `user` to the feed a fetch found, and writes what it
    /// fetched. `given` is the address the person typed, reported when it differs.
    ///
    /// - Throws: `RepositoryError` for an unknown user.
    func subscribe(user: String, to result: FeedFetchResult, given: String) async throws -> FeedAddReport

    /// Unsubscribes the user named `user` from the feed at `url`.
    ///
    /// - Throws: `RepositoryError` for an unknown user or one not subscribed to it.
    func unsubscribe(user: String, from url: String) async throws

    /// Every feed the server knows, with how many users read it, by URL.
    func feeds() async throws -> [ServerFeed]

    /// The feeds this process should fetch now (see ``FeedClaim``).
    func feedsDue(_ claim: FeedClaim) async throws -> DueFeeds

    /// Writes one fetch's outcome in one transaction: on failure the error and a backoff;
    /// on success the validators, the feed's move (a permanent redirect) and its new and
    /// changed articles, in the libraries of its subscribers.
    /// - Returns: How many articles were new and how many changed.
    func recordFetch(_ result: Result<FeedFetchResult, FeedFetchError>, for feed: StoredFeed) async throws -> (new: Int, updated: Int)

    /// Marks a feed whose URL no fetch can use as failed (a device may push any text as a URL).
    func recordUnusable(_ feed: StoredFeed) async throws

    /// Applies the engine's retention policy (``ServerRetention``).
    func applyRetention() async throws -> RetentionReport
}

/// What a refresh asks of ``FeedRepository/feedsDue(_:)``.
///
/// One process on its own database (SQLite) hands out every feed due and ignores `limit`
/// and `lease`. Several processes on one database (PostgreSQL) each claim a batch: the
/// claim moves the feeds' next fetch to the end of `lease`, so no other process takes
/// them, and the fetch's outcome then sets it properly; a process that dies mid-refresh
/// leaves its feeds due again once the lease runs out. The refresh asks again, leaving out
/// the feeds it already handled, until the engine says there are no more.
public struct FeedClaim: Sendable, Hashable {
    /// Take the feeds backing off after failures too.
    public var force: Bool
    /// The most feeds to hand out at once.
    public var limit: Int
    /// How long a claimed feed is this process's: longer than fetching `limit` feeds takes.
    public var lease: Duration
    /// Feeds this refresh has handled already.
    public var excluding: Set<String>

    /// A claim of these terms.
    public init(force: Bool = false, limit: Int = .max, lease: Duration = .seconds(600), excluding: Set<String> = []) {
        self.force = force
        self.limit = max(limit, 1)
        self.lease = lease
        self.excluding = excluding
    }
}

/// The feeds a refresh fetches now.
public struct DueFeeds: Sendable, Hashable {
    /// The feeds to fetch.
    public var feeds: [StoredFeed]
    /// Subscribed feeds left alone because they are backing off after failures.
    public var skipped: Int
    /// Whether more may be due after these: the refresh asks again once it has fetched them.
    public var more: Bool

    /// These feeds.
    public init(feeds: [StoredFeed], skipped: Int, more: Bool) {
        self.feeds = feeds
        self.skipped = skipped
        self.more = more
    }
}

/// A row of `feeds` as a refresh needs it: what the next fetch sends, and how far it is
/// backing off.
public struct StoredFeed: Hashable, Sendable {
    /// The feed's URL, its key.
    public var url: String
    /// The validators of the last response, sent back for a 304.
    public var etag: String?
    /// See `etag`.
    public var lastModified: String?
    /// Failed fetches in a row.
    public var consecutiveFailures: Int
    /// The earliest time the feed is fetched again (RFC 3339, UTC); nil: at the next refresh.
    public var nextFetchAt: String?
    /// The key its articles' ids are derived from: the URL first subscribed to, kept when
    /// the feed moves.
    public var sourceKey: String

    /// A feed with these fields.
    public init(
        url: String, etag: String? = nil, lastModified: String? = nil, consecutiveFailures: Int = 0,
        nextFetchAt: String? = nil, sourceKey: String
    ) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.consecutiveFailures = consecutiveFailures
        self.nextFetchAt = nextFetchAt
        self.sourceKey = sourceKey
    }

    /// The request that fetches it: its validators, and its source key so its articles keep
    /// their ids after a move. Nil for a URL no fetch can use (one a device pushed).
    public var request: FeedFetchRequest? {
        guard let url = URL(string: url), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host?.isEmpty == false
        else { return nil }
        return FeedFetchRequest(
            url: url, validators: HTTPValidators(etag: etag, lastModified: lastModified), sourceKey: sourceKey
        )
    }
}
