import ReaderModels

/// What a sync service says to one ``SyncBackend/pull(after:limit:)``.
public enum SyncPullAnswer: Hashable, Sendable {
    /// The changes after the cursor, with the cursor to ask from next.
    case page(ChangePage)
    /// The service no longer has the history after this cursor (or never issued it):
    /// the engine pulls again from the start, keeping every pending mutation.
    case cursorExpired
}

/// The wire half of sync: how ``SyncEngine`` talks to one kind of service.
///
/// The engine keeps everything that touches the store: it takes the outbox a batch at a
/// time, settles each answer and applies each page with its cursor in one transaction,
/// checks every answer against the contract (`WireLimits`, one result per mutation sent)
/// before it is stored, and handles a resync. A backend only turns those calls into
/// requests to its service and the service's answers back into the wire models, so another
/// service's API (the Google Reader API, say) is added as another backend, without
/// touching the store. ``NativeSyncBackend`` speaks this package's own `/v1` protocol.
///
/// Every method may be called again after a failure with the same arguments: a push
/// carries mutation ids the service must apply once each, and a pull is a read.
/// A backend throws ``SyncError``: ``SyncError/temporary(_:)`` for what may pass,
/// ``SyncError/unauthorized(_:)`` for refused credentials, ``SyncError/protocolViolation(_:)``
/// for an answer it cannot read.
public protocol SyncBackend: Sendable {
    /// Checks the credentials with the service: who they belong to, and its limits.
    func whoAmI() async throws(SyncError) -> WhoAmI

    /// Sends one batch of mutations, oldest first, and returns the service's answer:
    /// one result per mutation, each with the entity as the service now holds it.
    func push(_ request: PushRequest) async throws(SyncError) -> PushResponse

    /// The changes after `cursor` (nil: from the start), at most `limit` of them.
    func pull(after cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer

    /// The changes below `cursor` (nil: from the newest), newest first, at most `limit` of
    /// them: a page with a `head` (docs/SYNC.md, "The first sync"). A service that cannot
    /// answer newest first answers an oldest-first page from the start (no `head`), which
    /// the engine takes as such; that is what this requirement does unless a backend
    /// implements it.
    func pullNewestFirst(before cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer

    /// Whether a pull's answer depends only on its arguments and the service, never on the
    /// device's store: the engine then asks for the next page while it applies the one
    /// before. False unless a backend says so.
    var pullsAhead: Bool { get }
}

extension SyncBackend {
    /// A backend that reads the store to build its answer (the Google Reader API's does)
    /// must see each page applied before it is asked for the next.
    public var pullsAhead: Bool { false }

    /// No newest-first pages: the first page of an oldest-first pull.
    public func pullNewestFirst(before cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
        try await pull(after: nil, limit: limit)
    }
}
