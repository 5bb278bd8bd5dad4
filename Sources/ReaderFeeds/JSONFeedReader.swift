import Foundation
import ReaderModels

/// Reads JSON Feed 1.1 and 1.0 (https://jsonfeed.org/version/1.1) in two passes over the
/// file, so that a feed of any size is read through a fixed buffer:
///
/// 1. checks the whole document's structure and keeps the few top-level fields that describe
///    the feed, skipping over `items` (these fields may come after it);
/// 2. walks `items`, handing each element's bytes alone to `JSONDecoder`.
///
/// Errors name the line where reading stopped. An item that cannot be read (not an object,
/// or without a usable `id`) or that has nothing to show is left out and counted, with its
/// 1-based position: `item 3: missing "id"`; a field of the wrong type is left out of its item.
struct JSONFeedReader {
    /// The file, or for a document in memory what names it in errors (its URL).
    let path: String
    /// The document, when it is in memory rather than in the file at `path`.
    var data: Data?
    /// Where a fetched document came from: the base of its relative links.
    var documentURL: String?
    /// When given, the key of the articles' source (see ``FeedDocument``).
    var sourceKey: String?

    init(path: String) {
        self.path = path
    }

    init(data: Data, url: String, sourceKey: String?) {
        path = url
        self.data = data
        documentURL = url
        self.sourceKey = sourceKey
    }

    private func makeScanner() throws -> JSONScanner {
        if let data { return try JSONScanner(chunks: FileChunks(data: data, file: path)) }
        return try JSONScanner(path: path)
    }

    private static let versionPrefix = "https://jsonfeed.org/version/"

    /// Reads the items, handing each to `each`, and returns the ones left out.
    @discardableResult
    func read(_ each: (ArticleDraft) throws -> Void) throws -> FeedReadResult {
        let (source, feedAuthors) = try readSource()
        var skips = SkipTally()
        var last: SourceDraft?
        var scanner = try makeScanner()
        try scanner.expect(0x7B, "at the start: a JSON Feed is an object starting with '{'")
        while try scanner.string("where a key in quotes should be") != Array("items".utf8) {
            try scanner.expect(0x3A, "after a key, where ':' should be")
            try scanner.skipValue()
            try scanner.expect(0x2C, "where ',' should be")
        }
        try scanner.expect(0x3A, "after a key, where ':' should be")
        try scanner.expect(0x5B, "where the items array should start")
        if try scanner.peek() == 0x5D { return FeedReadResult(format: .jsonFeed, source: nil) }
        let decoder = JSONDecoder()
        var number = 0
        while true {
            number += 1
            _ = try scanner.peek()
            let line = scanner.line
            scanner.beginCapture()
            try scanner.skipValue()
            let bytes = Data(scanner.endCapture())
            do {
                let item = try decoder.decode(JSONFeedItem.self, from: bytes)
                if PlainText.collapsed(item.id.value).isEmpty {
                    skips.add(.unreadable, line: line, detail: "item \(number): \"id\" is empty")
                } else if let draft = draft(item, line: line, source: source, feedAuthors: feedAuthors) {
                    last = draft.source
                    try each(draft)
                } else {
                    skips.add(.empty, line: line, detail: "item \(number) has no title, text or link")
                }
            } catch let error as DecodingError {
                skips.add(.unreadable, line: line, detail: "item \(number): \(error.feedReason)")
            }
            guard let next = try scanner.peek() else { throw scanner.endOfFile() }
            scanner.advance()
            if next == 0x5D { return FeedReadResult(format: .jsonFeed, source: last, skipped: skips.groups) }
            guard next == 0x2C else { throw scanner.unexpected(next, "after item \(number), where ',' or ']' should be") }
        }
    }

    /// The first pass: the feed's structure checked and its own fields read: the source, and
    /// the feed's author names.
    private func readSource() throws -> (SourceDraft, [String]) {
        var scanner = try makeScanner()
        try scanner.expect(0x7B, "at the start: a JSON Feed is an object starting with '{'")
        let wanted = Set(JSONFeedHeader.CodingKeys.allCases.map { Array($0.rawValue.utf8) })
        var fields: [(key: [UInt8], line: Int, value: [UInt8])] = []
        var sawItems = false
        if try scanner.peek() == 0x7D { scanner.advance() } else {
            while true {
                let key = try scanner.string("where a key in quotes should be")
                try scanner.expect(0x3A, "after a key, where ':' should be")
                let next = try scanner.peek()
                let line = scanner.line
                if key == Array("items".utf8) {
                    guard next == 0x5B else { throw scanner.failure("\"items\" should be an array") }
                    sawItems = true
                }
                if wanted.contains(key) {
                    scanner.beginCapture()
                    try scanner.skipValue()
                    fields.append((key, line, scanner.endCapture()))
                } else {
                    try scanner.skipValue()
                }
                guard let after = try scanner.peek() else { throw scanner.endOfFile() }
                scanner.advance()
                if after == 0x7D { break }
                guard after == 0x2C else { throw scanner.unexpected(after, "where ',' or '}' should be") }
            }
        }
        if let extra = try scanner.peek() {
            throw scanner.unexpected(extra, "after the end of the feed object")
        }
        guard sawItems else { throw FeedImportError(file: path, reason: "not a JSON Feed: it has no \"items\" array") }
        return try source(from: fields)
    }

    private func source(from fields: [(key: [UInt8], line: Int, value: [UInt8])]) throws -> (SourceDraft, [String]) {
        var object: [UInt8] = [0x7B]
        for (key, _, value) in fields {
            if object.count > 1 { object.append(0x2C) }
            object += [0x22] + key + [0x22, 0x3A] + value
        }
        object.append(0x7D)
        let header: JSONFeedHeader
        do {
            header = try JSONDecoder().decode(JSONFeedHeader.self, from: Data(object))
        } catch let error as DecodingError {
            let key = Self.codingPath(of: error).first?.stringValue
            let line = fields.first { String(decoding: $0.key, as: UTF8.self) == key }?.line
            throw FeedImportError(file: path, line: line, reason: error.feedReason)
        }
        let versionLine = fields.first { $0.key == Array("version".utf8) }?.line
        guard let version = header.version else {
            throw FeedImportError(file: path, reason: "not a JSON Feed: it has no \"version\" (\(Self.versionPrefix)1.1)")
        }
        // JSON Feed 1.0's own examples wrote the version with http; other readers accept it.
        guard version.hasPrefix(Self.versionPrefix) || version.hasPrefix("http://jsonfeed.org/version/") else {
            throw FeedImportError(
                file: path, line: versionLine,
                reason: "not a JSON Feed: \"version\" is \"\(version)\", not \(Self.versionPrefix)1.1 or 1.0"
            )
        }
        let title = header.title.map { PlainText.collapsed(HTMLText.decodingReferences($0)) }.flatMap { $0.isEmpty ? nil : $0 }
        let home = header.homePageURL.map(PlainText.collapsed).flatMap { $0.isEmpty ? nil : FeedLink.resolve($0, against: documentURL) }
        let feed = header.feedURL.map(PlainText.collapsed).flatMap { $0.isEmpty ? nil : FeedLink.resolve($0, against: documentURL) } ?? documentURL
        guard let key = sourceKey ?? feed ?? home ?? title else {
            throw FeedImportError(file: path, reason: "the feed has no title, home_page_url or feed_url to identify it")
        }
        let source = SourceDraft(key: key, title: title ?? home ?? key, siteURL: home, feedURL: feed, kind: .jsonFeed)
        return (source, Self.names(header.authors, header.author))
    }

    private static func codingPath(of error: DecodingError) -> [any CodingKey] {
        switch error {
        case .keyNotFound(let key, let context): context.codingPath + [key]
        case .valueNotFound(_, let context), .typeMismatch(_, let context), .dataCorrupted(let context): context.codingPath
        @unknown default: []
        }
    }

    /// The names of 1.1 `authors`, else of 1.0's single `author`.
    private static func names(_ authors: [JSONFeedAuthor]?, _ author: JSONFeedAuthor?) -> [String] {
        (authors ?? author.map { [$0] } ?? []).compactMap { $0.name.map(PlainText.collapsed) }.filter { !$0.isEmpty }
    }

    /// The body is `content_html` sanitised, else `content_text`; the title has its character
    /// references decoded (feeds write `&amp;` in JSON too); an item without a title takes the
    /// start of its text, else its link; the summary is kept as short plain text; an item
    /// without authors has the feed's. Nil for an item with no title, text or link (an
    /// item showing only an `image` is titled by its date).
    private func draft(_ item: JSONFeedItem, line: Int, source: SourceDraft, feedAuthors: [String]) -> ArticleDraft? {
        let guid = PlainText.collapsed(item.id.value)
        let url = item.url.map(PlainText.collapsed).flatMap { link in
            link.isEmpty ? nil : FeedLink.resolve(link, against: source.siteURL ?? source.feedURL)
        }
        let contentHTML = item.contentHTML.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        var (html, text) = contentHTML.map { HTMLText.sanitize($0, baseURL: url ?? source.siteURL) }
            ?? item.contentText.map { FeedText(kind: .text, value: $0).body(base: nil) }
            ?? ("", "")
        if let image = item.image.map(PlainText.collapsed), !image.isEmpty, !html.contains("<img") {
            // A photo-only item shows its `image`, sanitised like any body.
            let src = HTMLText.escape(FeedLink.resolve(image, against: url ?? source.siteURL))
            html = HTMLText.sanitize("<p><img src=\"\(src)\" alt=\"\"></p>").html + html
        }
        var title = PlainText.collapsed(HTMLText.decodingReferences(item.title ?? ""))
        if title.isEmpty { title = PlainText.title(fromText: text) }
        if title.isEmpty, let url { title = FeedEntry.title(fromLink: url) }
        if title.isEmpty, html.contains("<img"), let date = item.datePublished { title = PlainText.collapsed(date) }
        guard !title.isEmpty else { return nil }
        let names = Self.names(item.authors, item.author)
        let authors = names.isEmpty ? feedAuthors : names
        let summary = item.summary.map { PlainText.shortened(PlainText.collapsed($0), limit: PlainText.summaryLimit) }
        let updated = item.dateModified.flatMap(FeedDate.parse)
        return ArticleDraft(
            source: source, guid: guid,
            url: url, title: title, author: authors.isEmpty ? nil : authors.joined(separator: ", "),
            published: item.datePublished.flatMap(FeedDate.parse) ?? updated, updated: updated,
            summary: summary?.isEmpty == false ? summary : nil,
            html: html, text: text, line: line
        )
    }
}
