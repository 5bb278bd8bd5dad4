import Foundation
import ReaderFetch
import ReaderHTTP
import ReaderModels
import ReaderStore

/// Fetches a store's subscriptions into it: the glue between `FeedFetcher` (which knows no
/// store) and `ReaderStore` (which knows no network). The CLI's `reader refresh` and
/// `reader feeds add` are this type; an app refreshes through it the same way.
///
/// It keeps no state of its own: what to remember between refreshes (validators, a feed's
/// URL after a move, failures and backoff) is in the store. It reads and writes the store
/// through `ReaderStore.async`, so a refresh never blocks a thread of the cooperative pool
/// on SQLite.
public struct FeedRefresher: Sendable {
    /// The store whose subscriptions are refreshed.
    public let store: ReaderStore
    /// How feeds are fetched (over any `HTTPClient`).
    public let fetcher: FeedFetcher
    /// How many feeds a refresh fetches at once.
    public var maxConcurrent: Int
    /// The clock fetches are dated and backoffs measured by.
    public var now: @Sendable () -> Date

    /// A refresher of `store` fetching through `fetcher`.
    public init(
        store: ReaderStore, fetcher: FeedFetcher, maxConcurrent: Int = FeedFetcher.defaultConcurrency,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.fetcher = fetcher
        self.maxConcurrent = maxConcurrent
        self.now = now
    }

    /// Fetches every subscribed feed that is due (all of them with `force`), writing each
    /// one's articles and fetch state as it arrives.
    ///
    /// A feed that fails is marked in error with its reason and a backoff, keeps its
    /// articles, and never stops the others. Only a store failure throws. The retention
    /// policy runs at the end (`ReaderStore.prune`), on the store's clock. `progress` hears
    /// how many of the feeds due are done, before the first fetch and after each feed. The
    /// report counts what the fetches did, what the policy `pruned`, and the `seconds` it all took.
    public func refresh(
        force: Bool = false, progress: (FeedRefreshProgress) -> Void = { _ in }
    ) async throws -> FeedRefreshReport {
        let started = ContinuousClock.now
        // The write-ahead log is copied into the database beside the writer, on the other core.
        var report = try await store.checkpointingBeside {
            try await fetcher.refresh(
                into: StoreFeeds(store: store, now: now, start: now()), force: force, maxConcurrent: maxConcurrent, progress: progress
            )
        }
        report.pruned = try await store.async.prune().removed
        let elapsed = ContinuousClock.now - started
        report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return report
    }

    /// Subscribes to the feed at `address` and writes its articles, fetching it first so
    /// that nothing is subscribed when it cannot be fetched. A web page that links to a feed
    /// with `<link rel="alternate">` subscribes to the feed it names. Subscribing again to a
    /// feed already subscribed keeps its title, adds the new tags and fetches it.
    ///
    /// - Throws: `FeedFetchError` when the feed could not be fetched (nothing changed then),
    ///   or the store's error when it could not be written.
    public func add(_ address: URL, tags: [String] = []) async throws -> FeedAddResult {
        let result = try await fetcher.fetch(FeedFetchRequest(url: address), discover: true)
        let finalURL = result.url.absoluteString
        let existing = try await store.async.feedSubscription(named: finalURL)
        // The source is keyed as every later refresh keys it: by the URL first subscribed to.
        let sourceKey = existing?.state.sourceKey ?? finalURL
        var allTags = existing?.tags ?? []
        for name in tags where !allTags.contains(name) { allTags.append(name) }
        try await store.async.subscribeFeed(
            url: finalURL, title: existing?.title ?? result.feed?.title, tags: allTags, sourceKey: sourceKey
        )
        let state = try await store.async.feedFetchState(url: finalURL) ?? FeedFetchState(url: finalURL)
        let prepared = PreparedFetch(result.subscribed(sourceKey: sourceKey))
        let report = try await Self.record(.success(prepared), state: state, in: store, now: now())
        return FeedAddResult(
            id: state.id, url: result.url, title: result.feed?.title,
            discoveredFrom: finalURL == address.absoluteString ? nil : address,
            alreadySubscribed: existing != nil, new: report?.new ?? 0, updated: report?.updated ?? 0
        )
    }

    /// Writes one fetch's outcome: the articles and the new state on success (moving the
    /// subscription when the feed moved), the error and the backoff on failure.
    /// - Returns: What importing the articles did; nil for a 304 or a failure.
    static func record(
        _ result: Result<PreparedFetch, FeedFetchError>, state old: FeedFetchState, in store: ReaderStore, now: Date
    ) async throws -> ImportReport? {
        var state = old
        state.lastFetchAt = now
        switch result {
        case .failure(let error):
            state.lastStatus = error.status
            state.lastError = error.description
            state.consecutiveFailures += 1
            state.nextFetchAt = FeedBackoff.nextFetch(after: state.consecutiveFailures, at: now, retryAfter: error.retryAfter)
            try await store.async.saveFeedFetchState(state)
            return nil
        case .success(let prepared):
            let fetched = prepared.fetched
            if let moved = fetched.newURL?.absoluteString, moved != old.url {
                try await store.async.moveFeed(from: old.url, to: moved)
                state.url = moved
            }
            state.lastStatus = fetched.status
            state.lastError = nil
            state.consecutiveFailures = 0
            state.nextFetchAt = nil
            state.etag = fetched.validators.etag
            state.lastModified = fetched.validators.lastModified
            guard let feed = fetched.feed else {
                try await store.async.saveFeedFetchState(state)
                return nil
            }
            state.title = feed.title ?? state.title
            state.siteURL = feed.siteURL ?? state.siteURL
            return try await store.async.importFetchedFeed(prepared.articles, state: state)
        }
    }
}

/// A fetch with its articles prepared for the store's writer (`PreparedArticle`): made in
/// the fetch's own task, while the writer writes the feeds fetched before it.
struct PreparedFetch: Sendable {
    /// The fetch, its parsed feed without the entries (they are in `articles`).
    var fetched: FeedFetchResult
    /// The feed's entries, ready for the writer.
    var articles: [PreparedArticle]

    init(_ fetched: FeedFetchResult) {
        self.fetched = fetched
        guard case .fetched(var feed) = fetched.outcome else {
            articles = []
            return
        }
        articles = feed.entries.map(PreparedArticle.init)
        feed.entries = []
        self.fetched.outcome = .fetched(feed)
    }
}

/// A store's subscriptions as a refresh sees them; due when not backing off at `start`.
private struct StoreFeeds: FeedRefreshTarget {
    let store: ReaderStore
    let now: @Sendable () -> Date
    let start: Date

    func feedsDue(force: Bool) async throws -> (due: [FeedSubscription], skipped: Int) {
        let all = try await store.async.feedSubscriptions()
        let due = all.filter { feed in force || feed.state.nextFetchAt.map { $0 <= start } ?? true }
        return (due, all.count - due.count)
    }

    func request(for feed: FeedSubscription) -> FeedFetchRequest? {
        guard let url = URL(string: feed.url) else { return nil }
        return FeedFetchRequest(
            url: url, validators: HTTPValidators(etag: feed.state.etag, lastModified: feed.state.lastModified),
            sourceKey: feed.state.sourceKey
        )
    }

    func recordUnusable(_ feed: FeedSubscription) async throws {
        var state = feed.state
        state.lastError = "\"\(feed.url)\" is not a valid http or https address."
        try await store.async.saveFeedFetchState(state)
    }

    static func prepare(_ fetched: FeedFetchResult) -> PreparedFetch {
        PreparedFetch(fetched)
    }

    func record(
        _ result: Result<PreparedFetch, FeedFetchError>, for feed: FeedSubscription
    ) async throws -> (new: Int, updated: Int) {
        let report = try await FeedRefresher.record(result, state: feed.state, in: store, now: now())
        return (report?.new ?? 0, report?.updated ?? 0)
    }
}

/// What subscribing to a feed did.
public struct FeedAddResult: Codable, Sendable, Hashable {
    /// The feed's id (its source's, stable when the URL moves).
    public var id: String
    /// The URL subscribed to: the feed's, which differs from the one given for a web page.
    public var url: URL
    /// The feed's title.
    public var title: String?
    /// The web page the feed was found in, when the URL given was one.
    public var discoveredFrom: URL?
    /// Whether the feed was subscribed to already (then only tags were added, and it was fetched).
    public var alreadySubscribed: Bool
    /// Articles not seen before.
    public var new: Int
    /// Articles whose content changed.
    public var updated: Int

    enum CodingKeys: String, CodingKey {
        case id, url, title, new, updated
        case discoveredFrom = "discovered_from", alreadySubscribed = "already_subscribed"
    }
}
