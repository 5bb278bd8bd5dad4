/// The records that cross the wire between a client and the sync server. Each one has a
/// JSON Schema in `Schemas/json/`; the field names here are that schema's.

/// A source of articles as the server publishes it: the same fields as the store's `Source`.
public typealias SourceRecord = Source

/// An article's content. The server is authoritative for it; clients never push it.
public struct ArticleRecord: Hashable, Sendable, Codable {
    public var id: String
    public var sourceID: String
    public var guid: String
    public var url: String?
    public var title: String
    public var author: String?
    public var publishedAt: String?
    public var updatedAt: String?
    public var summary: String?
    public var html: String
    public var text: String
    public var contentHash: String
    public var firstSeenAt: String

    public init(
        id: String, sourceID: String, guid: String, url: String?, title: String, author: String?,
        publishedAt: String?, updatedAt: String?, summary: String?, html: String, text: String,
        contentHash: String, firstSeenAt: String
    ) {
        self.id = id
        self.sourceID = sourceID
        self.guid = guid
        self.url = url
        self.title = title
        self.author = author
        self.publishedAt = publishedAt
        self.updatedAt = updatedAt
        self.summary = summary
        self.html = html
        self.text = text
        self.contentHash = contentHash
        self.firstSeenAt = firstSeenAt
    }

    enum CodingKeys: String, CodingKey {
        case id, sourceID = "source_id", guid, url, title, author, publishedAt = "published_at"
        case updatedAt = "updated_at", summary, html, text, contentHash = "content_hash"
        case firstSeenAt = "first_seen_at"
    }
}

/// The per-field HLC stamps of article state: each field is merged on its own, last
/// writer wins. A field never set has no stamp.
public struct StateStamps: Hashable, Sendable, Codable {
    public var read: HLC?
    public var starred: HLC?
    public var progress: HLC?
    public var tags: HLC?

    public init(read: HLC? = nil, starred: HLC? = nil, progress: HLC? = nil, tags: HLC? = nil) {
        self.read = read
        self.starred = starred
        self.progress = progress
        self.tags = tags
    }
}

/// One user's state of one article, with the stamp of each field.
public struct ArticleStateRecord: Hashable, Sendable, Codable {
    public var articleID: String
    public var read: Bool
    public var starred: Bool
    /// From 0 to 1.
    public var progress: Double
    /// Sorted, without duplicates.
    public var tags: [String]
    public var hlc: StateStamps

    public init(articleID: String, read: Bool, starred: Bool, progress: Double, tags: [String], hlc: StateStamps) {
        self.articleID = articleID
        self.read = read
        self.starred = starred
        self.progress = progress
        self.tags = tags
        self.hlc = hlc
    }

    enum CodingKeys: String, CodingKey {
        case articleID = "article_id", read, starred, progress, tags, hlc
    }
}

/// A note as the server holds it after applying every mutation it has received.
public struct NoteRecord: Hashable, Sendable, Codable {
    public var id: String
    public var articleID: String
    public var anchor: TextQuoteSelector?
    public var body: String
    public var createdAt: String
    public var updatedAt: String
    /// Bumped by the server on every change it applies; a client sends the revision its
    /// edit was made on, which is the base of the three-way merge.
    public var revision: Int
    /// Set when the server kept both texts of a conflicting edit; cleared by an edit made
    /// on the conflicted revision.
    public var conflicted: Bool
    /// The stamp of the last change to the text.
    public var bodyHLC: HLC
    /// The stamp of the anchor, merged last writer wins; nil when there is no anchor.
    public var anchorHLC: HLC?

    public init(
        id: String, articleID: String, anchor: TextQuoteSelector?, body: String, createdAt: String,
        updatedAt: String, revision: Int, conflicted: Bool, bodyHLC: HLC, anchorHLC: HLC?
    ) {
        self.id = id
        self.articleID = articleID
        self.anchor = anchor
        self.body = body
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.revision = revision
        self.conflicted = conflicted
        self.bodyHLC = bodyHLC
        self.anchorHLC = anchorHLC
    }

    enum CodingKeys: String, CodingKey {
        case id, articleID = "article_id", anchor, body, createdAt = "created_at", updatedAt = "updated_at"
        case revision, conflicted, bodyHLC = "body_hlc", anchorHLC = "anchor_hlc"
    }
}

/// A feed the user follows, or followed: `subscribed` false is a removal, kept so that the
/// later of an add and a remove wins everywhere.
public struct SubscriptionRecord: Hashable, Sendable, Codable {
    public var url: String
    public var title: String?
    public var tags: [String]
    public var subscribed: Bool
    public var hlc: HLC

    public init(url: String, title: String?, tags: [String], subscribed: Bool, hlc: HLC) {
        self.url = url
        self.title = title
        self.tags = tags
        self.subscribed = subscribed
        self.hlc = hlc
    }
}

extension HLC: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = HLC(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an HLC stamp: \(text)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
