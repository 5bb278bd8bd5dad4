import Foundation
import ReaderHTTP

extension FeedFetcher {
    /// How many feeds a refresh fetches at once by default: enough to hide network latency,
    /// few enough that parsing does not crowd out everything else on a small machine (at most
    /// `parsedAhead` of them are parsed at once). Each feed done waits for the caller's one
    /// writer (the slowest stage: about 3,000 articles/s into the store with its search
    /// index), so more in flight buys no speed and costs memory: 8 took a 50-feed refresh
    /// past 64 MB.
    public static let defaultConcurrency = 4

    /// Fetches every feed of `target` that is due (every one with `force`), at most
    /// `maxConcurrent` at once, and records each outcome in `target` as it arrives.
    ///
    /// A feed that fails is recorded as failed and never stops the others; a feed whose URL
    /// no fetch can use is recorded before any fetch starts. Only an error thrown by the
    /// target (a store that cannot be written) ends the refresh, and is rethrown. A fetch cut
    /// short by cancellation is no failure of the feed's: nothing is recorded for it, and
    /// the refresh throws `CancellationError`. `progress` hears how many of the feeds due are
    /// done, once before the first fetch and after each feed, on the refresh's task.
    public func refresh<Target: FeedRefreshTarget>(
        into target: Target, force: Bool = false, maxConcurrent: Int = FeedFetcher.defaultConcurrency,
        progress: (FeedRefreshProgress) -> Void = { _ in }
    ) async throws -> FeedRefreshReport {
        let started = ContinuousClock.now
        var report = FeedRefreshReport()
        let (stored, skipped) = try await target.feedsDue(force: force)
        report.skipped = skipped
        var done = FeedRefreshProgress(done: 0, due: stored.count)
        var feeds: [URL: Target.Feed] = [:]
        var requests: [FeedFetchRequest] = []
        for feed in stored {
            guard let request = target.request(for: feed) else {
                try await target.recordUnusable(feed)
                report.failed += 1
                done.done += 1
                continue
            }
            feeds[request.url] = feed
            requests.append(request)
        }
        progress(done)
        try await refresh(requests, maxConcurrent: maxConcurrent, prepare: Self.prepared(for: Target.self)) { request, result in
            try Task.checkCancellation()
            guard let feed = feeds[request.url] else { return }
            let counts = try await target.record(result.map(\.prepared), for: feed)
            switch result {
            case .success(let fetched):
                if fetched.notModified { report.notModified += 1 } else { report.fetched += 1 }
                if fetched.moved { report.moved += 1 }
            case .failure:
                report.failed += 1
            }
            report.new += counts.new
            report.updated += counts.updated
            done.done += 1
            progress(done)
        }
        report.seconds = (ContinuousClock.now - started).seconds
        return report
    }

    /// Fetches every request, at most `maxConcurrent` at a time, and hands each outcome to
    /// `each` as soon as it is known, on the calling task and one at a time (so the caller
    /// can write to a store without locking, and only the feeds in flight are in memory).
    ///
    /// A failed feed is reported to `each` and never stops the others; a feed that hangs
    /// holds one slot until its time cap. An error thrown by `each` (a store that cannot be
    /// written) cancels the fetches still running and is rethrown.
    public func refresh(
        _ requests: [FeedFetchRequest],
        maxConcurrent: Int = FeedFetcher.defaultConcurrency,
        each: (FeedFetchRequest, Result<FeedFetchResult, FeedFetchError>) async throws -> Void
    ) async throws {
        try await refresh(requests, maxConcurrent: maxConcurrent, prepare: { $0 }, each: each)
    }

    /// How many feeds are parsed and prepared ahead of `each` at most. Parsing and preparing
    /// use both cores while `each` writes; a parsed feed is several times its body in memory,
    /// so the feeds that are downloaded before a parse can start wait as bodies.
    static let parsedAhead = 2

    /// `refresh(_:maxConcurrent:each:)` with `prepare` run on each successful fetch in its
    /// own task, so that it overlaps `each` working on the feeds before it. Beside the one
    /// `each` holds, at most `maxConcurrent` feeds are downloading, parsing or waiting, and at
    /// most `parsedAhead` of them are parsed or being parsed.
    func refresh<Prepared: Sendable>(
        _ requests: [FeedFetchRequest],
        maxConcurrent: Int,
        prepare: @escaping @Sendable (FeedFetchResult) -> Prepared,
        each: (FeedFetchRequest, Result<Prepared, FeedFetchError>) async throws -> Void
    ) async throws {
        let width = max(1, maxConcurrent)
        let parseWidth = min(width, Self.parsedAhead)
        try await withThrowingTaskGroup(of: RefreshStep<Prepared>.self) { group in
            var pending = requests[...]
            var bodies: [(FeedFetchRequest, HTTPResponse)] = []
            var downloading = 0  // downloads in flight, and bodies waiting for a parse
            var parsing = 0  // parses in flight, and parsed feeds waiting for `each`
            func startParses() {
                while parsing < parseWidth, !bodies.isEmpty {
                    let (request, response) = bodies.removeFirst()
                    downloading -= 1
                    parsing += 1
                    group.addTask {
                        do throws(FeedFetchError) {
                            return .parsed(request, .success(prepare(try parse(response, for: request))))
                        } catch {
                            return .parsed(request, .failure(error))
                        }
                    }
                }
            }
            func startDownloads() {
                while downloading + parsing < width, let request = pending.popFirst() {
                    downloading += 1
                    group.addTask {
                        do throws(FeedFetchError) {
                            return .downloaded(request, .success(try await download(request)))
                        } catch {
                            return .downloaded(request, .failure(error))
                        }
                    }
                }
            }
            startDownloads()
            while let step = try await group.next() {
                switch step {
                case .downloaded(let request, .success(.body(let response))):
                    bodies.append((request, response))
                    startParses()
                    startDownloads()
                case .downloaded(let request, .success(.finished(let result))):
                    downloading -= 1
                    startDownloads()
                    try await each(request, .success(prepare(result)))
                case .downloaded(let request, .failure(let error)):
                    downloading -= 1
                    startDownloads()
                    try await each(request, .failure(error))
                case .parsed(let request, let result):
                    parsing -= 1
                    startParses()
                    startDownloads()
                    try await each(request, result)
                }
            }
        }
    }

    /// A target's preparation, with what the refresh's counts need kept beside it.
    private static func prepared<Target: FeedRefreshTarget>(
        for target: Target.Type
    ) -> @Sendable (FeedFetchResult) -> PreparedFetch<Target.Prepared> {
        { fetched in
            PreparedFetch(prepared: Target.prepare(fetched), notModified: fetched.feed == nil, moved: fetched.newURL != nil)
        }
    }
}

/// What one task of a refresh finished: a download, or a parse and its preparation.
private enum RefreshStep<Prepared: Sendable>: Sendable {
    case downloaded(FeedFetchRequest, Result<FeedFetcher.Download, FeedFetchError>)
    case parsed(FeedFetchRequest, Result<Prepared, FeedFetchError>)
}

/// A prepared fetch and the two facts about it the refresh counts.
private struct PreparedFetch<Prepared: Sendable>: Sendable {
    var prepared: Prepared
    var notModified: Bool
    var moved: Bool
}

private extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
