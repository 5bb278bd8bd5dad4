import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ReaderModels

/// Reads RSS 0.9x, 1.0 (RDF) and 2.0, and Atom 0.3 and 1.0 through Foundation's `XMLParser`, which pulls the
/// file through an `InputStream` in 128 KiB chunks, so only the item being read is held.
///
/// Namespaces are processed, so `content:encoded`, `dc:creator`, `dc:date` and `atom:link`
/// are recognised whatever prefix a feed gives them. External entities are never resolved,
/// and a document whose DOCTYPE declares entities is refused before parsing (``XMLSafety``).
/// Channel or feed metadata (title, links, id, authors) is taken from what precedes the
/// first item, which is where feeds put it: items are handed on as they are read. A feed
/// with none of it there is keyed by its URL, else its file, and a title that comes after the
/// items is in the returned source. An item with nothing to show is counted, not refused.
final class XMLFeedParser: NSObject, XMLParserDelegate {
    /// Parses the feed at `path`, handing each item to `each` in file order, and returns
    /// whether it was RSS or Atom, the feed's source and the items left out.
    ///
    /// - Parameter baseURL: Where the file came from: its relative links resolve against it,
    ///   and it keys the source when the feed has no self link, as a fetched feed's URL does.
    static func read(path: String, baseURL: String?, each: (ArticleDraft) throws -> Void) throws -> FeedReadResult {
        try FileChunks.checkReadable(path)
        // The safety check reads the prolog as the parser will: repaired.
        let raw = try FileChunks.prefix(of: path, count: 2 * XMLSafety.prologLimit)
        // A document declared windows-1252 (or read as it) reaches libxml2 as UTF-8, since
        // libxml2 crashes on bytes windows-1252 leaves unassigned; so does UTF-16 or UTF-32,
        // so that repair and the safety check read UTF-8 only. UTF-8 passes as it is.
        let wide = WideUnicode.detect(raw)
        let decoding = wide == nil && Windows1252.isDeclared(inPrefix: raw)
        let head: [UInt8]
        if let wide {
            var decoder = WideUnicode.Decoder(encoding: wide.encoding, markLength: wide.markLength)
            head = decoder.decode(raw[...], final: raw.count < 2 * XMLSafety.prologLimit)
        } else {
            head = decoding ? Windows1252.utf8XML(raw) : raw
        }
        let mode = XMLRepair.mode(forPrefix: head)
        var repair = XMLRepair(mode: mode)
        var prolog = repair.process(head[...], final: raw.count < 2 * XMLSafety.prologLimit)
        if prolog.count < XMLSafety.prologLimit && raw.count == 2 * XMLSafety.prologLimit { prolog = head }
        if let reason = XMLSafety.problem(inPrologOf: prolog.prefix(XMLSafety.prologLimit)) {
            throw FeedImportError(file: path, line: 1, reason: reason)
        }
        if try EmptyProcessingInstruction.isIn(file: path) {
            throw FeedImportError(file: path, reason: EmptyProcessingInstruction.reason)
        }
        guard let stream = InputStream(fileAtPath: path) else {
            throw FeedImportError(file: path, reason: "cannot be opened")
        }
        let decoded: InputStream = if let wide {
            DecodingInputStream(
                base: stream, prefixLength: raw.count,
                decoder: WideUnicode.Decoder(encoding: wide.encoding, markLength: wide.markLength)
            )
        } else if decoding {
            DecodingInputStream(base: stream, prefixLength: raw.count, decoder: Windows1252Decoder())
        } else {
            stream
        }
        let repaired = RepairingInputStream(base: decoded, mode: mode)
        return try run(XMLParser(stream: repaired), file: path, documentURL: baseURL, sourceKey: nil, each: each)
    }

    /// Parses a feed held in memory (already UTF-8, or in the encoding its prolog declares).
    ///
    /// The parser reads the bytes in place, repaired (``XMLRepair``) a chunk at a time as it
    /// goes, through ``RepairingInputStream``: no copy of the document is made. A refresh
    /// parses two feeds at once while it writes a third, so each copy not made is memory a
    /// refresh does not peak at. The checks read what the parser will: the prolog
    /// (``XMLSafety``) repaired, as a file's is, and the whole document for
    /// ``EmptyProcessingInstruction`` as it is, which that check is made to do.
    ///
    /// - Parameters:
    ///   - file: How errors name the feed: its URL, usually.
    ///   - documentURL: Where the document came from; relative links and `xml:base` resolve
    ///     against it.
    ///   - sourceKey: When given, the key of the articles' source, in place of the one the
    ///     feed's own links would give (a subscription keeps its key when its URL moves).
    static func read(
        bytes: [UInt8], file: String, documentURL: String?, sourceKey: String?, each: (ArticleDraft) throws -> Void
    ) throws -> FeedReadResult {
        let mode = XMLRepair.mode(forPrefix: bytes)
        // Repair holds back at most an entity name's worth at the end of a piece, so the
        // first `prologLimit` bytes of a piece twice as long are what the parser reads.
        var repair = XMLRepair(mode: mode)
        let head = bytes.prefix(2 * XMLSafety.prologLimit)
        let prolog = repair.process(head, final: head.count == bytes.count).prefix(XMLSafety.prologLimit)
        if let reason = XMLSafety.problem(inPrologOf: prolog) {
            throw FeedImportError(file: file, line: 1, reason: reason)
        }
        if EmptyProcessingInstruction.isIn(bytes) {
            throw FeedImportError(file: file, reason: EmptyProcessingInstruction.reason)
        }
        // Through a stream, as files are: `XMLParser(data:)` hands libxml2 the whole document
        // at once, which it refuses past 10 MB ("huge input lookup").
        let stream = RepairingInputStream(base: ByteInputStream(bytes), mode: mode)
        return try run(XMLParser(stream: stream), file: file, documentURL: documentURL, sourceKey: sourceKey, each: each)
    }

    private static func run(
        _ parser: XMLParser, file: String, documentURL: String?, sourceKey: String?, each: (ArticleDraft) throws -> Void
    ) throws -> FeedReadResult {
        try withoutActuallyEscaping(each) { each in
            let reader = XMLFeedParser(file: file, emit: each)
            reader.documentURL = documentURL
            reader.sourceKey = sourceKey
            parser.shouldProcessNamespaces = true
            parser.shouldResolveExternalEntities = false
            parser.delegate = reader
            let finished = parser.parse()
            parser.delegate = nil
            return try reader.result(finished: finished, parser: parser)
        }
    }

    /// What the characters being read belong to.
    private enum Field {
        case title(FeedText.Kind), link, guid(isPermaLink: Bool), id, content(FeedText.Kind)
        case summary(FeedText.Kind), dcDescription, author, rssAuthor, itunesAuthor, published, dcDate, updated
        case feedTitle(FeedText.Kind), feedLink, feedID, feedAuthor, feedItunesAuthor
        case mediaTitle, mediaDescription(FeedText.Kind)
    }

    private struct Capture {
        var field: Field
        /// The depth of the field's element in `stack`.
        var depth: Int
        /// Whether child elements are XHTML to write out as HTML (Atom `type="xhtml"`).
        var xhtml: Bool
        /// Whether the text is base64 (Atom 0.3 `mode="base64"`), decoded when it ends.
        var base64 = false
    }

    private struct Open {
        var tag: FeedTag
        var name: String
        var line: Int
        /// The `xml:base` in scope, resolved.
        var base: String?
    }

    private let file: String
    private let emit: (ArticleDraft) throws -> Void
    private var format: FeedFormat?
    /// Whether the root is `<rss>`, which must hold a `<channel>` (or, read liberally, items).
    private var rssRoot = false
    private var sawChannel = false
    private var sawEntry = false
    private var skips = SkipTally()
    private var stack: [Open] = []
    private var head = FeedHead()
    private var source: SourceDraft?
    private var entry: FeedEntry?
    private var entryDepth = 0
    private var capture: Capture?
    private var text = ""
    private var failure: (any Error)?
    /// Where the document was fetched from: the base of its relative links.
    private var documentURL: String?
    private var sourceKey: String?

    private init(file: String, emit: @escaping (ArticleDraft) throws -> Void) {
        self.file = file
        self.emit = emit
    }

    private func result(finished: Bool, parser: XMLParser) throws -> FeedReadResult {
        if let failure { throw failure }
        if !finished, let error = parser.parserError as NSError? {
            let reason = error.domain == XMLParser.errorDomain
                ? XMLParseFailure.reason(code: error.code, innermost: innermost, sawRoot: format != nil)
                : "could not be read: \(error.localizedDescription)"
            throw FeedImportError(file: file, line: parser.lineNumber, reason: reason)
        }
        guard let format else { throw FeedImportError(file: file, reason: "the file is empty or is not XML") }
        if rssRoot && !sawChannel && !sawEntry {
            let reason = "the <rss> element holds no <channel> and no items, so there is nothing to import (RSS puts them in <rss><channel>)"
            throw FeedImportError(file: file, reason: reason)
        }
        // A channel title met after the items names the source at the end.
        var final = source
        if let title = head.title, !title.isEmpty { final?.title = title }
        return FeedReadResult(format: format, source: final, skipped: skips.groups)
    }

    private var innermost: XMLParseFailure.OpenElement? {
        stack.last.map { XMLParseFailure.OpenElement(name: $0.name, line: $0.line) }
    }

    private func fail(_ error: any Error, _ parser: XMLParser) {
        if failure == nil { failure = error }
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        let code = (parseError as NSError).code
        guard failure == nil, XMLParseFailure.isFatal(code) else { return }
        let reason = XMLParseFailure.reason(code: code, innermost: innermost, sawRoot: format != nil)
        fail(FeedImportError(file: file, line: parser.lineNumber, reason: reason), parser)
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String]
    ) {
        guard failure == nil else { return }
        let tag = FeedTag(elementName, namespace: namespaceURI)
        let parentBase = stack.last?.base ?? documentURL
        let base = attributes["xml:base"].map { FeedLink.resolve($0, against: parentBase) } ?? parentBase
        stack.append(Open(tag: tag, name: qualifiedName ?? elementName, line: parser.lineNumber, base: base))
        if let capture {
            if capture.xhtml && !isXHTMLWrapper(elementName, capture) { writeXHTMLStart(elementName, attributes) }
            return
        }
        guard stack.count > 1 else { return root(tag, elementName, namespaceURI, parser) }
        let parent = stack[stack.count - 2].tag
        if entry != nil {
            if case .media(let name) = tag {
                startMedia(name, attributes)
            } else if stack.count == entryDepth + 1 {
                startEntryField(tag, attributes)
            } else if stack.count == entryDepth + 2, parent == .atom("author"), tag == .atom("name") {
                begin(.author)
            }
        } else if tag == .rss("item") && (parent == .rss("channel") || parent == .rdf("RDF") || isTopLevel(parent, .rss("rss")))
                    || tag == .atom("entry") && stack.count == 2 {
            startEntry(parser, attributes)
        } else if tag == .rss("channel") && stack.count == 2 {
            sawChannel = true
        } else if parent == .rss("channel") || isTopLevel(parent, .rss("rss")) || isTopLevel(parent, .atom("feed")) {
            startHeadField(tag, attributes)
        } else if stack.count == 3, parent == .atom("author"), tag == .atom("name") {
            begin(.feedAuthor)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard let capture else { return }
        text += capture.xhtml ? HTMLText.escape(string) : string
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        self.parser(parser, foundCharacters: String(decoding: block, as: UTF8.self))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard failure == nil, !stack.isEmpty else { return }
        defer { stack.removeLast() }
        if let capture {
            if stack.count > capture.depth {
                if capture.xhtml && !isXHTMLWrapper(elementName, capture) { text += "</" + elementName + ">" }
            } else {
                if capture.base64 { text = Self.decodedBase64(text) }
                finish(capture.field)
                self.capture = nil
                text = ""
            }
        } else if entry != nil && stack.count == entryDepth {
            finishEntry(parser)
        }
    }

    /// Whether `parent`, the parent of the element just opened, is `root` as the document's
    /// root: an `<rss>` without a `<channel>` holds its title and items itself, as some do.
    private func isTopLevel(_ parent: FeedTag, _ root: FeedTag) -> Bool {
        stack.count == 2 && parent == root
    }

    private func root(_ tag: FeedTag, _ localName: String, _ namespace: String?, _ parser: XMLParser) {
        switch tag {
        case .rss("rss"):
            format = .rss
            rssRoot = true
        case .rdf("RDF"): format = .rss
        case .atom("feed"): format = .atom
        case .rss("feed"):
            let reason = "the <feed> root element is not in the Atom 1.0 namespace (xmlns=\"http://www.w3.org/2005/Atom\")"
            fail(FeedImportError(file: file, line: parser.lineNumber, reason: reason), parser)
        default:
            let name = stack.last?.name ?? localName
            let reason = if ["rss", "RDF", "feed"].contains(localName), let namespace, !namespace.isEmpty {
                // Named like a feed, but in a vocabulary no feed format uses.
                "the root element <\(name)> is in the namespace \"\(namespace)\", which is not RSS's or Atom's: this is not an RSS or Atom feed"
            } else {
                "the root element is <\(name)>, not <rss>, <rdf:RDF> or <feed>: this is not an RSS or Atom feed"
            }
            fail(FeedImportError(file: file, line: parser.lineNumber, reason: reason), parser)
        }
    }

    private func startEntry(_ parser: XMLParser, _ attributes: [String: String]) {
        if source == nil {
            if head.selfLink == nil { head.selfLink = documentURL }
            // A feed that says nothing about itself before its first item is keyed by the
            // file it was read from, and titled by its site or else the file's name until a
            // later title renames it.
            source = head.source(kind: format == .atom ? .atom : .rss)
                ?? SourceDraft(
                    key: URL(fileURLWithPath: file).absoluteString,
                    title: head.link ?? URL(fileURLWithPath: file).lastPathComponent, siteURL: head.link,
                    kind: format == .atom ? .atom : .rss
                )
            if let sourceKey { source?.key = sourceKey }
        }
        sawEntry = true
        entry = FeedEntry(line: parser.lineNumber)
        entry?.about = (attributes["rdf:about"] ?? attributes["about"]).map(PlainText.collapsed).flatMap { $0.isEmpty ? nil : $0 }
        entryDepth = stack.count
    }

    private func startEntryField(_ tag: FeedTag, _ attributes: [String: String]) {
        switch tag {
        case .rss("title"): begin(.title(.html))
        case .rss("link"): begin(.link)
        case .rss("guid"): begin(.guid(isPermaLink: attributes["isPermaLink"]?.lowercased() != "false"))
        case .rss("description"): begin(.summary(.html))
        case .dc("description"): begin(.dcDescription)
        case .xhtml("body"): begin(.content(.html), xhtml: true)
        case .itunes("author"): begin(.itunesAuthor)
        case .rss("author"): begin(.rssAuthor)
        case .rss("pubDate"): begin(.published)
        case .content("encoded"): begin(.content(.html))
        case .dc("creator"): begin(.author)
        case .dc("date"): begin(.dcDate)
        case .atom("id"): begin(.id)
        case .atom("published"), .atom("issued"): begin(.published)
        case .atom("updated"), .atom("modified"): begin(.updated)
        case .atom("created") where entry?.published == nil: begin(.published)
        case .atom("title"): beginText(attributes) { .title($0) }
        case .atom("summary"): beginText(attributes) { .summary($0) }
        case .atom("content") where attributes["src"] == nil: beginText(attributes) { .content($0) }
        case .atom("link"):
            if entry?.link == nil, let href = alternateHref(attributes) { entry?.link = href }
        default: break
        }
    }

    /// Media RSS (`media:thumbnail`, `media:content`, `media:title`, `media:description`),
    /// directly in the entry or inside a `media:group`.
    private func startMedia(_ name: String, _ attributes: [String: String]) {
        let url = attributes["url"].map(PlainText.collapsed).flatMap { $0.isEmpty ? nil : $0 }
            .map { FeedLink.resolve($0, against: documentBase) }
        switch name {
        case "thumbnail":
            if entry?.mediaImage == nil { entry?.mediaImage = url }
        case "content":
            let type = attributes["type"]?.lowercased() ?? ""
            if entry?.mediaImage == nil, attributes["medium"] == "image" || type.hasPrefix("image/") {
                entry?.mediaImage = url
            }
        case "title": begin(.mediaTitle)
        case "description": begin(.mediaDescription(attributes["type"]?.lowercased() == "html" ? .html : .text))
        default: break
        }
    }

    private func startHeadField(_ tag: FeedTag, _ attributes: [String: String]) {
        switch tag {
        case .rss("title"): begin(.feedTitle(.html))
        case .rss("link"): begin(.feedLink)
        case .atom("title"): beginText(attributes) { .feedTitle($0) }
        case .atom("id"): begin(.feedID)
        case .itunes("author"): begin(.feedItunesAuthor)
        case .atom("link"):
            let href = attributes["href"].map { FeedLink.resolve(PlainText.collapsed($0), against: stack.last?.base) }
            if attributes["rel"] == "self" {
                if head.selfLink == nil { head.selfLink = href }
            } else if head.link == nil, let href = alternateHref(attributes) {
                head.link = href
            }
        default: break
        }
    }

    /// The resolved `href` of an Atom link that points at the page itself (no `rel`, or
    /// `rel="alternate"`).
    private func alternateHref(_ attributes: [String: String]) -> String? {
        guard let href = attributes["href"].map(PlainText.collapsed), !href.isEmpty,
              (attributes["rel"] ?? "alternate") == "alternate"
        else { return nil }
        return FeedLink.resolve(href, against: documentBase)
    }

    /// Where relative links point from: `xml:base`, else the site, else the feed itself.
    private var documentBase: String? {
        stack.last?.base ?? head.link ?? head.selfLink
    }

    private func begin(_ field: Field, xhtml: Bool = false, base64: Bool = false) {
        capture = Capture(field: field, depth: stack.count, xhtml: xhtml, base64: base64)
        text = ""
    }

    /// Begins an Atom text construct, whose `type` says whether it is text, HTML or XHTML;
    /// other types (media) are skipped.
    private func beginText(_ attributes: [String: String], _ field: (FeedText.Kind) -> Field) {
        // Atom 0.3 says `mode="xml"` for inline XHTML and `mode="base64"` for encoded bytes,
        // which are text or HTML by their `type`.
        switch attributes["mode"]?.lowercased() {
        case "xml": return begin(field(.html), xhtml: true)
        case "base64":
            switch attributes["type"]?.lowercased() ?? "text/plain" {
            case "text/plain", "text": return begin(field(.text), base64: true)
            case "text/html", "html", "application/xhtml+xml", "xhtml": return begin(field(.html), base64: true)
            default: return
            }
        default: break
        }
        switch attributes["type"]?.lowercased() ?? "text" {
        case "text", "text/plain": begin(field(.text))
        case "html", "text/html": begin(field(.html))
        case "xhtml", "application/xhtml+xml": begin(field(.html), xhtml: true)
        default: break
        }
    }

    /// The `div` that wraps Atom XHTML content is no part of it.
    private func isXHTMLWrapper(_ name: String, _ capture: Capture) -> Bool {
        stack.count == capture.depth + 1 && name == "div"
    }

    private func writeXHTMLStart(_ name: String, _ attributes: [String: String]) {
        text += "<" + name
        // Sorted, because dictionary order changes from run to run and the HTML must not.
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) where !key.hasPrefix("xmlns") {
            text += " " + key + "=\"" + HTMLText.escape(value) + "\""
        }
        text += ">"
    }

    private func finish(_ field: Field) {
        // Only short fields are collapsed; bodies keep their text for the sanitiser.
        var nonEmpty: String? {
            let value = PlainText.collapsed(text)
            return value.isEmpty ? nil : value
        }
        switch field {
        case .title(let kind): entry?.title = FeedText(kind: kind, value: text)
        case .content(let kind): entry?.content = FeedText(kind: kind, value: text, base: stack.last?.base)
        case .summary(let kind): entry?.summary = FeedText(kind: kind, value: text, base: stack.last?.base)
        case .link: entry?.link = nonEmpty.map { FeedLink.resolve($0, against: documentBase) }
        case .id: entry?.id = nonEmpty
        case .guid(let isPermaLink):
            let guid = nonEmpty
            entry?.id = guid
            if isPermaLink, let guid, guid.hasPrefix("http") { entry?.permalink = guid }
        case .author: if let name = nonEmpty { entry?.authors.append(name) }
        case .rssAuthor: entry?.rssAuthor = nonEmpty
        case .itunesAuthor: entry?.itunesAuthor = nonEmpty
        case .dcDescription:
            // RSS's own description wins; `dc:description` stands in for it.
            if entry?.summary == nil { entry?.summary = FeedText(kind: .html, value: text, base: stack.last?.base) }
        case .feedItunesAuthor: if head.authors.isEmpty, let name = nonEmpty { head.authors.append(name) }
        case .published: entry?.published = nonEmpty
        case .dcDate: entry?.dcDate = nonEmpty
        case .updated: entry?.updated = nonEmpty
        case .feedTitle(let kind): head.title = FeedText(kind: kind, value: text).plain
        case .feedLink: head.link = nonEmpty.map { FeedLink.resolve($0, against: stack.last?.base) }
        case .feedID: head.id = nonEmpty
        case .feedAuthor: if let name = nonEmpty { head.authors.append(name) }
        case .mediaTitle: if entry?.mediaTitle == nil { entry?.mediaTitle = nonEmpty }
        case .mediaDescription(let kind):
            if entry?.mediaDescription == nil, nonEmpty != nil {
                entry?.mediaDescription = FeedText(kind: kind, value: text, base: stack.last?.base)
            }
        }
    }

    private func finishEntry(_ parser: XMLParser) {
        guard var entry, let source else { return }
        self.entry = nil
        entry.inherited = head.authors
        guard let draft = entry.draft(source: source) else {
            let detail = entry.skipDetail(noun: format == .atom ? "entry" : "item")
            return skips.add(.empty, line: entry.line, detail: detail)
        }
        do {
            try emit(draft)
        } catch {
            fail(error, parser)
        }
    }

    /// Base64 text as the UTF-8 it encodes; line breaks and spaces inside are ignored, and
    /// text that is not base64 is empty.
    private static func decodedBase64(_ text: String) -> String {
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
