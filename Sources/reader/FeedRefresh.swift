import ArgumentParser
import Foundation
import ReaderFeeds
import ReaderFetch
import ReaderHTTP
import ReaderModels
import ReaderStore

/// What refreshing the local subscriptions did.
struct RefreshSummary: Codable, Sendable, Hashable {
    /// Feeds fetched and parsed (a 200).
    var fetched = 0
    /// Feeds that answered 304 Not Modified.
    var notModified = 0
    /// Feeds that failed; their error is in `reader feeds list`.
    var failed = 0
    /// Feeds left alone because they are backing off after failures.
    var skipped = 0
    /// Articles not seen before.
    var new = 0
    /// Articles whose content changed.
    var updated = 0
    /// Feeds whose URL moved (permanent redirect).
    var moved = 0
    /// Articles the retention policy removed after the refresh.
    var pruned = 0
    /// Wall-clock time, in seconds.
    var seconds = 0.0

    enum CodingKeys: String, CodingKey {
        case fetched, notModified = "not_modified", failed, skipped, new, updated, moved, pruned, seconds
    }

    /// `12 feeds: 9 fetched, 2 not modified, 1 failed; 40 new, 3 updated articles (1.2 s)`.
    var line: String {
        let total = fetched + notModified + failed
        var text = "\(total) feed\(total == 1 ? "" : "s"): \(fetched) fetched, \(notModified) not modified, \(failed) failed"
        if skipped > 0 { text += ", \(skipped) backing off" }
        text += "; \(new) new, \(updated) updated articles"
        if pruned > 0 { text += ", \(pruned) pruned" }
        text += String(format: " (%.1f s)", seconds)
        if failed > 0 { text += "; see `reader feeds list` for the errors" }
        return text
    }
}

/// Fetching the local subscriptions into the store: the glue between ``FeedFetcher``
/// (which knows no store) and ``ReaderStore`` (which knows no network).
enum FeedRefresh {
    /// A fetcher over libcurl with the CLI's User-Agent and the given caps.
    static func makeFetcher(timeLimit: Duration = .seconds(30), maxBytes: Int = 10 << 20) throws -> FeedFetcher {
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(product: "reader/\(ReaderVersion.current)"))
        return FeedFetcher(client: client, maxBytes: maxBytes, timeLimit: timeLimit)
    }

    /// Fetches every subscribed feed that is due (all of them with `force`), at most
    /// `maxConcurrent` at once, writing each one's articles and fetch state as it arrives.
    ///
    /// A feed that fails is marked in error with its reason and a backoff, keeps its
    /// articles, and never stops the others. Only a store failure throws. The retention
    /// policy runs at the end (`ReaderStore.prune`), on the store's clock.
    static func refresh(
        store: ReaderStore, fetcher: FeedFetcher, force: Bool = false,
        maxConcurrent: Int = FeedFetcher.defaultConcurrency, now: @Sendable () -> Date = { Date() }
    ) async throws -> RefreshSummary {
        let started = ContinuousClock.now
        var summary = RefreshSummary()
        let start = now()
        var states: [URL: FeedFetchState] = [:]
        var requests: [FeedFetchRequest] = []
        for feed in try store.feedSubscriptions() {
            if !force, let next = feed.state.nextFetchAt, next > start {
                summary.skipped += 1
                continue
            }
            guard let url = URL(string: feed.url) else {
                summary.failed += 1
                var state = feed.state
                state.lastError = "\"\(feed.url)\" is not a valid http or https address."
                try store.saveFeedFetchState(state)
                continue
            }
            states[url] = feed.state
            requests.append(FeedFetchRequest(
                url: url, validators: HTTPValidators(etag: feed.state.etag, lastModified: feed.state.lastModified),
                sourceKey: feed.state.sourceKey
            ))
        }
        try await fetcher.refresh(requests, maxConcurrent: maxConcurrent) { request, result in
            guard let state = states[request.url] else { return }
            let outcome = try record(result, state: state, in: store, now: now())
            switch result {
            case .success(let fetched):
                if fetched.feed == nil { summary.notModified += 1 } else { summary.fetched += 1 }
                if fetched.newURL != nil { summary.moved += 1 }
            case .failure:
                summary.failed += 1
            }
            summary.new += outcome?.new ?? 0
            summary.updated += outcome?.updated ?? 0
        }
        summary.pruned = try store.prune().removed
        let elapsed = ContinuousClock.now - started
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }

    /// Writes one fetch's outcome: the articles and the new state on success (moving the
    /// subscription when the feed moved), the error and the backoff on failure.
    /// - Returns: What importing the articles did; nil for a 304 or a failure.
    @discardableResult
    static func record(
        _ result: Result<FeedFetchResult, FeedFetchError>, state old: FeedFetchState, in store: ReaderStore, now: Date
    ) throws -> ImportReport? {
        var state = old
        state.lastFetchAt = now
        switch result {
        case .failure(let error):
            state.lastStatus = error.status
            state.lastError = error.description
            state.consecutiveFailures += 1
            state.nextFetchAt = FeedBackoff.nextFetch(after: state.consecutiveFailures, at: now, retryAfter: error.retryAfter)
            try store.saveFeedFetchState(state)
            return nil
        case .success(let fetched):
            if let moved = fetched.newURL?.absoluteString, moved != old.url {
                try store.moveFeed(from: old.url, to: moved)
                state.url = moved
            }
            state.lastStatus = fetched.status
            state.lastError = nil
            state.consecutiveFailures = 0
            state.nextFetchAt = nil
            state.etag = fetched.validators.etag
            state.lastModified = fetched.validators.lastModified
            guard let feed = fetched.feed else {
                try store.saveFeedFetchState(state)
                return nil
            }
            state.title = feed.title ?? state.title
            state.siteURL = feed.siteURL ?? state.siteURL
            return try store.importFetchedFeed(feed.entries, state: state)
        }
    }

    /// The exit for a feed that could not be added: 3 network trouble that may pass, 4
    /// refused access, 5 other HTTP status or a failure that will not pass (a redirect loop
    /// or to a non-http address, a bad certificate), 7 not a feed or too large.
    static func exitCode(for error: FeedFetchError) -> Int32 {
        switch error.kind {
        // A redirect loop, a redirect to ftp:, a bad certificate: trying later will not help.
        case .network: error.isTemporary ? 3 : 5
        case .httpStatus: error.status == 401 || error.status == 403 ? 4 : 5
        case .malformed, .tooLarge: 7
        }
    }
}
