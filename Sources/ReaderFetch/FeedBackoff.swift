import Foundation

/// When to fetch a failing feed again: a pure function of how many fetches in a row have
/// failed, for the caller to store beside the feed.
public enum FeedBackoff {
    /// The wait after the first failure: 15 minutes.
    public static let base: TimeInterval = 15 * 60
    /// The longest wait: a day, so that a feed that comes back is noticed the next day.
    public static let cap: TimeInterval = 24 * 3600

    /// The earliest time to fetch again after `failures` consecutive failures, the last one
    /// at `now`: immediately after none, then 15 min, 30 min, 1 h… doubling up to a day. A
    /// server's `Retry-After` is honoured when it asks for longer (up to a week).
    public static func nextFetch(after failures: Int, at now: Date, retryAfter: Duration? = nil) -> Date {
        guard failures > 0 else { return now }
        let doublings = min(failures - 1, 16)
        var wait = min(base * Double(1 << doublings), cap)
        if let retryAfter {
            let asked = Double(retryAfter.components.seconds)
            wait = max(wait, min(asked, 7 * 24 * 3600))
        }
        return now.addingTimeInterval(wait)
    }
}
