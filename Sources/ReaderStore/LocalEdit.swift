import Foundation
import ReaderModels

/// A change the user makes to their own data. `ReaderStore.apply(_:)` is the one way to
/// make it: it writes the change and its outbox row in the same transaction.
public enum LocalEdit: Hashable, Sendable {
    case setRead(articleIDs: [String], read: Bool)
    case setStarred(articleIDs: [String], starred: Bool)
    /// Reading progress, from 0 to 1.
    case setProgress(articleID: String, progress: Double)
    /// Replaces an article's tags.
    case setTags(articleID: String, tags: [String])
    /// Adds tags to an article, keeping those it has. When it already has them all, nothing
    /// is written. The result may hold at most `WireLimits.maxTags` tags.
    case addTags(articleID: String, tags: [String])
    /// Removes tags from an article; tags it does not have are ignored, and when it has none
    /// of them, nothing is written.
    case removeTags(articleID: String, tags: [String])
    /// Marks read every unread article, or only those of one feed (`feedID`, a source's
    /// id, as `Source` and ``FeedSubscription`` give it) and/or dated before `before`. An article's
    /// date is its publication date, else when it first arrived: the date
    /// ``ReaderStore/articles(_:)`` sorts by. Each article changed gets its own outbox row,
    /// all in one transaction; articles already read are left alone.
    case markAllRead(feedID: String?, before: Date?)
    /// A new note; `quote`, when given, must be a passage of the article's text.
    case addNote(articleID: String, body: String, quote: String?)
    case editNote(id: String, body: String)
    case deleteNote(id: String)
    /// Subscribes to the feed at `url`, an absolute http(s) URL kept as exact text: the
    /// synced identity of the subscription (see `Subscription.url`).
    case subscribe(url: String, title: String?, tags: [String])
    /// Unsubscribes from the feed at `url`, spelled as it was subscribed (exact text).
    case unsubscribe(url: String)
}

/// What `apply` did: the outbox rows it wrote and, for note edits, the note as it is now.
public struct AppliedEdit: Hashable, Sendable {
    public var mutations: [Mutation]
    public var note: Note?
}
