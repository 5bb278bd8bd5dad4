import Foundation

/// Where a refresh finds the feeds to fetch and keeps what each fetch found: a client's
/// store, the server's database, or an app's own storage. `FeedFetcher.refresh(into:)`
/// runs the one refresh loop over it.
///
/// The refresh calls these methods on its own task, one at a time, so an implementation
/// can write without locking; only the static `prepare` runs in the fetches' own tasks
/// (hence `SendableMetatype`).
public protocol FeedRefreshTarget: SendableMetatype {
    /// A subscribed feed as the target stores it.
    associatedtype Feed

    /// The feeds to fetch now, and how many were left out because they are backing off
    /// after failures (none with `force`).
    func feedsDue(force: Bool) async throws -> (due: [Feed], skipped: Int)

    /// The request that fetches `feed` (its URL, validators and source key), or nil when
    /// its URL is one no fetch can use.
    func request(for feed: Feed) -> FeedFetchRequest?

    /// Marks a feed whose URL no fetch can use as failed.
    func recordUnusable(_ feed: Feed) async throws

    /// What a successful fetch becomes before it is recorded: the fetch itself unless the
    /// target has work to do on it that needs none of its state.
    associatedtype Prepared: Sendable = FeedFetchResult

    /// Readies a successful fetch for `record`, in the fetch's own task: it runs while
    /// `record` writes the feeds that came before, so work done here (hashing, deciding
    /// what to store) is taken off the one writer.
    static func prepare(_ fetched: FeedFetchResult) -> Prepared

    /// Writes one fetch's outcome: the articles and the new state on success (following a
    /// move), the error and a backoff on failure.
    /// - Returns: How many articles were new and how many changed.
    func record(_ result: Result<Prepared, FeedFetchError>, for feed: Feed) async throws -> (new: Int, updated: Int)
}

extension FeedRefreshTarget where Prepared == FeedFetchResult {
    /// The fetch as it is: nothing to prepare.
    public static func prepare(_ fetched: FeedFetchResult) -> FeedFetchResult { fetched }
}

/// What one refresh of the subscribed feeds did: the counts of `FeedFetcher.refresh(into:)`,
/// and what a refresher that prunes after it (`FeedRefresher` in ReaderSync) removed.
public struct FeedRefreshReport: Hashable, Sendable, Codable {
    /// Feeds fetched and parsed (a 200).
    public var fetched = 0
    /// Feeds that answered 304 Not Modified.
    public var notModified = 0
    /// Feeds that failed, including those whose URL no fetch can use.
    public var failed = 0
    /// Feeds left alone because they are backing off after failures.
    public var skipped = 0
    /// Articles not seen before.
    public var new = 0
    /// Articles whose content changed.
    public var updated = 0
    /// Feeds that moved (permanent redirect).
    public var moved = 0
    /// Articles a retention policy removed after the refresh; 0 where nothing prunes.
    public var pruned = 0
    /// How long the refresh took (with the pruning after it, if any), in seconds.
    public var seconds = 0.0

    /// An empty report.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case fetched, notModified = "not_modified", failed, skipped, new, updated, moved, pruned, seconds
    }
}
