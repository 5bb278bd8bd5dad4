import Foundation
import ReaderFeeds
import Testing

/// Entity expansion and external entities are refused before the parser sees them.
@Suite struct XMLSafetyTests {
    /// Refused on reading the DOCTYPE, before any entity is expanded: the reason names it.
    @Test func rejectsBillionLaughsFromMemoryBeforeExpandingIt() throws {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: Fixture.path("billion-laughs.xml"))))
        #expect {
            try FeedDocument.parse(bytes, url: "https://laughs.example/feed")
        } throws: { error in
            "\(error)".contains("declares entities in its DOCTYPE")
        }
    }

    @Test func rejectsBillionLaughsFromAFile() {
        #expect {
            try Fixture.drafts("billion-laughs.xml")
        } throws: { error in
            "\(error)".hasSuffix("billion-laughs.xml:1: the document declares entities in its DOCTYPE, which is refused: "
                + "entity expansion can exhaust memory (the \"billion laughs\" attack), and feeds never need it")
        }
    }

    @Test func rejectsExternalEntities() throws {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: Fixture.path("external-entity.xml"))))
        #expect(throws: FeedImportError.self) { try FeedDocument.parse(bytes, url: "https://leak.example/feed") }
    }

    @Test func acceptsADoctypeNamingOnlyAnExternalDTD() throws {
        #expect(try Fixture.drafts("rss091.xml").count == 1)
    }

    /// Whatever comes before the entities in the internal subset, the scan reads on to them.
    /// Each of these passes a scan that ends the DOCTYPE at its first `>`.
    @Test(arguments: [
        "<!ELEMENT rss ANY>",
        "<!-- a comment > with a bracket ] and a quote ' -->",
        #"<!ATTLIST rss version CDATA "2.0 > 1.0" note CDATA 'a ] b'>"#,
        "<?pi ]> ?>",
        "<!NOTATION gif SYSTEM 'image/gif'> <!ELEMENT item (title, guid)>",
    ])
    func rejectsEntitiesAfterOtherDeclarations(_ before: String) throws {
        #expect(Self.refusal(Self.laughs(before: before)) == Self.entitiesRefused)
    }

    /// An external id's quoted literals may hold `>` and `[`.
    @Test func rejectsEntitiesAfterAnExternalIDHoldingMarkupCharacters() {
        let document = Self.laughs(before: "").replacingOccurrences(
            of: "<!DOCTYPE rss [", with: #"<!DOCTYPE rss PUBLIC "-//x>[y//EN" 'http://a.example/x>.dtd' ["#
        )
        #expect(Self.refusal(document) == Self.entitiesRefused)
    }

    @Test func rejectsAParameterEntityReference() {
        #expect(Self.refusal(Self.feed(doctype: "<!DOCTYPE rss [ %external; ]>")) == Self.entitiesRefused)
    }

    /// A DOCTYPE further in than the examined prefix cannot be checked, so it is refused.
    @Test(arguments: [" ", "<!-- padding -->"])
    func rejectsAPrologLongerThanTheExaminedPrefix(_ padding: String) {
        let count = 70 * 1024 / padding.utf8.count
        let document = Self.laughs(before: "").replacingOccurrences(
            of: "<!DOCTYPE", with: String(repeating: padding, count: count) + "<!DOCTYPE"
        )
        #expect(Self.refusal(document)?.contains("prolog (before its root element) is longer than 64 KB") == true)
    }

    /// UTF-16 is read as the parser reads it, so a DOCTYPE in it is checked like any other.
    @Test(arguments: [true, false])
    func rejectsEntitiesInUTF16(bigEndian: Bool) throws {
        let document = "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!DOCTYPE opml [ <!ENTITY lol \"lol\"> ]>"
            + "<opml version=\"2.0\"><head><title>&lol;</title></head><body/></opml>"
        let bytes = document.utf16.flatMap { unit in
            bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        #expect {
            try OPML.parse(bytes, file: "utf16.opml")
        } throws: { error in
            "\(error)" == "utf16.opml:1: " + Self.entitiesRefused
        }
    }

    /// In encodings such as UTF-7 or ISO-2022-JP, ASCII bytes can be other characters, and
    /// markup the check cannot see can hide in them (`+ADw-` is `<` in UTF-7).
    @Test(arguments: ["UTF-7", "ISO-2022-JP", "UTF-32", "EBCDIC-US"])
    func rejectsEncodingsWhereASCIIBytesMeanSomethingElse(_ encoding: String) {
        let document = "<?xml version=\"1.0\" encoding=\"\(encoding)\"?><!DOCTYPE rss [ +ADw-!ENTITY lol \"lol\"+AD4- ]>"
            + "<rss version=\"2.0\"><channel><title>&lol;</title></channel></rss>"
        let refused = Self.notRead(encoding)
        #expect(Self.refusal(document) == refused)
        #expect(throws: FeedImportError(file: "https://utf7.example/feed", line: 1, reason: refused)) {
            try FeedDocument.parse(Array(document.utf8), url: "https://utf7.example/feed")
        }
    }

    /// Found by fuzzing (Fuzz/XMLFeed): libxml2 crashed (a NULL read in xmlSwitchToEncoding)
    /// on `encoding="UTF8-"`, a name it has no converter for, and it does on bytes the
    /// declared encoding does not assign (0x81 in windows-1252). A file is read only in
    /// encodings where every byte is valid; windows-1252 and US-ASCII are decoded first
    /// (``SingleByteEncodingTests``), and an unknown name is refused.
    @Test(arguments: ["UTF8-", "Shift_JIS", "UTF-16", "cp1252-", "US-ASCII8"])
    func rejectsEncodingsTheParserCannotReadSafely(_ encoding: String) {
        let document = "<?xml version=\"1.0\" encoding=\"\(encoding)\"?>\n"
            + "<rss version=\"2.0\"><channel><title>t\u{81}</title></channel></rss>"
        #expect(Self.refusal(document) == Self.notRead(encoding))
    }

    /// Why a document declaring `encoding` in single bytes is refused: a UTF-16 or UTF-32
    /// document has been decoded before the check, so one that reaches it is not what it says.
    static func notRead(_ encoding: String) -> String {
        guard encoding.hasPrefix("UTF-16") || encoding.hasPrefix("UTF-32") else {
            return "the document declares the encoding \"\(encoding)\", which is not read: use UTF-8"
        }
        return "the document declares the encoding \"\(encoding)\", but its bytes are not \(encoding) (no byte-order mark, "
            + "and <?xml is written one byte a character): declare the encoding it is in, such as UTF-8"
    }

    /// A byte-order mark says UTF-8, so a windows-1252 declaration after it is not decoded:
    /// it is refused rather than handed to libxml2 with windows-1252's unassigned 0x81.
    @Test(arguments: ["windows-1252", "US-ASCII"])
    func rejectsASingleByteDeclarationAfterAUTF8ByteOrderMark(_ encoding: String) throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<?xml version=\"1.0\" encoding=\"\(encoding)\"?>".utf8)
            + Array("<rss version=\"2.0\"><channel><title>t".utf8) + [0x81] + Array("</title></channel></rss>".utf8)
        let path = try Fixture.temporary("bom.xml", bytes)
        #expect(throws: FeedImportError(
            file: path, line: 1, reason: "the document declares the encoding \"\(encoding)\", which is not read: use UTF-8"
        )) {
            try FeedFile.read(path: path, format: .rss) { _ in }
        }
    }

    @Test(arguments: ["UTF-8", "iso-8859-1", "ISO-8859-15", "KOI8-R"])
    func readsEncodingsWhereEveryByteIsValid(_ encoding: String) {
        let document = "<?xml version=\"1.0\" encoding=\"\(encoding)\"?>\n"
            + "<rss version=\"2.0\"><channel><title>t</title><item><title>a</title><guid>g</guid></item></channel></rss>"
        #expect(Self.refusal(document) == nil)
    }

    /// Found by fuzzing (Fuzz/XMLFeed): libxml2 crashed (a NULL read in xmlParseChunk) on a
    /// document starting 00 00 3C 2F, which it takes for UCS-4. Such a start never reaches
    /// libxml2 as it is: it is refused, or, where its zero bytes read as UTF-32 (3C 00 00 00),
    /// decoded to UTF-8 first, after which it is no OPML.
    @Test(arguments: [[0x00, 0x00, 0x3C, 0x2F], [0x3C, 0x00, 0x00, 0x00, 0x72], [0x4C, 0x6F, 0xA7, 0x94]] as [[UInt8]])
    func rejectsDocumentsThatDoNotStartWithASCIIMarkup(_ start: [UInt8]) throws {
        let bytes = start + Array("<rss version=\"2.0\"><channel><title>t</title></channel></rss>".utf8)
        #expect {
            try OPML.parse(bytes, file: "odd.opml")
        } throws: { error in
            "\(error)".contains("does not start with XML markup") || "\(error)".contains("not an OPML file")
        }
        let path = try Fixture.temporary("odd.xml", bytes)
        #expect(throws: FeedImportError.self) { try FeedFile.read(path: path, format: .rss) { _ in } }
    }

    /// Found by fuzzing (Fuzz/FeedDocument): libxml2 crashed (a NULL read in
    /// xmlSwitchToEncoding) on this body, whose declaration names UTF7 and ends with `>`
    /// alone, which the encoding check missed while it looked for `?>`.
    @Test func rejectsAnUnclosedDeclarationNamingAnUnreadEncoding() {
        let body: [UInt8] = Array(#"<?xml version="1." encoding="UTF7"><feed "#.utf8) + [0]
        #expect(throws: FeedImportError(
            file: "https://crash.example/feed", line: 1,
            reason: "the document declares the encoding \"UTF7\", which is not read: use UTF-8"
        )) {
            try FeedDocument.parse(body, url: "https://crash.example/feed")
        }
    }

    @Test(arguments: [
        #"<?xml version="1.0"?><?pi never closed <rss version="2.0"/>"#,
        "<!-- never closed <rss version=\"2.0\"/>",
        #"<!DOCTYPE rss SYSTEM "never closed><rss version="2.0"/>"#,
    ])
    func rejectsAPrologThatIsNotClosed(_ document: String) {
        #expect(Self.refusal(document) == "the document's prolog (before its root element) is malformed: "
            + "a declaration, processing instruction or comment in it is not closed")
    }

    @Test func rejectsASecondXMLDeclaration() {
        let document = #"<?xml version="1.0"?> <?xml version="1.0" encoding="UTF-8"?><rss version="2.0"/>"#
        #expect(Self.refusal(document) == "the document has an XML declaration after its start, which is refused")
    }

    /// Declarations without entities are harmless, and the feed behind them is read.
    @Test func acceptsAnInternalSubsetWithoutEntities() throws {
        let feed = Self.feed(doctype: #"<!DOCTYPE rss [ <!-- <!ENTITY in a comment --> <!ELEMENT rss ANY> <!ATTLIST rss version CDATA "2.0"> ]>"#)
        let parsed = try FeedDocument.parse(Array(feed.utf8), url: "https://ok.example/feed")
        #expect(parsed.entries.map(\.title) == ["One"])
    }

    static let entitiesRefused = "the document declares entities in its DOCTYPE, which is refused: "
        + "entity expansion can exhaust memory (the \"billion laughs\" attack), and feeds never need it"

    /// A small laughs document (a thousand "lol"s, harmless should the check miss it) with
    /// `before` in its internal subset ahead of the entities.
    static func laughs(before: String) -> String {
        feed(doctype: """
            <!DOCTYPE rss [
              \(before)
              <!ENTITY lol "lol">
              <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
            ]>
            """, title: "&lol3;")
    }

    static func feed(doctype: String, title: String = "One") -> String {
        """
        <?xml version="1.0"?>
        \(doctype)
        <rss version="2.0"><channel><title>Laughs</title><link>https://laughs.example/</link>
        <item><title>\(title)</title><guid>x</guid></item></channel></rss>
        """
    }

    /// The reason the feed is refused when it is read as RSS (as a subscription's feed is,
    /// whatever its content sniffs as); nil when it is read.
    static func refusal(_ document: String) -> String? {
        do {
            let path = try Fixture.temporary("laughs.xml", text: document)
            _ = try Fixture.drafts(atPath: path, format: .rss)
            return nil
        } catch let error as FeedImportError {
            return error.reason
        } catch {
            return "\(error)"
        }
    }
}
