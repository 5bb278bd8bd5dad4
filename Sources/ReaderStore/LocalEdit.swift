import ReaderModels

/// A change the user makes to their own data. `ReaderStore.apply(_:)` is the one way to
/// make it: it writes the change and its outbox row in the same transaction.
public enum LocalEdit: Hashable, Sendable {
    case setRead(articleIDs: [String], read: Bool)
    case setStarred(articleIDs: [String], starred: Bool)
    /// Reading progress, from 0 to 1.
    case setProgress(articleID: String, progress: Double)
    case setTags(articleID: String, tags: [String])
    /// A new note; `quote`, when given, must be a passage of the article's text.
    case addNote(articleID: String, body: String, quote: String?)
    case editNote(id: String, body: String)
    case deleteNote(id: String)
    case subscribe(url: String, title: String?, tags: [String])
    case unsubscribe(url: String)
}

/// What `apply` did: the outbox rows it wrote and, for note edits, the note as it is now.
public struct AppliedEdit: Hashable, Sendable {
    public var mutations: [Mutation]
    public var note: Note?
}
