import Foundation
import ReaderFeeds
import Testing

/// Charsets from the prolog or the HTTP header, transcoded before parsing.
@Suite struct FeedEncodingTests {
    /// An RSS document whose item title is `title`, in `bytes` the caller encodes.
    static func rss(prolog: String, title: [UInt8]) -> [UInt8] {
        Array("\(prolog)<rss version=\"2.0\"><channel><title>Cafe</title><link>https://cafe.example/</link><item><guid>1</guid><title>".utf8)
            + title + Array("</title></item></channel></rss>".utf8)
    }

    @Test func transcodesLatin1DeclaredInProlog() throws {
        let bytes = Self.rss(prolog: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", title: [0x43, 0x61, 0x66, 0xE9])
        #expect(try FeedDocument.parse(bytes, url: "https://cafe.example/rss").entries[0].title == "Café")
    }

    @Test func transcodesWindows1252DeclaredInProlog() throws {
        // 0x93 and 0x94 are curly quotes and 0x80 the euro sign in windows-1252 only.
        let bytes = Self.rss(prolog: "<?xml version=\"1.0\" encoding=\"windows-1252\"?>", title: [0x93, 0x35, 0x80, 0x94])
        #expect(try FeedDocument.parse(bytes, url: "https://cafe.example/rss").entries[0].title == "\u{201C}5€\u{201D}")
    }

    @Test func usesTheHTTPCharsetWhenThePrologIsSilent() throws {
        let bytes = Self.rss(prolog: "<?xml version=\"1.0\"?>", title: [0x4E, 0x61, 0xEF, 0x76, 0x65])
        let feed = try FeedDocument.parse(bytes, url: "https://cafe.example/rss", contentType: "application/rss+xml; charset=ISO-8859-1")
        #expect(feed.entries[0].title == "Naïve")
    }

    @Test func theHTTPCharsetOverridesTheProlog() throws {
        let bytes = Self.rss(prolog: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", title: [0x80])
        let feed = try FeedDocument.parse(bytes, url: "https://cafe.example/rss", contentType: "text/xml; charset=windows-1252")
        #expect(feed.entries[0].title == "€")
    }

    @Test func keepsValidUTF8WhenTheHeaderWronglySaysLatin1() throws {
        let bytes = Self.rss(prolog: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", title: Array("Café".utf8))
        let feed = try FeedDocument.parse(bytes, url: "https://cafe.example/rss", contentType: "text/xml; charset=iso-8859-1")
        #expect(feed.entries[0].title == "Café")
    }

    @Test func invalidBytesInAFeedDeclaredUTF8BecomeReplacementCharacters() throws {
        // "Café " in UTF-8, then a lone 0xE9: Latin-1 would make the é "Ã©".
        let title: [UInt8] = Array("Café ".utf8) + [0xE9]
        let declared = Self.rss(prolog: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", title: title)
        #expect(try FeedDocument.parse(declared, url: "https://cafe.example/rss").entries[0].title == "Café \u{FFFD}")
        let labelled = Self.rss(prolog: "", title: title)
        let feed = try FeedDocument.parse(labelled, url: "https://cafe.example/rss", contentType: "application/rss+xml; charset=utf-8")
        #expect(feed.entries[0].title == "Café \u{FFFD}")
    }

    @Test func readsInvalidUTF8AsWindows1252WhenNothingDeclaresACharset() throws {
        let bytes = Self.rss(prolog: "", title: [0x43, 0x61, 0x66, 0xE9])
        #expect(try FeedDocument.parse(bytes, url: "https://cafe.example/rss").entries[0].title == "Café")
    }

    @Test func readsTheCharsetParameter() {
        #expect(FeedEncoding.charset(ofContentType: "text/xml; charset=\"UTF-8\"") == "UTF-8")
        #expect(FeedEncoding.charset(ofContentType: "text/xml") == nil)
    }
}
