import Foundation

/// The kinds of user data a device changes and pushes to the server.
public enum EntityKind: String, Sendable, Codable, CaseIterable {
    case note, articleState = "article_state", subscription
}

/// What a mutation does to its entity.
public enum MutationOp: String, Sendable, Codable, CaseIterable {
    /// A new note.
    case create
    /// Changed fields of an existing note.
    case update
    /// A note's deletion.
    case delete
    /// Fields set on article state or a subscription, each merged last writer wins.
    case set
}

/// One pending change in the outbox, as it will be pushed.
public struct Mutation: Hashable, Sendable {
    /// Made by the client; the server remembers it so a replayed push changes nothing.
    public var id: String
    public var entity: EntityKind
    public var entityID: String
    public var op: MutationOp
    /// The revision the change was made on (notes only).
    public var baseRevision: Int?
    /// The changed fields; stored and pushed as canonical JSON (sorted keys), so equal
    /// fields are equal bytes.
    public var fields: JSONObject
    public var hlc: HLC
    /// When the edit was made on this device.
    public var createdAt: Date
    /// How many pushes have carried it; a mutation that went out is never rewritten.
    public var attempts: Int

    public init(
        id: String, entity: EntityKind, entityID: String, op: MutationOp, baseRevision: Int?,
        fields: JSONObject, hlc: HLC, createdAt: Date, attempts: Int
    ) {
        self.id = id
        self.entity = entity
        self.entityID = entityID
        self.op = op
        self.baseRevision = baseRevision
        self.fields = fields
        self.hlc = hlc
        self.createdAt = createdAt
        self.attempts = attempts
    }
}
