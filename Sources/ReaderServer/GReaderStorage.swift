import Foundation
import ReaderModels

/// The storage the Google Reader API runs on: every read and write its handlers make, so
/// that they depend on no database. `SQLiteSyncRepository` conforms with GRDB, and the
/// PostgreSQL repository in `ReaderServerPostgres` with postgres-nio; `buildRouter` serves
/// the API for any repository that conforms.
///
/// What a conforming engine promises, as the SQLite one does:
/// - every read is of the user's own library: an item the user does not hold is never
///   found, exactly like one that does not exist;
/// - an item's id (``GReaderItem/id``) is given once, when its article is first stored,
///   grows with arrival and is never given to another article;
/// - a page of ids is read from one snapshot, and a continuation is the id the page ended
///   at, so a later page neither repeats nor skips an item because of a write between;
/// - every write is the `set` mutation a device would push, stamped by the server's clock,
///   applied under the native conflict rules and recorded in the user's change feed.
package protocol GReaderStorage: Sendable {
    /// The server's wall clock, milliseconds since 1970 (the login guard, `updated`).
    func greaderNowMillis() -> Int64

    // MARK: Accounts

    /// Stores `hash` (made by `GReaderPassword.hash`) as the API password of the user named
    /// `name` and ends every session logged in with the old one; `RepositoryError` for a
    /// name nobody has.
    func storeAPIPasswordHash(_ hash: String, forUser name: String) async throws
    /// The stored password hash of the user named `name`, and the user; nil for a name
    /// nobody has, or a user with no API password.
    func apiPassword(ofUser name: String) async throws -> (UserAccount, String)?
    /// Starts a session for `user` and returns its Auth token, the only time it exists in
    /// the clear. Past `GReaderSession.maxPerUser` sessions the least recently renewed end;
    /// every user's sessions idle past `GReaderSession.maxIdleMillis` are purged.
    func startGReaderSession(for user: UserAccount) async throws -> String
    /// The user whose session the Auth token opened; nil for any other token, and for a
    /// session idle past `GReaderSession.maxIdleMillis`. A use renews the session at most
    /// once per `GReaderSession.renewAfterMillis`.
    func authenticateGReader(auth token: String) async throws -> UserAccount?
    /// The failed-login count of every process on this storage, for `GReaderLoginGuard`:
    /// in one atomic step, the seconds the name with this digest (`GReaderLoginGuard.digest`)
    /// is still closed for; else counts one failure (closing the name as the guard's
    /// schedule says) and answers nil. Rows untouched for `GReaderLoginLimits.staleMillis`
    /// count from zero and go; past `maxRows` the open ones touched longest ago go first.
    /// The default keeps nothing: an engine that one process owns (SQLite) has the guard's
    /// memory alone.
    func greaderLoginBegin(digest: String, nowMillis: Int64, maxRows: Int) async throws -> Int?
    /// Forgets the failures of the name with this digest (a login succeeded).
    func greaderLoginSucceeded(digest: String) async throws

    // MARK: Lists

    /// The user's subscribed feeds, by URL (byte order).
    func greaderSubscriptions(for user: UserAccount) async throws -> [GReaderSubscription]
    /// The labels in use, each list by name: folders (on subscriptions) and tags (on
    /// articles only), at most `GReaderLimits.maxLabels` together.
    func greaderLabels(for user: UserAccount) async throws -> (folders: [String], tags: [String])
    /// Unread counts: the reading list, each subscribed feed (by URL), each label (by name,
    /// at most `GReaderLimits.maxLabels`), only those with unread items.
    func greaderUnreadCounts(for user: UserAccount) async throws -> [GReaderUnread]

    // MARK: Items

    /// A page of the ids of a stream, newest first unless `oldestFirst`.
    func greaderItemIDs(for user: UserAccount, _ query: GReaderStreamQuery) async throws -> GReaderIDPage
    /// The items with these ids that `user` holds, in the order asked, each once; the rest
    /// are absent.
    func greaderItems(for user: UserAccount, ids: [Int64]) async throws -> [GReaderItem]

    // MARK: Writes

    /// Adds and removes read, starred and labels on the items `ids` that `user` holds;
    /// other ids are skipped. Returns how many items were found.
    @discardableResult
    func greaderEditTags(for user: UserAccount, ids: [Int64], add: [GReaderTag], remove: [GReaderTag]) async throws -> Int
    /// Marks read every unread item of `stream` that entered the user's library at or
    /// before `beforeMillis` (all of them when nil).
    func greaderMarkAllRead(for user: UserAccount, stream: GReaderStream, beforeMillis: Int64?) async throws
    /// Subscribes, unsubscribes, renames or relabels the feeds at `urls`, all or none:
    /// unsubscribing from, or editing, a feed the user does not follow throws a 400
    /// `GReaderError` and changes nothing.
    func greaderEditSubscriptions(
        for user: UserAccount, urls: [String], action: GReaderSubscriptionEdit, title: String?, add: [String], remove: [String]
    ) async throws
    /// The label `old` becomes `new` (or goes, when nil) on every subscription and article
    /// of the user.
    func greaderRelabel(for user: UserAccount, from old: String, to new: String?) async throws
    /// The title `user` sees for the feed at `url`: theirs, else the feed's, else the URL.
    func greaderFeedTitle(for user: UserAccount, url: String) async throws -> String
}

/// What `subscription/edit` asks.
package enum GReaderSubscriptionEdit: Sendable {
    case subscribe
    case unsubscribe
    case edit
}

/// Bounds every engine keeps alike.
package enum GReaderLimits {
    /// The most labels tag/list and unread-count answer, first by name: labels are made by
    /// clients, and each costs a line in every answer; no app shows thousands.
    package static let maxLabels = 1_000
    /// The most articles one transaction of a bulk write edits (edit-tag,
    /// mark-all-as-read, rename-tag, disable-tag), so one request does not hold a lock
    /// over thousands of edits. Each article's edit stays whole within its chunk; a request
    /// that fails half way keeps the chunks written before, as the same edits sent in
    /// several requests would.
    package static let writeChunk = 250
}

/// The shared failed-login count's bounds (`GReaderStorage.greaderLoginBegin`).
package enum GReaderLoginLimits {
    /// Failed logins in a row a name has before it is closed.
    package static let freeFailures = 5
    /// The longest a name is closed for, in seconds.
    package static let maxLockSeconds: Int64 = 900
    /// A name that has not failed for this long counts from zero again, and its row goes.
    package static let staleMillis: Int64 = 86_400_000
    /// The lock, in seconds, after `failures` failures in a row: none up to
    /// `freeFailures`, then 1, 2, 4 … up to `maxLockSeconds`.
    package static func lockSeconds(afterFailures failures: Int) -> Int64 {
        let over = failures - freeFailures
        guard over > 0 else { return 0 }
        return min(Int64(1) << Int64(min(over - 1, 20)), maxLockSeconds)
    }
}

extension GReaderStorage {
    package func greaderLoginBegin(digest: String, nowMillis: Int64, maxRows: Int) async throws -> Int? { nil }
    package func greaderLoginSucceeded(digest: String) async throws {}

    /// Sets the API password of the user named `name` (hashed with scrypt at `cost`) and
    /// ends every session logged in with the old one. The native bearer token is unchanged.
    package func setAPIPassword(_ password: String, forUser name: String, cost: GReaderPassword.Cost) async throws {
        guard GReaderPassword.isAcceptable(password) else {
            throw RepositoryError("an API password is 1 to \(GReaderPassword.maxBytes) bytes on one line")
        }
        try await storeAPIPasswordHash(try GReaderPassword.hash(password, cost: cost), forUser: name)
    }
}
