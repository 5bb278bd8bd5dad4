import Foundation

/// How long this device keeps articles. Local to the device: pruning is never a sync
/// deletion, and the server keeps its own policy.
///
/// An article is pruned when any knob that is set says so, unless it is starred, tagged,
/// annotated (it has a note), or has reading state not yet pushed. Its reading state is
/// kept after it (see ``keptStateDays``), so it never comes back unread. On a device that
/// has never synced, pending reading state does not hold an article (see
/// `ReaderStore.prune(policy:now:)`).
public struct RetentionPolicy: Hashable, Sendable, Codable {
    /// Read articles first seen more than this many days ago are pruned (0: every read
    /// article); nil keeps them.
    public var readDays: Int?
    /// Unread articles first seen more than this many days ago are pruned; nil keeps them.
    public var unreadDays: Int?
    /// At most this many articles of each source are kept, the newest by publication date;
    /// nil keeps them all.
    public var perFeed: Int?

    public init(readDays: Int? = nil, unreadDays: Int? = nil, perFeed: Int? = nil) {
        self.readDays = readDays
        self.unreadDays = unreadDays
        self.perFeed = perFeed
    }

    /// The policy of a database whose owner chose none: read articles go 60 days after they
    /// arrived, unread ones after 180, with no per-feed cap (Miniflux's defaults, which its
    /// users rarely change). Generous enough that a person never misses an article they
    /// meant to read, and enough to keep a year of 200 feeds flat (`reader-bench
    /// retention`). There is no count cap: a feed that posts a lot is bounded by age alone,
    /// and a cap would drop articles of a slow reader's busiest feed first.
    public static let `default` = RetentionPolicy(readDays: 60, unreadDays: 180)

    /// Keeps everything.
    public static let off = RetentionPolicy()

    /// Whether no knob is set.
    public var isOff: Bool { readDays == nil && unreadDays == nil && perFeed == nil }

    /// How long the state of a pruned article is kept after it was pruned or last seen again
    /// in a feed: feeds rarely carry an entry half a year after they stopped showing it,
    /// and one row is about a hundred bytes.
    public static let keptStateDays = 180

    /// The largest number of days or articles a knob takes (a hundred years).
    public static let maxValue = 36_500

    /// Throws `StoreError.invalidValue` when a knob is negative or over ``maxValue``.
    public func check() throws {
        for (name, value) in [("read days", readDays), ("unread days", unreadDays), ("per-feed count", perFeed)] {
            if let value, !(0...Self.maxValue).contains(value) {
                throw StoreError.invalidValue("the \(name) must be between 0 and \(Self.maxValue), not \(value)")
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case readDays = "read_days", unreadDays = "unread_days", perFeed = "per_feed"
    }
}

/// What one prune removed and gave back.
public struct PruneReport: Hashable, Sendable, Codable {
    /// Articles removed, read and unread.
    public var read = 0
    public var unread = 0
    /// The ids of the articles removed.
    public var articleIDs: [String] = []
    /// Kept states of long-pruned articles dropped (older than `RetentionPolicy.keptStateDays`).
    public var forgotten = 0
    /// Pruned articles whose state is kept, after this prune.
    public var keptStates = 0
    /// The database's size (file and WAL) before and after, in bytes.
    public var bytesBefore: Int64 = 0
    public var bytesAfter: Int64 = 0

    public init() {}

    /// Articles removed.
    public var removed: Int { read + unread }

    enum CodingKeys: String, CodingKey {
        case read, unread, removed, articleIDs = "article_ids", forgotten, keptStates = "kept_states"
        case bytesBefore = "bytes_before", bytesAfter = "bytes_after"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        read = try container.decode(Int.self, forKey: .read)
        unread = try container.decode(Int.self, forKey: .unread)
        articleIDs = try container.decode([String].self, forKey: .articleIDs)
        forgotten = try container.decode(Int.self, forKey: .forgotten)
        keptStates = try container.decode(Int.self, forKey: .keptStates)
        bytesBefore = try container.decode(Int64.self, forKey: .bytesBefore)
        bytesAfter = try container.decode(Int64.self, forKey: .bytesAfter)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(read, forKey: .read)
        try container.encode(unread, forKey: .unread)
        try container.encode(removed, forKey: .removed)
        try container.encode(articleIDs, forKey: .articleIDs)
        try container.encode(forgotten, forKey: .forgotten)
        try container.encode(keptStates, forKey: .keptStates)
        try container.encode(bytesBefore, forKey: .bytesBefore)
        try container.encode(bytesAfter, forKey: .bytesAfter)
    }
}
