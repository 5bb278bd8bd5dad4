import Foundation
import ReaderModels

/// Reads JSON Feed 1.1 and 1.0 (https://jsonfeed.org/version/1.1) in two passes over the
/// file, so that a feed of any size is read through a fixed buffer:
///
/// 1. checks the whole document's structure and keeps the few top-level fields that describe
///    the feed, skipping over `items` (these fields may come after it);
/// 2. walks `items`, handing each element's bytes alone to `JSONDecoder`.
///
/// Errors name the line where reading stopped, and for an item its 1-based position:
/// `feed.json:12: item 3: missing "id"`.
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

    func read(_ each: (ArticleDraft) throws -> Void) throws {
        let source = try readSource()
        var scanner = try makeScanner()
        try scanner.expect(0x7B, "at the start: a JSON Feed is an object starting with '{'")
        while try scanner.string("where a key in quotes should be") != Array("items".utf8) {
            try scanner.expect(0x3A, "after a key, where ':' should be")
            try scanner.skipValue()
            try scanner.expect(0x2C, "where ',' should be")
        }
        try scanner.expect(0x3A, "after a key, where ':' should be")
        try scanner.expect(0x5B, "where the items array should start")
        if try scanner.peek() == 0x5D { return }
        let decoder = JSONDecoder()
        for number in 1... {
            _ = try scanner.peek()
            let line = scanner.line
            scanner.beginCapture()
            try scanner.skipValue()
            let bytes = Data(scanner.endCapture())
            let item: JSONFeedItem
            do {
                item = try decoder.decode(JSONFeedItem.self, from: bytes)
            } catch let error as DecodingError {
                throw FeedImportError(file: path, line: line, reason: "item \(number): \(error.feedReason)")
            }
            try each(draft(item, number: number, line: line, source: source))
            guard let next = try scanner.peek() else { throw scanner.endOfFile() }
            scanner.advance()
            if next == 0x5D { return }
            guard next == 0x2C else { throw scanner.unexpected(next, "after item \(number), where ',' or ']' should be") }
        }
    }

    /// The first pass: the feed's structure checked and its own fields read.
    private func readSource() throws -> SourceDraft {
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

    private func source(from fields: [(key: [UInt8], line: Int, value: [UInt8])]) throws -> SourceDraft {
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
        let title = header.title.map(PlainText.collapsed).flatMap { $0.isEmpty ? nil : $0 }
        let home = header.homePageURL.map(PlainText.collapsed).flatMap { $0.isEmpty ? nil : FeedLink.resolve($0, against: documentURL) }
        let feed = header.feedURL.map(PlainText.collapsed).flatMap { $0.isEmpty ? nil : FeedLink.resolve($0, against: documentURL) } ?? documentURL
        guard let key = sourceKey ?? feed ?? home ?? title else {
            throw FeedImportError(file: path, reason: "the feed has no title, home_page_url or feed_url to identify it")
        }
        return SourceDraft(key: key, title: title ?? home ?? key, siteURL: home, feedURL: feed, kind: .jsonFeed)
    }

    private static func codingPath(of error: DecodingError) -> [any CodingKey] {
        switch error {
        case .keyNotFound(let key, let context): context.codingPath + [key]
        case .valueNotFound(_, let context), .typeMismatch(_, let context), .dataCorrupted(let context): context.codingPath
        @unknown default: []
        }
    }

    /// The body is `content_html` sanitised, else `content_text`; an item without a title takes
    /// the start of its text; the summary is kept as short plain text.
    private func draft(_ item: JSONFeedItem, number: Int, line: Int, source: SourceDraft) throws -> ArticleDraft {
        func fail(_ reason: String) -> FeedImportError {
            FeedImportError(file: path, line: line, reason: "item \(number): \(reason)")
        }
        let guid = PlainText.collapsed(item.id.value)
        guard !guid.isEmpty else { throw fail("\"id\" is empty") }
        let url = item.url.map(PlainText.collapsed).flatMap { link in
            link.isEmpty ? nil : FeedLink.resolve(link, against: source.siteURL ?? source.feedURL)
        }
        let contentHTML = item.contentHTML.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        let (html, text) = contentHTML.map { HTMLText.sanitize($0, baseURL: url ?? source.siteURL) }
            ?? item.contentText.map { FeedText(kind: .text, value: $0).body(base: nil) }
            ?? ("", "")
        var title = PlainText.collapsed(item.title ?? "")
        if title.isEmpty { title = PlainText.title(fromText: text) }
        guard !title.isEmpty else { throw fail("has neither title nor content") }
        let names = (item.authors ?? item.author.map { [$0] } ?? [])
            .compactMap { $0.name.map(PlainText.collapsed) }.filter { !$0.isEmpty }
        let summary = item.summary.map { PlainText.shortened(PlainText.collapsed($0), limit: PlainText.summaryLimit) }
        let updated = item.dateModified.flatMap(FeedDate.parse)
        return ArticleDraft(
            source: source, guid: guid,
            url: url, title: title, author: names.isEmpty ? nil : names.joined(separator: ", "),
            published: item.datePublished.flatMap(FeedDate.parse) ?? updated, updated: updated,
            summary: summary?.isEmpty == false ? summary : nil,
            html: html, text: text, line: line
        )
    }
}
