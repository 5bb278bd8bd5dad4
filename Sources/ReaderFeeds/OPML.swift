import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A feed listed in an OPML subscription list.
public struct OPMLFeed: Sendable, Hashable, Codable {
    /// The feed's URL (`xmlUrl`).
    public var url: String
    /// The outline's `title`, else its `text`.
    public var title: String?
    /// The site (`htmlUrl`).
    public var siteURL: String?
    /// The folders the outline sits in, outermost first, then its `category` values; no
    /// duplicates.
    public var tags: [String]

    /// Creates an entry.
    public init(url: String, title: String? = nil, siteURL: String? = nil, tags: [String] = []) {
        self.url = url
        self.title = title
        self.siteURL = siteURL
        self.tags = tags
    }
}

/// OPML 1.0 and 2.0 subscription lists, as feed readers import and export them.
///
/// Import: every `outline` with an `xmlUrl` is a feed (any `type`, since OPML 1.0 files
/// write `rss` and others nothing); an outline without one is a folder whose text becomes a
/// tag of the feeds inside it, at any depth. OPML 2.0's `category` attribute
/// (`/News/Science,/Tech`) adds its last path segments as tags. A URL listed twice is one feed
/// with the tags of both. Export writes OPML 2.0: each feed in the folder of its first tag,
/// with every tag in `category`, so an export imports back to the same feeds and tags.
public enum OPML {
    /// The feeds in the OPML document `bytes`; `file` names it in errors.
    public static func parse(_ bytes: [UInt8], file: String) throws(FeedImportError) -> [OPMLFeed] {
        // libxml2 is given UTF-8 only, as feeds are: its own switch to UTF-16 crashed on a
        // document that starts UTF-16 and breaks off in a DOCTYPE (found by Fuzz/OPML).
        let bytes = WideUnicode.utf8XML(ofDocument: bytes) ?? bytes
        if let reason = XMLSafety.problem(inPrologOf: bytes.prefix(XMLSafety.prologLimit)) {
            throw FeedImportError(file: file, line: 1, reason: reason)
        }
        if EmptyProcessingInstruction.isIn(bytes) {
            throw FeedImportError(file: file, reason: EmptyProcessingInstruction.reason)
        }
        let reader = OPMLReader()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        let finished = parser.parse()
        parser.delegate = nil
        // The reader aborts on a root that is not <opml>, which libxml2 reports as an error too.
        if reader.sawOtherRoot {
            throw FeedImportError(file: file, line: 1, reason: "not an OPML file: the root element is not <opml>")
        }
        // Errors come from the delegate (which sees them all, truncation included) else from
        // the parser's final state.
        let failure = reader.failure ?? (finished ? nil : (parser.parserError as NSError?).map { ($0.code, parser.lineNumber) })
        if let (code, line) = failure, XMLParseFailure.isFatal(code) {
            let reason = XMLParseFailure.reason(code: code, innermost: nil, sawRoot: reader.sawRoot)
            throw FeedImportError(file: file, line: line, reason: reason)
        }
        guard reader.sawRoot else {
            throw FeedImportError(file: file, line: 1, reason: "not an OPML file: the root element is not <opml>")
        }
        return reader.feeds
    }

    /// An OPML 2.0 document listing `feeds`.
    public static func export(_ feeds: [OPMLFeed], title: String = "reader subscriptions", date: Date = Date()) -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="2.0">
              <head>
                <title>\(escape(title))</title>
                <dateCreated>\(rfc822(date))</dateCreated>
              </head>
              <body>

            """
        // Groups in the order they first appear (feeds with no tag being one group at the top
        // level), so that importing the export gives the feeds back in the same order.
        var order: [String?] = []
        var grouped: [String?: [OPMLFeed]] = [:]
        for feed in feeds {
            let folder = feed.tags.first
            if grouped[folder] == nil { order.append(folder) }
            grouped[folder, default: []].append(feed)
        }
        for folder in order {
            guard let folder else {
                for feed in grouped[nil] ?? [] { out += outline(feed, indent: "    ") }
                continue
            }
            out += "    <outline text=\"\(escape(folder))\" title=\"\(escape(folder))\">\n"
            for feed in grouped[folder] ?? [] { out += outline(feed, indent: "      ") }
            out += "    </outline>\n"
        }
        out += "  </body>\n</opml>\n"
        return out
    }

    private static func outline(_ feed: OPMLFeed, indent: String) -> String {
        let title = escape(feed.title ?? feed.url)
        var line = "\(indent)<outline type=\"rss\" text=\"\(title)\" title=\"\(title)\" xmlUrl=\"\(escape(feed.url))\""
        if let site = feed.siteURL { line += " htmlUrl=\"\(escape(site))\"" }
        if !feed.tags.isEmpty {
            line += " category=\"\(escape(feed.tags.map { "/" + $0.replacingOccurrences(of: ",", with: " ") }.joined(separator: ",")))\""
        }
        return line + "/>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func rfc822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

/// The delegate behind ``OPML/parse(_:file:)``.
private final class OPMLReader: NSObject, XMLParserDelegate {
    var feeds: [OPMLFeed] = []
    var sawRoot = false
    /// The root element was something else.
    var sawOtherRoot = false
    /// The first fatal parse error: libxml2's code and the line.
    var failure: (code: Int, line: Int)?
    private var depth = 0
    /// For each open outline: the folder name it adds, if it is a folder.
    private var outlines: [String?] = []
    private var index: [String: Int] = [:]

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String]
    ) {
        depth += 1
        if depth == 1 {
            sawRoot = elementName.lowercased() == "opml"
            if !sawRoot {
                sawOtherRoot = true
                parser.abortParsing()
            }
            return
        }
        guard elementName.lowercased() == "outline" else { return }
        // Attribute names vary in case between exporters (xmlUrl, xmlURL, XMLURL).
        var lowered: [String: String] = [:]
        for (key, value) in attributes { lowered[key.lowercased()] = value }
        func value(_ key: String) -> String? {
            lowered[key].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let title = value("title") ?? value("text")
        guard let url = value("xmlurl") ?? value("url").flatMap({ lowered["type"]?.lowercased() == "rss" ? $0 : nil }) else {
            outlines.append(title)
            return
        }
        outlines.append(nil)
        var tags = outlines.compactMap { $0 }
        for category in (value("category") ?? "").split(separator: ",") {
            if let last = category.split(separator: "/").last.map({ $0.trimmingCharacters(in: .whitespaces) }), !last.isEmpty {
                tags.append(last)
            }
        }
        if let existing = index[url] {
            for tag in tags where !feeds[existing].tags.contains(tag) { feeds[existing].tags.append(tag) }
            return
        }
        var unique: [String] = []
        for tag in tags where !unique.contains(tag) { unique.append(tag) }
        index[url] = feeds.count
        feeds.append(OPMLFeed(url: url, title: title, siteURL: value("htmlurl"), tags: unique))
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        let code = (parseError as NSError).code
        guard failure == nil, !sawOtherRoot, XMLParseFailure.isFatal(code) else { return }
        failure = (code, parser.lineNumber)
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
        if elementName.lowercased() == "outline", !outlines.isEmpty { outlines.removeLast() }
    }
}
