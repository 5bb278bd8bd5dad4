/// How long the server keeps the articles its feeds bring: `reader-server serve
/// --keep-days N --keep-per-feed N`.
///
/// An article past either bound expires: it leaves the library of every user who holds it
/// only through a subscription or an import, with a tombstone so their devices follow,
/// and is deleted once nobody holds it. A user who starred, tagged or annotated it keeps
/// it, however old. A new subscriber gets only the articles within the bounds.
public struct ServerRetention: Sendable, Hashable {
    /// Articles that arrived more than this many days ago expire; 0 keeps them for ever.
    public var keepDays: Int
    /// Beyond this many of the newest articles of one fetched feed (by arrival), the older
    /// ones expire; 0 sets no cap. A file imported with `articles import` is not capped (an
    /// operator importing an archive means all of it; `keepDays` still applies) unless its
    /// source is that of a feed the server fetches.
    public var keepPerFeed: Int

    /// 180 days and 1,000 articles a feed: as long as a device keeps an unread article by
    /// default, and a year of a busy feed's daily posts.
    public static let standard = ServerRetention(keepDays: 180, keepPerFeed: 1000)

    /// A policy of these bounds (negative ones count as 0).
    public init(keepDays: Int, keepPerFeed: Int) {
        self.keepDays = max(keepDays, 0)
        self.keepPerFeed = max(keepPerFeed, 0)
    }

    /// Whether the policy ever expires anything.
    public var isOn: Bool { keepDays > 0 || keepPerFeed > 0 }
}

/// What one retention pass did.
public struct RetentionReport: Sendable, Hashable {
    /// Articles that passed a bound this time.
    public var expired = 0
    /// Tombstones written: articles that left a user's library.
    public var leftLibraries = 0
    /// Articles deleted from the server, held by nobody.
    public var deleted = 0

    /// An empty report.
    public init() {}
}
