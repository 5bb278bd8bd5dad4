import Foundation
import ReaderModels

/// The Atom form of a stream, `GET /reader/atom/<stream>`, which older clients read. Each
/// entry's `<id>` is the item's long-form id, which those clients send back to `edit-tag`.
enum GReaderAtom {
    static func feed(stream: GReaderStream, items: [GReaderItem], continuation: Int64?, updatedMillis: Int64) -> String {
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:gr="http://www.google.com/schemas/reader/atom/">
            <id>tag:google.com,2005:reader/\(escape(stream.id))</id>
            <title>\(escape(stream.id))</title>
            <updated>\(Timestamp.format(millis: updatedMillis))</updated>

            """
        if let continuation { xml += "<gr:continuation>\(continuation)</gr:continuation>\n" }
        for item in items { xml += entry(item) }
        return xml + "</feed>\n"
    }

    private static func entry(_ item: GReaderItem) -> String {
        var xml = "<entry gr:crawl-timestamp-msec=\"\(item.crawledMillis)\">\n"
        xml += "<id>\(GReaderItemID.long(item.id))</id>\n"
        xml += "<title type=\"html\">\(escape(item.title))</title>\n"
        xml += "<published>\(Timestamp.format(millis: item.publishedMillis))</published>\n"
        xml += "<updated>\(Timestamp.format(millis: item.updatedMillis ?? item.publishedMillis))</updated>\n"
        if let url = item.url { xml += "<link rel=\"alternate\" type=\"text/html\" href=\"\(escape(url))\"/>\n" }
        if let author = item.author { xml += "<author><name>\(escape(author))</name></author>\n" }
        // The state's last word goes in `label`, as on Google Reader: clients such as
        // newsboat read the state from it. An unread item is `fresh`, so a client takes an
        // item marked unread elsewhere as unread again.
        var states = ["reading-list", item.read ? "read" : "fresh"]
        if item.starred { states.append("starred") }
        for state in states {
            xml += "<category term=\"\(GReaderStream.statePrefix)\(state)\" scheme=\"http://www.google.com/reader/\" label=\"\(state)\"/>\n"
        }
        for label in item.labels {
            xml += "<category term=\"\(escape(GReaderStream.label(label).id))\" scheme=\"http://www.google.com/reader/\" label=\"\(escape(label))\"/>\n"
        }
        xml += "<content type=\"html\">\(escape(item.html))</content>\n"
        xml += "<source gr:stream-id=\"\(escape(GReaderStream.feed(item.feedURL).id))\"><title>\(escape(item.feedTitle))</title>"
        if let site = item.siteURL { xml += "<link rel=\"alternate\" href=\"\(escape(site))\"/>" }
        return xml + "</source>\n</entry>\n"
    }

    /// Text for XML content and attributes. Characters XML 1.0 cannot carry at all (most
    /// controls) are dropped, so a stored title with one cannot make the document unreadable.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
