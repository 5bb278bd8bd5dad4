/// The kinds of entity the change feed carries.
public enum ChangeEntity: String, Hashable, Sendable, Codable, CaseIterable {
    case source, article, articleState = "article_state", note, subscription
}

/// One entry of the change feed: the latest version of one entity, or its tombstone.
public enum Change: Hashable, Sendable {
    case source(SourceRecord)
    case article(ArticleRecord)
    case articleState(ArticleStateRecord)
    case note(NoteRecord)
    case subscription(SubscriptionRecord)
    /// The entity is gone: a deleted note, or an article the server dropped.
    case tombstone(ChangeEntity, id: String)

    public var entity: ChangeEntity {
        switch self {
        case .source: .source
        case .article: .article
        case .articleState: .articleState
        case .note: .note
        case .subscription: .subscription
        case .tombstone(let entity, _): entity
        }
    }

    public var id: String {
        switch self {
        case .source(let record): record.id
        case .article(let record): record.id
        case .articleState(let record): record.articleID
        case .note(let record): record.id
        case .subscription(let record): record.url
        case .tombstone(_, let id): id
        }
    }
}

/// A change with its place in the user's change sequence. On the wire:
/// `{"seq": 12, "entity": "note", "id": "…", "deleted": false, "record": {…}}`, where a
/// tombstone has `"deleted": true` and no record.
public struct SequencedChange: Hashable, Sendable, Codable {
    public var seq: Int64
    public var change: Change

    public init(seq: Int64, change: Change) {
        self.seq = seq
        self.change = change
    }

    enum CodingKeys: String, CodingKey { case seq, entity, id, deleted, record }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seq = try container.decode(Int64.self, forKey: .seq)
        let entity = try container.decode(ChangeEntity.self, forKey: .entity)
        let id = try container.decode(String.self, forKey: .id)
        if try container.decode(Bool.self, forKey: .deleted) {
            change = .tombstone(entity, id: id)
            return
        }
        change = switch entity {
        case .source: .source(try container.decode(SourceRecord.self, forKey: .record))
        case .article: .article(try container.decode(ArticleRecord.self, forKey: .record))
        case .articleState: .articleState(try container.decode(ArticleStateRecord.self, forKey: .record))
        case .note: .note(try container.decode(NoteRecord.self, forKey: .record))
        case .subscription: .subscription(try container.decode(SubscriptionRecord.self, forKey: .record))
        }
        guard change.id == id else {
            throw DecodingError.dataCorruptedError(
                forKey: .id, in: container, debugDescription: "change id \(id) differs from its record's id"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seq, forKey: .seq)
        try container.encode(change.entity, forKey: .entity)
        try container.encode(change.id, forKey: .id)
        switch change {
        case .tombstone:
            try container.encode(true, forKey: .deleted)
        case .source(let record):
            try container.encode(false, forKey: .deleted)
            try container.encode(record, forKey: .record)
        case .article(let record):
            try container.encode(false, forKey: .deleted)
            try container.encode(record, forKey: .record)
        case .articleState(let record):
            try container.encode(false, forKey: .deleted)
            try container.encode(record, forKey: .record)
        case .note(let record):
            try container.encode(false, forKey: .deleted)
            try container.encode(record, forKey: .record)
        case .subscription(let record):
            try container.encode(false, forKey: .deleted)
            try container.encode(record, forKey: .record)
        }
    }
}

/// One page of the change feed (`GET /v1/changes?since=CURSOR&limit=N`). The client
/// applies a page and stores `nextCursor` in one transaction, and asks again while
/// `hasMore` is true. Cursors are opaque to the client.
///
/// A newest-first page (`GET /v1/changes?order=newest_first[&before=CURSOR]`) carries the
/// feed below a cursor, newest first, and its `head`; its `nextCursor` is the `before` of
/// the next page. A page without `head` is an oldest-first page, whatever was asked: a
/// server older than newest-first pages answers every pull from the start.
public struct ChangePage: Hashable, Sendable, Codable {
    public var changes: [SequencedChange]
    public var nextCursor: String
    public var hasMore: Bool
    /// The server's clock when it answered; the client's clock moves past it.
    public var serverHLC: HLC
    /// How many of the user's changes come after `nextCursor`, counted when the page was
    /// built: 0 when `hasMore` is false. For a progress display only (changes made
    /// meanwhile add to it). Nil from a server that does not send it (older than this field).
    public var remaining: Int?
    /// On a newest-first page only: the newest change of the feed when the page was read,
    /// the cursor from which an oldest-first pull carries on once the pages below it are in.
    public var head: String?

    public init(
        changes: [SequencedChange], nextCursor: String, hasMore: Bool, serverHLC: HLC, remaining: Int? = nil, head: String? = nil
    ) {
        self.changes = changes
        self.nextCursor = nextCursor
        self.hasMore = hasMore
        self.serverHLC = serverHLC
        self.remaining = remaining
        self.head = head
    }

    enum CodingKeys: String, CodingKey {
        case changes, nextCursor = "next_cursor", hasMore = "has_more", serverHLC = "server_hlc", remaining, head
    }
}
