import Foundation
import ReaderFetch

/// A feed the server fetches, as `reader-server feeds list` shows it.
public struct ServerFeed: Hashable, Sendable {
    /// The feed's current URL (after any permanent redirect).
    public var url: String
    /// The feed's own title, from its last successful fetch.
    public var title: String?
    /// The web site the feed names.
    public var siteURL: String?
    /// How many users are subscribed to it; with none it is not fetched.
    public var subscribers: Int
    /// When it was last fetched (RFC 3339, UTC); nil before the first fetch.
    public var lastFetchAt: String?
    /// The HTTP status of the last fetch, when the server answered.
    public var lastStatus: Int?
    /// Why the last fetch failed; nil when it worked.
    public var lastError: String?
    /// How many fetches in a row have failed.
    public var consecutiveFailures: Int
    /// The earliest time it is fetched again after failures (RFC 3339, UTC); nil: at the next refresh.
    public var nextFetchAt: String?

    /// A feed with these fields.
    public init(
        url: String, title: String?, siteURL: String?, subscribers: Int, lastFetchAt: String?, lastStatus: Int?,
        lastError: String?, consecutiveFailures: Int, nextFetchAt: String?
    ) {
        self.url = url
        self.title = title
        self.siteURL = siteURL
        self.subscribers = subscribers
        self.lastFetchAt = lastFetchAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.consecutiveFailures = consecutiveFailures
        self.nextFetchAt = nextFetchAt
    }
}

/// What subscribing a user to a feed did.
public struct FeedAddReport: Hashable, Sendable {
    /// The URL subscribed to: the feed's, which differs from the one given for a web page.
    public var url: String
    /// The web page the feed was found in, when the URL given was one.
    public var discoveredFrom: String?
    /// The feed's title.
    public var title: String?
    /// Whether the user was subscribed already (nothing changed then but the fetch).
    public var alreadySubscribed: Bool
    /// Articles not seen before.
    public var new: Int
    /// Articles whose content changed.
    public var updated: Int

    /// A report with these fields.
    public init(url: String, discoveredFrom: String?, title: String?, alreadySubscribed: Bool, new: Int, updated: Int) {
        self.url = url
        self.discoveredFrom = discoveredFrom
        self.title = title
        self.alreadySubscribed = alreadySubscribed
        self.new = new
        self.updated = updated
    }
}

extension FeedRefreshReport {
    /// `3 feeds: 2 fetched, 1 not modified, 0 failed; 40 new, 3 updated articles`.
    public var line: String {
        let total = fetched + notModified + failed
        var text = "\(total) feed\(total == 1 ? "" : "s"): \(fetched) fetched, \(notModified) not modified, \(failed) failed"
        if skipped > 0 { text += ", \(skipped) backing off" }
        if moved > 0 { text += ", \(moved) moved" }
        return text + "; \(new) new, \(updated) updated articles"
    }
}
