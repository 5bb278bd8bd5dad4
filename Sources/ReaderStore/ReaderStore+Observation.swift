import Synchronization

/// A change to articles and notes that a UI may want to show, and where it came from.
///
/// Every write path of the store sends one after its transaction commits: edits, syncs,
/// imports, feed refreshes and pruning. To follow the result of a query instead (a list, an
/// unread count), use ``ReaderStore/observeArticles(_:)`` and its siblings.
public struct StoreChange: Hashable, Sendable {
    public enum Origin: String, Hashable, Sendable {
        /// An edit made through this store (`apply`).
        case local
        /// A sync: pulled from the server, or settled by its answer to a push.
        case server
        /// Pruned by the retention policy (``ReaderStore/prune(policy:now:)``): the articles
        /// were removed from this device only.
        case retention
        /// Articles imported from a file or from drafts (``ReaderStore/importFile(at:format:baseURL:)``).
        case `import`
        /// A fetched feed's articles saved (by `FeedRefresher` in ReaderSync).
        case refresh
    }

    public var origin: Origin
    /// Articles whose content or state changed (or that were removed, or pruned). An import
    /// or refresh of more than ``maxListedArticles`` articles lists none here: its
    /// `sourceIDs` say which feeds to read again.
    public var articleIDs: Set<String> = []
    /// Notes added, changed or removed (or anchored again in an article's new text).
    public var noteIDs: Set<String> = []
    /// The feeds (source ids) whose articles an import or refresh added or changed.
    public var sourceIDs: Set<String> = []

    /// The most article ids one change lists: a large import names its feeds instead, so
    /// importing a million articles does not hold a million ids in memory.
    public static let maxListedArticles = 1000

    package init(origin: Origin, articleIDs: Set<String> = [], noteIDs: Set<String> = [], sourceIDs: Set<String> = []) {
        self.origin = origin
        self.articleIDs = articleIDs
        self.noteIDs = noteIDs
        self.sourceIDs = sourceIDs
    }

    var isEmpty: Bool { articleIDs.isEmpty && noteIDs.isEmpty && sourceIDs.isEmpty }

    /// Records an article a bulk write added or changed.
    mutating func noteArticle(_ id: String, source: String) {
        sourceIDs.insert(source)
        guard !listsTooMany else { return }
        articleIDs.insert(id)
        if articleIDs.count > Self.maxListedArticles {
            articleIDs = []
            listsTooMany = true
        }
    }

    /// Set once a bulk write passed ``maxListedArticles``.
    private var listsTooMany = false
}

/// The continuations of everyone observing a store.
final class ChangeObservers: Sendable {
    private let continuations = Mutex<[Int: AsyncStream<StoreChange>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)

    func add(_ continuation: AsyncStream<StoreChange>.Continuation) -> Int {
        let id = nextID.add(1, ordering: .relaxed).newValue
        continuations.withLock { $0[id] = continuation }
        return id
    }

    func remove(_ id: Int) {
        _ = continuations.withLock { $0.removeValue(forKey: id) }
    }

    func send(_ change: StoreChange) {
        for continuation in continuations.withLock({ Array($0.values) }) { continuation.yield(change) }
    }
}

extension ReaderStore {
    /// Changes to articles and notes made through this store from now on, each after its
    /// transaction committed, saying whether a local edit or a sync made it. Changes made
    /// by another process on the same file are not seen. The stream ends when the caller
    /// stops iterating.
    public func changes() -> AsyncStream<StoreChange> {
        AsyncStream(bufferingPolicy: .bufferingNewest(256)) { continuation in
            let id = observers.add(continuation)
            continuation.onTermination = { [observers] _ in observers.remove(id) }
        }
    }

    func notify(_ change: StoreChange, origin: StoreChange.Origin) {
        var change = change
        change.origin = origin
        if !change.isEmpty { observers.send(change) }
    }
}
