import Foundation
import ReaderHTTP
import ReaderModels
import ReaderStore
import Synchronization

/// The Google Reader API ("GReader") as a ``SyncBackend``: FreshRSS, Miniflux, Inoreader,
/// The Old Reader, BazQux, and `reader-server`'s own GReader endpoint.
///
/// A pull walks subscriptions, then the reading list's new items (`ot` and continuation),
/// then the read and starred state of the items the device already holds; the cursor
/// records which step it is on, so a sync killed between pages carries on. A push turns
/// read, star and tag edits into `edit-tag` requests and subscription edits into
/// `subscription/quickadd` and `subscription/edit`. GReader has no notes and no reading
/// progress: those stay on the device, settled as they are, and a pulled state never
/// overwrites the device's progress.
///
/// Item ids map to article ids with no table (see the article's guid, which keeps the
/// service's long form), and a feed is known by its URL here whatever the service calls
/// it (`feed/1` on FreshRSS).
public struct GReaderSyncBackend: SyncBackend {
    let store: ReaderStore
    let connection: GReaderConnection
    let now: @Sendable () -> Date
    /// The service's feeds, read once per backend: items name their feed by its stream id.
    let feedCache = FeedCache()
    /// The item ids read so far in this pass over the reading list.
    let pass = PassState()
    /// The most pages of ids one pass over the reading list reads before the sync stops
    /// with ``SyncError/protocolViolation(_:)`` (`defaultMaxItemPages` unless a test sets it).
    package var maxItemPages = Self.defaultMaxItemPages
    /// The most bytes of `stream/items/contents` answers one pulled page holds before it
    /// ends early, the rest of its ids carried in the cursor (`pageAnswerBytes` unless a
    /// test sets it): a first sync of any size holds about this much at a time.
    package var maxPageAnswerBytes = Self.pageAnswerBytes
    /// The most ids a reconciliation reads across all labels together
    /// (`maxReconcileIDs` unless a test sets it); past it, tags are left as they are this time.
    package var maxLabelIDs = Self.maxReconcileIDs

    /// A backend for the service at `configuration.serverURL` (the API's base: the site
    /// itself for Miniflux and `reader-server`, `…/api/greader.php` for FreshRSS), with the
    /// `Auth` value of ``login(serverURL:user:password:extraHeaders:client:)`` as the token.
    /// `extraHeaders` go on every request (Inoreader's `AppId` and `AppKey`).
    public init(
        store: ReaderStore, client: any HTTPClient, configuration: SyncConfiguration, extraHeaders: [String: String] = [:],
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.now = now
        connection = GReaderConnection(
            baseURL: configuration.serverURL, auth: configuration.token, extraHeaders: extraHeaders, client: client,
            retry: configuration.retry, timeouts: configuration.timeouts
        )
    }

    /// Logs in with ClientLogin and returns the `Auth` value to keep as the token. The
    /// password is sent once and not kept.
    public static func login(
        serverURL: URL, user: String, password: String, extraHeaders: [String: String] = [:], client: any HTTPClient
    ) async throws(SyncError) -> String {
        try await GReaderConnection.login(baseURL: serverURL, user: user, password: password, extraHeaders: extraHeaders, client: client)
    }

    public func whoAmI() async throws(SyncError) -> WhoAmI {
        let response = try await connection.get("reader/api/0/user-info", maxBytes: GReaderConnection.smallAnswerBytes)
        let info = try Self.decode(GReaderAnswer.UserInfo.self, response, what: "user-info")
        let user = [info.userName, info.userEmail, info.userId?.text].compactMap { $0 }.first { !$0.isEmpty } ?? "(unnamed)"
        return WhoAmI(
            user: WireText.clipped(user, 256), serverVersion: "greader", maxBatch: WireLimits.maxPushMutations, maxPage: Self.maxIDsPerPage,
            serverHLC: stamp()
        )
    }

    /// The stamp given to what the service says: GReader carries no clocks, and the
    /// service's state wins over every field without a pending edit, whatever its stamp.
    func stamp() -> HLC {
        HLC(wallMillis: Timestamp.millis(now()), counter: 0, node: "greader")
    }

    /// The most ids asked for in one `stream/items/ids`.
    static let maxIDsPerPage = 1000
    /// Ids per `stream/items/contents` or `edit-tag` request.
    static let idsPerRequest = 100
    /// The cap on an answer listing ids or feeds.
    static let listAnswerBytes = 16 << 20
    /// The cap on one `stream/items/contents` answer of `idsPerRequest` items.
    static let contentsAnswerBytes = 64 << 20
    /// The contents answers' bytes after which a pulled page ends: 8 MiB holds a page of
    /// items of ordinary size whole; a page of large ones is cut after the answer that
    /// passes it (so a page holds at most this plus one `contentsAnswerBytes` answer).
    package static let pageAnswerBytes = 8 << 20

    static func decode<T: Decodable>(_ type: T.Type, _ response: HTTPResponse, what: String) throws(SyncError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            let reason = (error as? DecodingError)?.sentence ?? "it is not JSON"
            throw .protocolViolation("its \(what) answer of \(response.body.count) bytes cannot be read: \(reason)")
        }
    }

    /// The service's feeds, fetched once per backend (a sync) unless `refresh`.
    func feeds(refresh: Bool = false) async throws(SyncError) -> [GReaderFeed] {
        if !refresh, let feeds = feedCache.feeds.withLock({ $0 }) { return feeds }
        let response = try await connection.get("reader/api/0/subscription/list", maxBytes: Self.listAnswerBytes)
        let feeds = try GReaderTranslation.feeds(try Self.decode(GReaderAnswer.Subscriptions.self, response, what: "subscription list"))
        feedCache.feeds.withLock { $0 = feeds }
        return feeds
    }

    /// The bound on pages of ids in one pass: 10,000 pages (10 million items at the
    /// largest page) is far past any real account, and a service that pages on beyond it
    /// is broken or hostile.
    package static let defaultMaxItemPages = 10_000

    final class PassState: Sendable {
        let seen = Mutex<Set<GReaderItemID>>([])
    }

    final class FeedCache: Sendable {
        let feeds = Mutex<[GReaderFeed]?>(nil)
    }

    /// Runs a read of the device's store, its failure as a SyncError.
    func local<T>(_ body: () async throws -> T) async throws(SyncError) -> T {
        do { return try await body() } catch { throw .wrap(error) }
    }
}
