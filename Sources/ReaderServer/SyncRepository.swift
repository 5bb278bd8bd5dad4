import Foundation
import ReaderModels

/// Where the sync server keeps users, content and every user's data. The routes talk only
/// to this protocol, so another engine can stand in for SQLite.
///
/// Every method that takes a `UserAccount` reads and changes that user's data only.
public protocol SyncRepository: Sendable {
    /// The user a bearer token belongs to; nil for a token nobody holds.
    func authenticate(token: String) async throws -> UserAccount?

    /// The changes of `user`'s library after `cursor` (0 = from the start), at most `limit`
    /// of them, oldest first, each entity once at its latest version, and no more than
    /// `maxBytes` of their text (the first change always comes, whatever its size). The page
    /// says in `remaining` how many of the user's changes come after it.
    ///
    /// - Throws: `ServerError` `cursor_expired` for a non-zero cursor older than the
    ///   tombstone horizon.
    func changes(for user: UserAccount, since cursor: Int64, limit: Int, maxBytes: Int) async throws -> ChangePage

    /// The changes of `user`'s library below `before` (nil: the whole feed), newest first,
    /// to the same limits, with `head`: the newest seq of the feed when the page was read,
    /// from which an oldest-first pull carries on once every page below it is applied.
    /// `nextCursor` is the `before` of the next page; `remaining` counts the rows below it.
    ///
    /// - Throws: `ServerError` `cursor_expired` for a `before` beyond the newest seq,
    ///   `bad_request` for one below 1.
    func changes(for user: UserAccount, before: Int64?, limit: Int, maxBytes: Int) async throws -> ChangePage

    /// Applies a push in one transaction and returns one stored result per mutation, in
    /// order. A mutation already applied for this user and client gets its stored result,
    /// byte for byte, and changes nothing.
    func push(_ request: PushRequest, for user: UserAccount) async throws -> PushOutcome

    /// A fresh stamp of the server's clock.
    func serverStamp() async -> HLC

    /// Adds a user and returns their token, the only time it is ever available.
    func addUser(named name: String) async throws -> String

    /// Removes a user and all their data.
    func removeUser(named name: String) async throws

    /// Every user, by name.
    func users() async throws -> [UserSummary]

    /// Imports a feed or bundle file into the libraries of the named users, in one
    /// transaction. At least one user is required.
    func importFile(at path: String, for users: [String]) async throws -> ImportReport

    /// Forgets tombstones older than the tombstone horizon.
    func purgeTombstones() async throws -> PurgeReport

    /// Reads something small from the database, so `/ready` can tell the database
    /// answers; throws when it does not.
    func checkReadiness() async throws
}

extension SyncRepository {
    /// The list of users is a real read of any engine's database; an engine with a
    /// cheaper one overrides this (SQLite reads one row of its state).
    public func checkReadiness() async throws {
        _ = try await users()
    }
}

/// A user the server knows, as a request sees it after authentication.
public struct UserAccount: Hashable, Sendable {
    /// The database key every query of the user's data is scoped by.
    public var id: Int64
    /// The name the user was added with, unique on the server.
    public var name: String

    /// A user with this key and name.
    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}

/// A line of `reader-server users list`.
public struct UserSummary: Hashable, Sendable {
    /// The user's name.
    public var name: String
    /// When the user was added (RFC 3339, UTC).
    public var createdAt: String

    /// A user's name and when they were added.
    public init(name: String, createdAt: String) {
        self.name = name
        self.createdAt = createdAt
    }
}

/// What a push came to: the encoded result of each mutation, exactly as stored for
/// replays, and the server's clock after applying them.
public struct PushOutcome: Hashable, Sendable {
    /// One JSON object (a `MutationResult`) per mutation, in the order sent.
    public var results: [Data]
    /// The server's clock after the push, for the client to move past.
    public var serverHLC: HLC

    /// An outcome of these stored results.
    public init(results: [Data], serverHLC: HLC) {
        self.results = results
        self.serverHLC = serverHLC
    }
}

/// What a purge of old tombstones removed.
public struct PurgeReport: Hashable, Sendable {
    /// Deleted notes forgotten.
    public var notes: Int
    /// The highest change sequence purged so far; a non-zero cursor below it has expired.
    public var horizon: Int64

    /// A report of this purge.
    public init(notes: Int, horizon: Int64) {
        self.notes = notes
        self.horizon = horizon
    }
}
