import Foundation

/// Where articles come from: a feed, or a pasted bundle of articles.
public struct SourceDraft: Hashable, Sendable {
    /// What identifies the source on every device: a feed's own URL or id, or
    /// `bundle:NAME` for articles pasted from a named publication.
    public var key: String
    public var title: String
    public var siteURL: String?
    public var feedURL: String?
    public var kind: SourceKind

    public init(key: String, title: String, siteURL: String? = nil, feedURL: String? = nil, kind: SourceKind) {
        self.key = key
        self.title = title
        self.siteURL = siteURL
        self.feedURL = feedURL
        self.kind = kind
    }

    /// The source's stable id.
    public var id: String { Fingerprint.sourceID(key: key) }
}

/// The format a source's articles arrived in.
public enum SourceKind: String, Sendable, Codable, CaseIterable {
    case rss, atom, jsonFeed = "json_feed", bundle
}

/// One article as an importer read it, before the store gives it a home.
public struct ArticleDraft: Hashable, Sendable {
    public var source: SourceDraft
    /// The entry's identity within its source: its guid / id, else its link, else title and date.
    public var guid: String
    public var url: String?
    public var title: String
    public var author: String?
    public var published: Date?
    public var updated: Date?
    public var summary: String?
    /// Sanitised HTML: no script, style, iframe, event handlers or javascript: URLs.
    public var html: String
    /// The readable text, used for search and for finding a note's quoted passage.
    public var text: String
    /// The line of the input where the entry began, for error messages.
    public var line: Int?

    public init(
        source: SourceDraft, guid: String, url: String? = nil, title: String, author: String? = nil,
        published: Date? = nil, updated: Date? = nil, summary: String? = nil,
        html: String, text: String, line: Int? = nil
    ) {
        self.source = source
        self.guid = guid
        self.url = url
        self.title = title
        self.author = author
        self.published = published
        self.updated = updated
        self.summary = summary
        self.html = html
        self.text = text
        self.line = line
    }

    /// The article's stable id, the same on every device.
    public var id: String { Fingerprint.articleID(sourceKey: source.key, guid: guid) }

    /// A fingerprint of what a reader sees; a changed hash means the article was updated.
    public var contentHash: String {
        Fingerprint.sha256Hex([
            title, url ?? "", author ?? "", published.map(Timestamp.format) ?? "",
            summary ?? "", html, text,
        ])
    }
}
