/// A batch of mutations from one device (`POST /v1/mutations`).
public struct PushRequest: Hashable, Sendable, Codable {
    /// The device's id; with the user and the mutation id it keys the server's memory of
    /// applied mutations, so a replayed push changes nothing.
    public var clientID: String
    public var mutations: [WireMutation]

    public init(clientID: String, mutations: [WireMutation]) {
        self.clientID = clientID
        self.mutations = mutations
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case clientID = "client_id", mutations }

    /// Refuses a member the schema does not have, as `additionalProperties: false` says.
    public init(from decoder: any Decoder) throws {
        try WireMember.refuseUnknown(in: decoder, known: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clientID = try container.decode(String.self, forKey: .clientID)
        mutations = try container.decode([WireMutation].self, forKey: .mutations)
    }
}

/// The member names of a JSON object, to refuse the ones a record does not have.
enum WireMember {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func refuseUnknown<Keys: CodingKey & CaseIterable>(in decoder: any Decoder, known: Keys.Type) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let names = Set(Keys.allCases.map(\.stringValue))
        if let unknown = container.allKeys.first(where: { !names.contains($0.stringValue) }) {
            throw DecodingError.dataCorruptedError(
                forKey: unknown, in: container, debugDescription: "no member \(unknown.stringValue) here"
            )
        }
    }
}

/// One mutation as it is pushed. `fields` is the outbox row's JSON object, as written.
///
/// - note `create`: `article_id`, `body`, `created_at`, `anchor` (a selector or null);
/// - note `update`: `body` and/or `anchor`; `base_revision` is the revision it was made on;
/// - note `delete`: no fields; `base_revision` as for update;
/// - article_state `set`: any of `read`, `starred`, `progress`, `tags`;
/// - subscription `set`: `subscribed`, `tags`, and optionally `title`.
public struct WireMutation: Hashable, Sendable, Codable {
    public var id: String
    public var entity: EntityKind
    public var entityID: String
    public var op: MutationOp
    public var baseRevision: Int?
    public var fields: JSONObject
    public var hlc: HLC

    public init(
        id: String, entity: EntityKind, entityID: String, op: MutationOp, baseRevision: Int?,
        fields: JSONObject, hlc: HLC
    ) {
        self.id = id
        self.entity = entity
        self.entityID = entityID
        self.op = op
        self.baseRevision = baseRevision
        self.fields = fields
        self.hlc = hlc
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, entity, entityID = "entity_id", op, baseRevision = "base_revision", fields, hlc
    }

    /// Refuses a member the schema does not have, as `additionalProperties: false` says.
    public init(from decoder: any Decoder) throws {
        try WireMember.refuseUnknown(in: decoder, known: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        entity = try container.decode(EntityKind.self, forKey: .entity)
        entityID = try container.decode(String.self, forKey: .entityID)
        op = try container.decode(MutationOp.self, forKey: .op)
        // Absent, not null: the schema's base_revision is an integer when it is there.
        baseRevision = container.contains(.baseRevision) ? try container.decode(Int.self, forKey: .baseRevision) : nil
        fields = try container.decode(JSONObject.self, forKey: .fields)
        hlc = try container.decode(HLC.self, forKey: .hlc)
    }
}

/// How the server settled one mutation.
public enum MutationStatus: String, Hashable, Sendable, Codable {
    /// Applied as sent.
    case applied
    /// Combined with changes the device had not seen: a clean three-way merge of note
    /// text, an older state field losing to a newer one, or an edit that outlived a delete.
    case merged
    /// Both sides changed the same part of a note's text: the note holds both texts and
    /// is marked conflicted.
    case keptBoth = "kept_both"
    /// Not applied; `error` says why. Other mutations of the batch are unaffected.
    case rejected
}

/// The canonical entity after a mutation, so the device settles its copy without pulling.
public enum MutationOutcome: Hashable, Sendable {
    case note(NoteRecord)
    case noteDeleted(id: String)
    case articleState(ArticleStateRecord)
    case subscription(SubscriptionRecord)
}

/// The server's answer for one mutation. A replayed mutation gets the identical result.
public struct MutationResult: Hashable, Sendable, Codable {
    public var mutationID: String
    public var status: MutationStatus
    /// nil exactly when the mutation was rejected.
    public var outcome: MutationOutcome?
    public var error: APIErrorBody?

    public init(mutationID: String, status: MutationStatus, outcome: MutationOutcome?, error: APIErrorBody?) {
        self.mutationID = mutationID
        self.status = status
        self.outcome = outcome
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case mutationID = "mutation_id", status, entity, entityID = "entity_id", deleted, record, error
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mutationID = try container.decode(String.self, forKey: .mutationID)
        status = try container.decode(MutationStatus.self, forKey: .status)
        error = try container.decodeIfPresent(APIErrorBody.self, forKey: .error)
        guard status != .rejected else {
            outcome = nil
            return
        }
        let entity = try container.decode(EntityKind.self, forKey: .entity)
        let entityID = try container.decode(String.self, forKey: .entityID)
        if try container.decodeIfPresent(Bool.self, forKey: .deleted) == true {
            outcome = .noteDeleted(id: entityID)
            return
        }
        outcome = switch entity {
        case .note: .note(try container.decode(NoteRecord.self, forKey: .record))
        case .articleState: .articleState(try container.decode(ArticleStateRecord.self, forKey: .record))
        case .subscription: .subscription(try container.decode(SubscriptionRecord.self, forKey: .record))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mutationID, forKey: .mutationID)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(error, forKey: .error)
        switch outcome {
        case nil:
            break
        case .note(let record):
            try container.encode(EntityKind.note, forKey: .entity)
            try container.encode(record.id, forKey: .entityID)
            try container.encode(false, forKey: .deleted)
            try container.encode(record, forKey: .record)
        case .noteDeleted(let id):
            try container.encode(EntityKind.note, forKey: .entity)
            try container.encode(id, forKey: .entityID)
            try container.encode(true, forKey: .deleted)
        case .articleState(let record):
            try container.encode(EntityKind.articleState, forKey: .entity)
            try container.encode(record.articleID, forKey: .entityID)
            try container.encode(false, forKey: .deleted)
            try container.encode(record, forKey: .record)
        case .subscription(let record):
            try container.encode(EntityKind.subscription, forKey: .entity)
            try container.encode(record.url, forKey: .entityID)
            try container.encode(false, forKey: .deleted)
            try container.encode(record, forKey: .record)
        }
    }
}

/// The answer to a push: one result per mutation, in the order sent.
public struct PushResponse: Hashable, Sendable, Codable {
    public var results: [MutationResult]
    public var serverHLC: HLC

    public init(results: [MutationResult], serverHLC: HLC) {
        self.results = results
        self.serverHLC = serverHLC
    }

    enum CodingKeys: String, CodingKey { case results, serverHLC = "server_hlc" }
}

/// `GET /v1/me`: who the token belongs to, and the server's limits.
public struct WhoAmI: Hashable, Sendable, Codable {
    public var user: String
    public var serverVersion: String
    public var maxBatch: Int
    public var maxPage: Int
    public var serverHLC: HLC

    public init(user: String, serverVersion: String, maxBatch: Int, maxPage: Int, serverHLC: HLC) {
        self.user = user
        self.serverVersion = serverVersion
        self.maxBatch = maxBatch
        self.maxPage = maxPage
        self.serverHLC = serverHLC
    }

    enum CodingKeys: String, CodingKey {
        case user, serverVersion = "server_version", maxBatch = "max_batch", maxPage = "max_page"
        case serverHLC = "server_hlc"
    }
}

/// An error as the server sends it: `{"error": {"code": "…", "message": "…"}}`, and inside
/// a rejected mutation's result as `{"code": …, "message": …}`. Codes are stable and meant
/// for programs; messages are for people.
public struct APIErrorBody: Hashable, Sendable, Codable, Error {
    public var code: APIErrorCode
    public var message: String

    public init(code: APIErrorCode, message: String) {
        self.code = code
        self.message = message
    }
}

/// The stable error codes of the sync API.
///
/// A code this build does not know, sent by a newer server, is kept as `other` rather than
/// failing to decode the whole answer: a rejection stays readable with its message.
public enum APIErrorCode: Hashable, Sendable, Codable, CaseIterable, RawRepresentable {
    /// 400: the request is malformed (bad JSON, a bad parameter).
    case badRequest
    /// 401: no token, or a token the server does not know.
    case unauthorized
    /// 404: no such endpoint.
    case notFound
    /// 410: the cursor is older than the tombstone horizon; pull again from the start.
    case cursorExpired
    /// 413: the body or the batch is over the server's limit.
    case tooLarge
    /// 500: the server failed; the request may be retried.
    case internalError
    /// Rejections of one mutation inside a push.
    case unknownArticle
    case unknownNote
    case invalidMutation
    /// The mutation's `hlc` is more than `HLC.maxLeadMillis` (24 hours) ahead of the
    /// server's clock; the server's clock did not move. Fix the device's clock.
    case clockTooFarAhead
    /// A text, an id or a list over its limit in `WireLimits` (a note's body over 256 KiB,
    /// say); the mutation is rejected alone and nothing is stored.
    case tooLong
    /// A subscription whose feed URL the server will not fetch: not an absolute http or
    /// https URL with a host (`file:`, `gopher:`, a relative address); nothing is stored.
    case invalidFeedURL
    /// 405: the path exists but not with this method; the `Allow` header lists the methods it has.
    case methodNotAllowed
    /// A code this build does not know, as the server spelled it.
    case other(String)

    /// The codes this build knows; `other` is not among them.
    public static let allCases: [APIErrorCode] = [
        .badRequest, .unauthorized, .notFound, .cursorExpired, .tooLarge, .internalError, .unknownArticle, .unknownNote,
        .invalidMutation, .clockTooFarAhead, .tooLong, .invalidFeedURL, .methodNotAllowed,
    ]

    /// The code as it is spelled on the wire.
    public var rawValue: String {
        switch self {
        case .badRequest: "bad_request"
        case .unauthorized: "unauthorized"
        case .notFound: "not_found"
        case .cursorExpired: "cursor_expired"
        case .tooLarge: "too_large"
        case .internalError: "internal"
        case .unknownArticle: "unknown_article"
        case .unknownNote: "unknown_note"
        case .invalidMutation: "invalid_mutation"
        case .clockTooFarAhead: "clock_too_far_ahead"
        case .tooLong: "too_long"
        case .invalidFeedURL: "invalid_feed_url"
        case .methodNotAllowed: "method_not_allowed"
        case .other(let code): code
        }
    }

    /// The code spelled `rawValue`; never nil, since an unknown spelling is `other`.
    public init?(rawValue: String) {
        self.init(code: rawValue)
    }

    /// The code spelled `code`, `other` when this build does not know it.
    public init(code: String) {
        self = switch code {
        case "bad_request": .badRequest
        case "unauthorized": .unauthorized
        case "not_found": .notFound
        case "cursor_expired": .cursorExpired
        case "too_large": .tooLarge
        case "internal": .internalError
        case "unknown_article": .unknownArticle
        case "unknown_note": .unknownNote
        case "invalid_mutation": .invalidMutation
        case "clock_too_far_ahead": .clockTooFarAhead
        case "too_long": .tooLong
        case "invalid_feed_url": .invalidFeedURL
        case "method_not_allowed": .methodNotAllowed
        default: .other(code)
        }
    }

    /// Reads the code from a JSON string.
    public init(from decoder: any Decoder) throws {
        self.init(code: try decoder.singleValueContainer().decode(String.self))
    }

    /// Writes the code as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The wrapper the server puts around an error: `{"error": {...}}`.
public struct APIErrorEnvelope: Hashable, Sendable, Codable {
    public var error: APIErrorBody

    public init(error: APIErrorBody) { self.error = error }
}
