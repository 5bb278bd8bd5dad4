import Foundation

/// An article as the store holds it, with the user's state.
public struct Article: Hashable, Sendable, Codable {
    /// The article's id, derived from its source and guid (the same on every device).
    public var id: String
    /// Its source's id.
    public var sourceID: String
    /// Its source's title.
    public var sourceTitle: String
    /// The id its feed gives it.
    public var guid: String
    /// Its web page.
    public var url: URL?
    /// Its title (never empty).
    public var title: String
    /// Its author or authors, as the feed names them.
    public var author: String?
    /// When it was published, as its feed says.
    public var publishedAt: Date?
    /// When its feed last said it changed.
    public var updatedAt: Date?
    /// A short summary, when the feed gives one besides the body.
    public var summary: String?
    /// The body, sanitised HTML.
    public var html: String
    /// The body as plain text (what search and quotes use).
    public var text: String
    /// The hash of its content, which says whether a copy changed.
    public var contentHash: String
    /// When a device of this library first stored it.
    public var firstSeenAt: Date
    /// The user's state of it.
    public var state: ArticleState

    public init(
        id: String, sourceID: String, sourceTitle: String, guid: String, url: URL?, title: String,
        author: String?, publishedAt: Date?, updatedAt: Date?, summary: String?, html: String,
        text: String, contentHash: String, firstSeenAt: Date, state: ArticleState
    ) {
        self.id = id
        self.sourceID = sourceID
        self.sourceTitle = sourceTitle
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
        self.state = state
    }

    enum CodingKeys: String, CodingKey {
        case id, sourceID = "source_id", sourceTitle = "source_title", guid, url, title, author
        case publishedAt = "published_at", updatedAt = "updated_at", summary, html, text
        case contentHash = "content_hash", firstSeenAt = "first_seen_at", state
    }
}

/// One line of an article listing: what a list shows without the body.
public struct ArticleSummary: Hashable, Sendable, Codable {
    /// The article's id.
    public var id: String
    /// Its source's title.
    public var sourceTitle: String
    /// Its title.
    public var title: String
    /// Its author or authors.
    public var author: String?
    /// When it was published, as its feed says.
    public var publishedAt: Date?
    /// The user's state of it.
    public var state: ArticleState

    public init(id: String, sourceTitle: String, title: String, author: String?, publishedAt: Date?, state: ArticleState) {
        self.id = id
        self.sourceTitle = sourceTitle
        self.title = title
        self.author = author
        self.publishedAt = publishedAt
        self.state = state
    }

    enum CodingKeys: String, CodingKey {
        case id, sourceTitle = "source_title", title, author, publishedAt = "published_at", state
    }
}

/// The user's state of one article. Each field is merged on its own, last writer wins by HLC.
public struct ArticleState: Hashable, Sendable, Codable {
    public var read: Bool
    public var starred: Bool
    /// How far the user has read, from 0 to 1.
    public var progress: Double
    /// Sorted, without duplicates.
    public var tags: [String]

    public init(read: Bool = false, starred: Bool = false, progress: Double = 0, tags: [String] = []) {
        self.read = read
        self.starred = starred
        self.progress = progress
        self.tags = tags
    }
}

/// A source of articles: a feed, or the publication named in a pasted bundle.
public struct Source: Hashable, Sendable, Codable {
    /// The source's id, derived from its key.
    public var id: String
    /// What names it on every device: the URL first subscribed to, or a bundle's publication.
    public var key: String
    /// The format it was read from.
    public var kind: SourceKind
    /// Its title.
    public var title: String
    /// Its web site. (Text, not `URL`: this type is also the wire's `SourceRecord`, which
    /// carries the server's bytes as they are.)
    public var siteURL: String?
    /// Its feed.
    public var feedURL: String?

    public init(id: String, key: String, kind: SourceKind, title: String, siteURL: String?, feedURL: String?) {
        self.id = id
        self.key = key
        self.kind = kind
        self.title = title
        self.siteURL = siteURL
        self.feedURL = feedURL
    }

    enum CodingKeys: String, CodingKey {
        case id, key, kind, title, siteURL = "site_url", feedURL = "feed_url"
    }
}
