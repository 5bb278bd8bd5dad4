import Foundation
import ReaderCurl
import ReaderFeeds
import ReaderFetch
import ReaderHTTP

/// The server's feed aggregation: the glue between ``FeedFetcher`` (which knows no store)
/// and the repository (which knows no network). Users subscribe; a refresh fetches every
/// feed someone is subscribed to, once however many follow it, and writes new and changed
/// articles into its subscribers' libraries, through the same writer as `articles import`.
public struct FeedAggregator: Sendable {
    /// Where subscriptions, feed state and articles live.
    public let repository: any FeedRepository
    /// How feeds are fetched (libcurl in the server, any `HTTPClient` in tests).
    public let fetcher: FeedFetcher
    /// How many feeds a refresh fetches at once.
    public let maxConcurrent: Int

    /// An aggregator over `repository`, fetching through `fetcher`.
    public init(
        repository: any FeedRepository, fetcher: FeedFetcher, maxConcurrent: Int = FeedFetcher.defaultConcurrency
    ) {
        self.repository = repository
        self.fetcher = fetcher
        self.maxConcurrent = maxConcurrent
    }

    /// An aggregator fetching over libcurl, with the server's User-Agent and a time cap per
    /// feed. It connects only to public addresses (judged on the address connected, every
    /// redirect hop) unless `allowPrivateNetworks`.
    public init(repository: any FeedRepository, timeLimit: Duration = .seconds(30), allowPrivateNetworks: Bool = false) throws {
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
        guard try await repository.userExists(named: user) else { throw RepositoryError.unknownUser(user) }
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
    /// The feeds come from the repository in batches of ``batchSize`` (all at once on an
    /// engine one process owns): on an engine several processes share, each batch is this
    /// process's for a lease long enough to fetch it (``lease``), so no other process fetches
    /// those feeds meanwhile (``FeedClaim``).
    ///
    /// A feed that fails is marked in error with a backoff and never stops the others; only
    /// a database failure throws.
    public func refresh(force: Bool = false) async throws -> FeedRefreshReport {
        let started = ContinuousClock.now
        var total = FeedRefreshReport()
        var handled: Set<String> = []
        while true {
            let due = try await repository.feedsDue(
                FeedClaim(force: force, limit: batchSize, lease: lease, excluding: handled)
            )
            let report = try await fetcher.refresh(
                into: ClaimedFeeds(repository: repository, due: due), force: force, maxConcurrent: maxConcurrent
            )
            total.fetched += report.fetched
            total.notModified += report.notModified
            total.failed += report.failed
            total.new += report.new
            total.updated += report.updated
            total.moved += report.moved
            // What is backing off once this refresh has had its turn.
            total.skipped = report.skipped
            handled.formUnion(due.feeds.map(\.url))
            guard due.more, !due.feeds.isEmpty else { break }
        }
        let elapsed = ContinuousClock.now - started
        total.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return total
    }

    /// Feeds handed out at once: enough to keep `maxConcurrent` fetches busy for a while.
    public var batchSize: Int { max(maxConcurrent, 1) * Self.roundsPerBatch }

    /// How long a batch is this process's: every round of fetches at their time cap, and a
    /// minute to write them.
    public var lease: Duration { fetcher.timeLimit * (Self.roundsPerBatch + 1) + .seconds(60) }

    static let roundsPerBatch = 8
}

/// One batch of due feeds, as a refresh sees them.
private struct ClaimedFeeds: FeedRefreshTarget {
    let repository: any FeedRepository
    let due: DueFeeds

    func feedsDue(force: Bool) async throws -> (due: [StoredFeed], skipped: Int) {
        (due.feeds, due.skipped)
    }

    func request(for feed: StoredFeed) -> FeedFetchRequest? { feed.request }

    func recordUnusable(_ feed: StoredFeed) async throws { try await repository.recordUnusable(feed) }

    /// A fetched feed the database refuses to store (a value one engine cannot hold, a write
    /// that fails for this feed alone) is that feed's failure, not the refresh's: it is
    /// recorded as unreadable, backs off like any failing feed, and the other feeds go on.
    /// One hostile feed must not stop every user's refresh, pass after pass. When even the
    /// failure cannot be recorded the database itself is in trouble, and that error ends
    /// the refresh.
    func record(_ result: Result<FeedFetchResult, FeedFetchError>, for feed: StoredFeed) async throws -> (new: Int, updated: Int) {
        do {
            return try await repository.recordFetch(result, for: feed)
        } catch let error where !(error is CancellationError) {
            guard case .success(let fetched) = result, fetched.feed != nil else { throw error }
            let refused = FeedImportError(
                file: feed.url, reason: "the server could not store this feed: \((error as? RepositoryError)?.message ?? SQLiteSyncRepository.describe(error))"
            )
            return try await repository.recordFetch(.failure(.malformed(refused)), for: feed)
        }
    }
}
