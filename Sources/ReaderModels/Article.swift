import Foundation

/// An article as the store holds it, with the user's state.
public struct Article: Hashable, Sendable, Codable {
    public var id: String
    public var sourceID: String
    public var sourceTitle: String
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
    public var state: ArticleState

    public init(
        id: String, sourceID: String, sourceTitle: String, guid: String, url: String?, title: String,
        author: String?, publishedAt: String?, updatedAt: String?, summary: String?, html: String,
        text: String, contentHash: String, firstSeenAt: String, state: ArticleState
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
    public var id: String
    public var sourceTitle: String
    public var title: String
    public var author: String?
    public var publishedAt: String?
    public var state: ArticleState

    public init(id: String, sourceTitle: String, title: String, author: String?, publishedAt: String?, state: ArticleState) {
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
    public var id: String
    public var key: String
    public var kind: SourceKind
    public var title: String
    public var siteURL: String?
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
