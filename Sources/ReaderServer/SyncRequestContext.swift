import Hummingbird
import ReaderHTTP
import Synchronization

/// The context of one request: Hummingbird's core storage, the authenticated user, and a
/// slot the access log reads the user's name from after the response is made.
public struct SyncRequestContext: RequestContext {
    /// Hummingbird's per-request storage (logger, parameters, endpoint).
    public var coreContext: CoreRequestContextStorage
    /// Set by the authentication middleware on every `/v1` route.
    public var user: UserAccount?
    /// Shared with the access log, which runs outside the middleware that authenticates.
    let audit: RequestAudit

    /// A context for a request from `source`.
    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        user = nil
        audit = RequestAudit()
    }
}

/// What the access log learns about a request while it is handled: who it was for.
final class RequestAudit: Sendable {
    private let state = Mutex<(id: Int64?, name: String?)>((nil, nil))

    /// Records the authenticated user: the log line names their id and name.
    func record(_ user: UserAccount) {
        state.withLock { $0 = (user.id, user.name) }
    }

    /// The authenticated user's key, once known.
    var userID: Int64? { state.withLock { $0.id } }

    /// The authenticated user's name, once known.
    var userName: String? { state.withLock { $0.name } }
}
