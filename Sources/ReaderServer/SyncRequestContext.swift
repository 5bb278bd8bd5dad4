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

/// What the access log learns about a request while it is handled.
final class RequestAudit: Sendable {
    private let state = Mutex<String?>(nil)

    /// The authenticated user's name, once known.
    var userName: String? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
