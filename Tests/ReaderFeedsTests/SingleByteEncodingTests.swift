import Foundation
import ReaderFeeds
import Testing

/// Documents declared in a single-byte encoding (windows-1252, its US-ASCII and ISO-8859-1
/// aliases) are decoded before the parser sees them, from files and from memory, as
/// browsers read them: the parser never meets a byte its declared encoding does not assign.
@Suite struct SingleByteEncodingTests {
    /// An RSS document declaring `encoding`, whose item title is `title`.
    static func rss(encoding: String, title: [UInt8]) -> [UInt8] {
        Array("<?xml version=\"1.0\" encoding=\"\(encoding)\"?>\n<rss version=\"2.0\"><channel><title>Cafe</title>".utf8)
            + Array("<link>https://cafe.example/</link><item><guid>1</guid><title>".utf8)
            + title + Array("</title></item></channel></rss>".utf8)
    }

    /// `Don` 0x92 `t` and an unassigned 0x81: libxml2 crashed through iconv on the 0x81.
    static let dont: [UInt8] = [0x44, 0x6F, 0x6E, 0x92, 0x74, 0x20, 0x81]

    static func fileTitle(_ bytes: [UInt8]) throws -> String? {
        let path = try Fixture.temporary("single-byte.xml", bytes)
        return try Fixture.drafts(atPath: path).first?.title
    }

    @Test(arguments: ["windows-1252", "cp1252", "WINDOWS-1252"])
    func importsAFileDeclaredWindows1252(_ encoding: String) throws {
        #expect(try Self.fileTitle(Self.rss(encoding: encoding, title: Self.dont)) == "Don\u{2019}t \u{FFFD}")
    }

    @Test(arguments: ["US-ASCII", "ascii"])
    func importsAFileDeclaredASCIIWithAHighByteAsWindows1252(_ encoding: String) throws {
        #expect(try Self.fileTitle(Self.rss(encoding: encoding, title: Self.dont)) == "Don\u{2019}t \u{FFFD}")
    }

    @Test(arguments: ["ISO-8859-1", "latin1"])
    func readsAFileDeclaredLatin1AsWindows1252(_ encoding: String) throws {
        #expect(try Self.fileTitle(Self.rss(encoding: encoding, title: [0x44, 0x6F, 0x6E, 0x92, 0x74, 0xE9])) == "Don\u{2019}té")
    }

    /// A file longer than one read chunk keeps its characters across the chunks' edges.
    @Test func decodesAFileLongerThanAChunk() throws {
        let padding = [UInt8](repeating: UInt8(ascii: "x"), count: 300 * 1024 + 1)
        let title = padding + [0x92, 0xE9] + padding + [0x80]
        let expected = String(repeating: "x", count: padding.count) + "\u{2019}é" + String(repeating: "x", count: padding.count) + "€"
        #expect(try Self.fileTitle(Self.rss(encoding: "windows-1252", title: title)) == expected)
    }

    /// Every byte past ASCII is one character, the five unassigned ones U+FFFD, from a file
    /// and from memory: none reaches libxml2 undecoded.
    @Test func readsEveryHighByte() throws {
        let high = Array(0x80...0xFF).map(UInt8.init)
        let bytes = Self.rss(encoding: "windows-1252", title: high)
        let expected: [Character] = high.map { byte in
            [0x81, 0x8D, 0x8F, 0x90, 0x9D].contains(byte) ? "\u{FFFD}" : Character(Unicode.Scalar(byte))
        }
        let fromFile = try #require(try Self.fileTitle(bytes))
        let fromMemory = try #require(try FeedDocument.parse(bytes, url: "https://cafe.example/rss").entries.first?.title)
        for title in [fromFile, fromMemory] {
            #expect(title.count == 128)
            #expect(title.first == "€")
            // From 0xA1: titles read 0xA0, a no-break space, as a space.
            #expect(Array(title.suffix(95)) == Array(expected.suffix(95)))
        }
        #expect(fromFile == fromMemory)
    }

    @Test(arguments: ["US-ASCII", "ASCII", "windows-1252"])
    func readsADocumentInMemoryDeclaredASCIIOrWindows1252(_ encoding: String) throws {
        let feed = try FeedDocument.parse(Self.rss(encoding: encoding, title: Self.dont), url: "https://cafe.example/rss")
        #expect(feed.entries.first?.title == "Don\u{2019}t \u{FFFD}")
    }

    @Test func readsADocumentInMemoryDeclaredLatin1AsWindows1252() throws {
        let bytes = Self.rss(encoding: "ISO-8859-1", title: [0x44, 0x6F, 0x6E, 0x92, 0x74])
        #expect(try FeedDocument.parse(bytes, url: "https://cafe.example/rss").entries.first?.title == "Don\u{2019}t")
    }
}
