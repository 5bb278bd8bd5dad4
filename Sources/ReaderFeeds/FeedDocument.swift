import Foundation
import ReaderModels

/// A feed as fetched: its format, what it says about itself, and its articles.
public struct ParsedFeed: Sendable, Hashable {
    /// RSS (0.9x, 1.0, 2.0), Atom (0.3, 1.0) or JSON Feed.
    public var format: FeedFormat
    /// The source its articles belong to; nil for a feed with no entries.
    public var source: SourceDraft?
    /// The articles, in document order.
    public var entries: [ArticleDraft]
    /// Entries left out (nothing to show, or unreadable), grouped by reason.
    public var skipped: [SkippedEntries]

    /// Creates a parsed feed.
    public init(format: FeedFormat, source: SourceDraft?, entries: [ArticleDraft], skipped: [SkippedEntries] = []) {
        self.format = format
        self.source = source
        self.entries = entries
        self.skipped = skipped
    }

    /// The feed's title, when it has entries to carry it.
    public var title: String? { source?.title }
    /// The feed's web site, when it names one.
    public var siteURL: String? { source?.siteURL }
}

/// Parses a feed document held in memory, as it arrives over HTTP.
public enum FeedDocument {
    /// What a document turned out to be.
    public enum Kind: Sendable, Hashable {
        /// A feed in this format.
        case feed(FeedFormat)
        /// An HTML page (where feeds may be discovered).
        case html
        /// Something else.
        case other
    }

    /// Sniffs `bytes` by their first 4 KiB: a feed, an HTML page, or neither.
    public static func kind(of bytes: [UInt8], contentType: String? = nil) -> Kind {
        let prefix = bytes.prefix(FeedFormat.sniffLength)
        switch FeedFormat.detect(prefix: prefix) {
        case .rss?: return .feed(.rss)
        case .atom?: return .feed(.atom)
        case .jsonFeed?: return .feed(.jsonFeed)
        case .bundle?, nil:
            let head = String(decoding: prefix, as: UTF8.self).lowercased()
            let type = contentType?.lowercased() ?? ""
            if type.contains("html") || head.contains("<html") || head.contains("<!doctype html") { return .html }
            return .other
        }
    }

    /// Parses `bytes`, a feed fetched from `url`.
    ///
    /// - Parameters:
    ///   - url: Where the document came from; it names the feed in errors, relative links
    ///     resolve against it, and it keys the source when `sourceKey` is nil and the feed
    ///     has no self link.
    ///   - contentType: The HTTP `Content-Type`, whose charset decides the encoding of XML.
    ///   - sourceKey: The key the articles' source keeps whatever the feed says about
    ///     itself: a subscription's original URL, so that a moved feed keeps its articles.
    /// - Throws: ``FeedImportError`` naming `url` when the document is not a feed, is
    ///   malformed, or is refused for safety.
    public static func parse(
        _ bytes: [UInt8], url: String, contentType: String? = nil, sourceKey: String? = nil
    ) throws(FeedImportError) -> ParsedFeed {
        // UTF-16 and UTF-32 are read as the UTF-8 they decode to, their declaration rewritten.
        let bytes = WideUnicode.utf8XML(ofDocument: bytes) ?? bytes
        guard case .feed(let format) = kind(of: bytes, contentType: contentType) else {
            throw FeedImportError(
                file: url, reason: bytes.isEmpty
                    ? "the response is empty"
                    : "this is not an RSS, Atom or JSON feed (no <rss>, <rdf:RDF> or <feed> root, nor a JSON object)"
            )
        }
        var entries: [ArticleDraft] = []
        do {
            switch format {
            case .rss, .atom:
                // Leading whitespace would hide the XML declaration from the charset rules.
                let start = bytes.firstIndex { !$0.isXMLSpace } ?? bytes.count
                let trimmed = start == 0 ? bytes : Array(bytes[start...])
                let utf8 = FeedEncoding.utf8XML(trimmed, httpCharset: FeedEncoding.charset(ofContentType: contentType))
                let read = try XMLFeedParser.read(
                    bytes: utf8, file: url, documentURL: url, sourceKey: sourceKey
                ) { entries.append($0) }
                return ParsedFeed(format: read.format, source: read.source, entries: entries, skipped: read.skipped)
            case .jsonFeed, .bundle:
                let read = try JSONFeedReader(data: Data(bytes), url: url, sourceKey: sourceKey).read { entries.append($0) }
                return ParsedFeed(format: .jsonFeed, source: entries.first?.source, entries: entries, skipped: read.skipped)
            }
        } catch let error as FeedImportError {
            throw error
        } catch {
            throw FeedImportError(file: url, reason: "could not be read: \(error)")
        }
    }
}
