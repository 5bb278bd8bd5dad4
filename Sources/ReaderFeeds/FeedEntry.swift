import Foundation
import ReaderModels

/// A piece of text as a feed gives it: plain text, or HTML (Atom's `xhtml` arrives here
/// already written out as HTML).
struct FeedText {
    enum Kind { case text, html }

    var kind: Kind
    var value: String
    /// The `xml:base` in scope where the text was found, for its relative links.
    var base: String?

    /// On one line, tags dropped and references decoded when it is HTML.
    var plain: String {
        guard kind == .html, value.utf8.contains(where: { $0 == 0x3C || $0 == 0x26 }) else {
            return PlainText.collapsed(value)
        }
        return PlainText.collapsed(HTMLText.sanitize(value).text)
    }

    /// As an article body: sanitised HTML, relative links resolved against the text's own
    /// base else `base`, and its text. Plain text becomes one `<p>` per paragraph
    /// (paragraphs being separated by blank lines).
    func body(base fallback: String?) -> (html: String, text: String) {
        switch kind {
        case .html:
            return HTMLText.sanitize(value, baseURL: base ?? fallback)
        case .text:
            let paragraphs = PlainText.paragraphs(value)
            return (HTMLText.html(paragraphs: paragraphs), paragraphs.joined(separator: "\n\n"))
        }
    }
}

/// What an RSS item or Atom entry said, gathered while parsing, before it becomes a draft.
struct FeedEntry {
    /// The line of the item's start tag.
    var line: Int
    /// RSS `guid` or Atom `id`.
    var id: String?
    /// An RSS guid that is not marked `isPermaLink="false"`, which doubles as the link.
    var permalink: String?
    /// RSS `link` or Atom `link rel="alternate"`, resolved.
    var link: String?
    var title: FeedText?
    /// RSS `content:encoded` or Atom `content`.
    var content: FeedText?
    /// RSS `description` or Atom `summary`: the body when there is no content.
    var summary: FeedText?
    /// `dc:creator` or Atom author names.
    var authors: [String] = []
    /// RSS `author`, which is an e-mail address with the name in parentheses.
    var rssAuthor: String?
    /// `itunes:author`, a podcast episode's author, when there is no other.
    var itunesAuthor: String?
    /// The feed's authors (Atom feed authors, or the channel's `itunes:author`), for an entry
    /// that names none.
    var inherited: [String] = []
    /// RSS 1.0 `rdf:about`: the item's URI, its guid when it has no other id.
    var about: String?
    /// The publication date's text: RSS `pubDate` or Atom `published`.
    var published: String?
    /// `dc:date`, used when there is no `pubDate`.
    var dcDate: String?
    /// Atom `updated`.
    var updated: String?
    /// `media:thumbnail`, or a `media:content` that is an image.
    var mediaImage: String?
    /// `media:title`, the title of entries that have no other.
    var mediaTitle: String?
    /// `media:description`, the body of entries that have no other (video feeds).
    var mediaDescription: FeedText?

    init(line: Int) {
        self.line = line
    }

    /// The draft this entry makes, or nil when it has nothing to show or open.
    ///
    /// The body is the content, else the summary, else the media description: the first that
    /// is not empty; the summary is kept (as short plain text) only beside a content body.
    /// The title is the entry's own, else its media title, else the start of its text, else
    /// its link without the scheme (link-only items), else, for an entry that shows an image,
    /// its date as written (photo-only items). An entry with none of these is nil, and
    /// ``skipDetail(noun:)`` says why. The guid is the entry's id (or RSS 1.0 `rdf:about`),
    /// else its link, else its title and date text joined by `|`. An entry without a
    /// publication date is dated by its update date.
    func draft(source: SourceDraft) -> ArticleDraft? {
        // The first of content, summary and media description that holds something: an
        // empty `content:encoded` beside a full description must not empty the article.
        let base = link ?? permalink ?? source.siteURL
        var (html, text) = ("", "")
        var bodyIsContent = false
        for (candidate, isContent) in [(content, true), (summary, false), (mediaDescription, false)] {
            guard let candidate else { continue }
            let body = candidate.body(base: base)
            if body.text.isEmpty && !body.html.contains("<img") { continue }
            (html, text) = body
            bodyIsContent = isContent
            break
        }
        if let mediaImage, !html.contains("<img") {
            // A thumbnail is what a video or photo entry shows; sanitised like any body.
            html = HTMLText.sanitize("<p><img src=\"\(HTMLText.escape(mediaImage))\" alt=\"\"></p>").html + html
        }
        let url = link ?? permalink
        let publishedText = published ?? dcDate
        var title = self.title?.plain ?? mediaTitle ?? ""
        if title.isEmpty { title = PlainText.title(fromText: text) }
        if title.isEmpty, let url { title = Self.title(fromLink: url) }
        if title.isEmpty, html.contains("<img"), let date = publishedText ?? updated { title = PlainText.collapsed(date) }
        guard !title.isEmpty else { return nil }
        let summaryText = !bodyIsContent ? nil : summary.map { PlainText.shortened($0.plain, limit: PlainText.summaryLimit) }
        let guid = id ?? about ?? url ?? title + "|" + (publishedText ?? updated ?? "")
        let names = !authors.isEmpty ? authors
            : rssAuthor.map { [Self.name(fromRSSAuthor: $0)] } ?? itunesAuthor.map { [$0] } ?? inherited
        let updatedDate = updated.flatMap(FeedDate.parse)
        return ArticleDraft(
            source: source, guid: guid, url: url, title: title,
            author: names.isEmpty ? nil : names.joined(separator: ", "),
            published: publishedText.flatMap(FeedDate.parse) ?? updatedDate, updated: updatedDate,
            summary: summaryText?.isEmpty == false ? summaryText : nil,
            html: html, text: text, line: line
        )
    }

    /// Why ``draft(source:)`` gave nil, for the import report.
    func skipDetail(noun: String) -> String {
        "\(noun) has no title, text or link"
    }

    /// `https://www.example.org/photos/owl/` is `example.org/photos/owl`: a link as a title.
    static func title(fromLink link: String) -> String {
        var rest = Substring(PlainText.collapsed(link))
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if rest.hasPrefix("www.") { rest = rest.dropFirst(4) }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        return PlainText.shortened(String(rest), limit: 120)
    }

    /// `ana@example.org (Ana Ruiz)` is Ana Ruiz; an address alone is kept as it is.
    static func name(fromRSSAuthor author: String) -> String {
        guard let open = author.firstIndex(of: "("), let close = author.lastIndex(of: ")"), open < close else {
            return author
        }
        let name = PlainText.collapsed(String(author[author.index(after: open)..<close]))
        return name.isEmpty ? author : name
    }
}

/// What a channel or feed said about itself before its first item.
struct FeedHead {
    var title: String?
    /// RSS channel `link` or Atom `link rel="alternate"`: the site.
    var link: String?
    /// `atom:link rel="self"`: the feed's own URL.
    var selfLink: String?
    /// Atom feed `id`.
    var id: String?
    /// Atom feed authors, which entries without authors inherit.
    var authors: [String] = []

    /// The source, keyed by the self link, else the site link, else the title for RSS, and by
    /// the id, else the self link, else the title for Atom; nil when there is nothing to key by.
    func source(kind: SourceKind) -> SourceDraft? {
        let candidates = kind == .atom ? [id, selfLink, title] : [selfLink, link, title]
        guard let key = candidates.lazy.compactMap({ $0 }).first(where: { !$0.isEmpty }) else { return nil }
        let name = [title, link, selfLink].lazy.compactMap { $0 }.first { !$0.isEmpty } ?? key
        return SourceDraft(key: key, title: name, siteURL: link, feedURL: selfLink, kind: kind)
    }
}

/// Relative links made absolute.
enum FeedLink {
    /// `link` resolved against `base` when it is relative and the base is absolute;
    /// otherwise `link` unchanged.
    static func resolve(_ link: String, against base: String?) -> String {
        guard let base, !link.isEmpty, !hasScheme(link),
              let baseURL = URL(string: base), baseURL.scheme != nil,
              let url = URL(string: link, relativeTo: baseURL)
        else { return link }
        return url.absoluteString
    }

    /// Whether `link` starts with `scheme:`.
    static func hasScheme(_ link: String) -> Bool {
        for (offset, byte) in link.utf8.enumerated() {
            if byte == UInt8(ascii: ":") { return offset > 0 }
            if !(byte.isLetter || (offset > 0 && (byte.isDigit || byte == 0x2B || byte == 0x2D || byte == 0x2E))) {
                return false
            }
        }
        return false
    }
}
