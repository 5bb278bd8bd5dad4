import Foundation
import ReaderHTTP

extension FeedFetcher {
    /// How many feeds a refresh fetches at once by default: enough to hide network latency,
    /// few enough that parsing does not crowd out everything else on a small machine. Each
    /// feed done waits, parsed, for the caller's one writer (the slowest stage: about 3,000
    /// articles/s into the store with its search index), so more in flight buys no speed and
    /// costs memory: 8 took a 50-feed refresh past 64 MB.
    public static let defaultConcurrency = 4

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
        let width = max(1, maxConcurrent)
        try await withThrowingTaskGroup(of: (FeedFetchRequest, Result<FeedFetchResult, FeedFetchError>).self) { group in
            var pending = requests[...]
            func start() {
                guard let request = pending.popFirst() else { return }
                group.addTask {
                    do throws(FeedFetchError) {
                        return (request, .success(try await fetch(request)))
                    } catch {
                        return (request, .failure(error))
                    }
                }
            }
            for _ in 0..<width { start() }
            while let (request, result) = try await group.next() {
                start()
                try await each(request, result)
            }
        }
    }
}
