/// How far a refresh has got: how many of the feeds due have been recorded, fetched or
/// failed. A refresh reports it once before the first fetch and once after each feed.
public struct FeedRefreshProgress: Hashable, Sendable {
    /// Feeds whose outcome is recorded.
    public var done: Int
    /// Feeds the refresh fetches (those backing off are not due).
    public var due: Int

    /// `done` of `due` feeds.
    public init(done: Int, due: Int) {
        self.done = done
        self.due = due
    }
}
