import Foundation

/// A W3C TextQuoteSelector: the quoted passage with a little text either side of it, so
/// the passage can be found again when the article's text changes.
public struct TextQuoteSelector: Hashable, Sendable, Codable {
    public var exact: String
    public var prefix: String
    public var suffix: String

    public init(exact: String, prefix: String = "", suffix: String = "") {
        self.exact = exact
        self.prefix = prefix
        self.suffix = suffix
    }

    /// How many characters of context `prefix` and `suffix` keep.
    public static let contextLength = 32
}

/// A reading note on an article, optionally anchored to a quoted passage.
public struct Note: Hashable, Sendable, Codable {
    /// Made by the client that created the note (a lowercase UUID).
    public var id: String
    public var articleID: String
    public var anchor: TextQuoteSelector?
    public var body: String
    /// When the note was written, on the device that wrote it.
    public var createdAt: Date
    /// When its text or anchor last changed.
    public var updatedAt: Date
    /// The last revision the server acknowledged; 0 for a note the server has not seen.
    public var revision: Int
    public var deleted: Bool
    /// Set when a sync kept two versions of the text; cleared by the next edit.
    public var conflicted: Bool

    public init(
        id: String, articleID: String, anchor: TextQuoteSelector?, body: String, createdAt: Date,
        updatedAt: Date, revision: Int, deleted: Bool, conflicted: Bool
    ) {
        self.id = id
        self.articleID = articleID
        self.anchor = anchor
        self.body = body
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.revision = revision
        self.deleted = deleted
        self.conflicted = conflicted
    }

    enum CodingKeys: String, CodingKey {
        case id, articleID = "article_id", anchor, body, createdAt = "created_at", updatedAt = "updated_at"
        case revision, deleted, conflicted
    }
}

/// A feed the user follows. Adding and removing are merged last writer wins by HLC.
public struct Subscription: Hashable, Sendable, Codable {
    /// The feed's URL as the user gave it. Kept as exact text, not `URL`: it is the
    /// subscription's synced identity, compared byte for byte on every device and on the
    /// server, and a round trip through Foundation's `URL` may re-encode it (spaces,
    /// non-ASCII hosts), which would make a second subscription of the same feed.
    public var url: String
    /// The title the user or the feed gave it.
    public var title: String?
    /// Its tags (OPML folders).
    public var tags: [String]

    /// A subscription to `url`.
    public init(url: String, title: String?, tags: [String]) {
        self.url = url
        self.title = title
        self.tags = tags
    }
}
