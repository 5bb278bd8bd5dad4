import Foundation
import ReaderCurl
import ReaderFetch
import ReaderHTTP

/// The server's feed aggregation: the glue between ``FeedFetcher`` (which knows no store)
/// and the repository (which knows no network). Users subscribe; a refresh fetches every
/// feed someone is subscribed to, once however many follow it, and writes new and changed
/// articles into its subscribers' libraries, through the same writer as `articles import`.
public struct FeedAggregator: Sendable {
    /// Where subscriptions, feed state and articles live.
    public let repository: SQLiteSyncRepository
    /// How feeds are fetched (libcurl in the server, any `HTTPClient` in tests).
    public let fetcher: FeedFetcher
    /// How many feeds a refresh fetches at once.
    public let maxConcurrent: Int

    /// An aggregator over `repository`, fetching through `fetcher`.
    public init(
        repository: SQLiteSyncRepository, fetcher: FeedFetcher, maxConcurrent: Int = FeedFetcher.defaultConcurrency
    ) {
        self.repository = repository
        self.fetcher = fetcher
        self.maxConcurrent = maxConcurrent
    }

    /// An aggregator fetching over libcurl, with the server's User-Agent and a time cap per
    /// feed. It connects only to public addresses (judged on the address connected, every
    /// redirect hop) unless `allowPrivateNetworks`.
    public init(repository: SQLiteSyncRepository, timeLimit: Duration = .seconds(30), allowPrivateNetworks: Bool = false) throws {
        let client: CurlHTTPClient
        do {
            client = try CurlHTTPClient(configuration: HTTPClientConfiguration(
                product: "reader-server/\(ServerVersion.current)",
                addressPolicy: allowPrivateNetworks ? .any : .publicOnly
            ))
        } catch {
            throw RepositoryError("cannot start the HTTP client: \(error.description)")
        }
        self.init(repository: repository, fetcher: FeedFetcher(client: client, timeLimit: timeLimit))
    }

    /// Subscribes the user named `user` to the feed at `address`, fetching it once first so a
    /// bad address subscribes nothing. A web page is accepted: the feed it links to is the one
    /// subscribed to. A URL without a scheme gets https://.
    ///
    /// - Throws: `RepositoryError` saying why (no such user, not an address, the fetch failed).
    public func add(user: String, url address: String) async throws -> FeedAddReport {
        _ = try await repository.userID(named: user)
        guard let url = FeedAddress.url(address) else {
            throw RepositoryError("\"\(address)\" is not a valid http or https address")
        }
        let result: FeedFetchResult
        do {
            result = try await fetcher.fetch(FeedFetchRequest(url: url), discover: true)
        } catch {
            throw RepositoryError("\(error.description) Not subscribed.")
        }
        return try await repository.subscribe(user: user, to: result, given: url.absoluteString)
    }

    /// Unsubscribes the user named `user` from the feed at `address` (as given to `add`, or
    /// as `reader-server feeds list` shows it); the feed stops being fetched when nobody reads it.
    public func remove(user: String, url address: String) async throws {
        let url = FeedAddress.url(address)?.absoluteString ?? address
        try await repository.unsubscribe(user: user, from: url)
    }

    /// Fetches every feed someone is subscribed to and that is not backing off (every one
    /// with `force`), `maxConcurrent` at a time, writing each as it arrives.
    ///
    /// A feed that fails is marked in error with a backoff and never stops the others; only
    /// a database failure throws.
    public func refresh(force: Bool = false) async throws -> FeedRefreshReport {
        try await fetcher.refresh(into: RepositoryFeeds(repository: repository), force: force, maxConcurrent: maxConcurrent)
    }
}

/// The repository's feeds as a refresh sees them: every feed some user is subscribed to.
private struct RepositoryFeeds: FeedRefreshTarget {
    let repository: SQLiteSyncRepository

    func feedsDue(force: Bool) async throws -> (due: [StoredFeed], skipped: Int) {
        try await repository.subscribedFeeds(force: force)
    }

    func request(for feed: StoredFeed) -> FeedFetchRequest? { feed.request }

    func recordUnusable(_ feed: StoredFeed) async throws { try await repository.recordUnusable(feed) }

    func record(_ result: Result<FeedFetchResult, FeedFetchError>, for feed: StoredFeed) async throws -> (new: Int, updated: Int) {
        try await repository.recordFetch(result, for: feed)
    }
}
