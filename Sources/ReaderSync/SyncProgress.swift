/// How far a sync has got, as `SyncEngine.progress` reports it.
public enum SyncProgress: Hashable, Sendable {
    /// Pushing the outbox: `sent` of the `total` mutations pending when the sync began.
    case pushing(sent: Int, total: Int)
    /// Pulling: `changes` applied so far, in `pages` pages, and the changes the server said
    /// were still to come after the last page (nil from a server that does not say).
    case pulling(changes: Int, pages: Int, remaining: Int?)
    /// The server no longer had this device's history; pulling everything again.
    case resyncing
    /// Done.
    case finished(SyncReport)

    /// Mutations sent, or changes pulled, so far in this step; nil between steps.
    public var done: Int? {
        switch self {
        case .pushing(let sent, _): sent
        case .pulling(let changes, _, _): changes
        case .resyncing, .finished: nil
        }
    }

    /// What this step will have done when it ends, where that is known: the mutations
    /// pending when the sync began, or the changes pulled so far plus those the server
    /// says remain (which grows if changes are made meanwhile).
    public var total: Int? {
        switch self {
        case .pushing(_, let total): total
        case .pulling(let changes, _, let remaining): remaining.map { changes + $0 }
        case .resyncing, .finished: nil
        }
    }
}

/// What one sync did.
public struct SyncReport: Hashable, Sendable, Codable {
    /// Mutations the server acknowledged, by outcome.
    public var applied = 0
    public var merged = 0
    public var keptBoth = 0
    public var rejected = 0
    /// Changes pulled and applied, and in how many pages.
    public var pulled = 0
    public var pages = 0
    /// Whether the pull started over because the cursor had expired.
    public var resynced = false

    public init() {}

    /// Mutations pushed and acknowledged.
    public var pushed: Int { applied + merged + keptBoth + rejected }

    enum CodingKeys: String, CodingKey {
        case applied, merged, keptBoth = "kept_both", rejected, pulled, pages, resynced
    }
}
