import Foundation
import ReaderFeeds
import ReaderModels
import Testing

/// UTF-16 and UTF-32 feeds (issue 11.7), with a byte-order mark or declared, from files and
/// from memory.
@Suite struct WideUnicodeTests {
    static let feed = """
        <?xml version="1.0" encoding="ENCODING"?>
        <rss version="2.0">
          <channel>
            <title>Café Kōhī Notes</title>
            <link>https://kohi.example.jp/</link>
            <item>
              <title>Pour-over at 93 °C — a note</title>
              <link>https://kohi.example.jp/notes/93</link>
              <description>Bloom for 30 s, then pour in circles ☕ 𝄞.</description>
              <pubDate>Fri, 10 Jan 2025 09:00:00 +0900</pubDate>
            </item>
            <item>
              <title>Grinder « burr » cleaning</title>
              <link>https://kohi.example.jp/notes/burrs</link>
              <description>Rice, then a brush.</description>
            </item>
          </channel>
        </rss>
        """

    enum Layout: String, CaseIterable {
        case utf16LittleEndianWithMark, utf16BigEndianWithMark, utf16LittleEndianDeclared, utf16BigEndianDeclared
        case utf32LittleEndianWithMark, utf32BigEndianDeclared
    }

    static func bytes(_ layout: Layout) -> [UInt8] {
        let declared = layout.rawValue.hasPrefix("utf32") ? "UTF-32" : "UTF-16"
        var text = feed.replacingOccurrences(of: "ENCODING", with: declared)
        let mark = layout.rawValue.hasSuffix("WithMark")
        if mark { text = "\u{FEFF}" + text }
        let big = layout.rawValue.contains("BigEndian")
        switch layout {
        case .utf32LittleEndianWithMark, .utf32BigEndianDeclared:
            return text.unicodeScalars.flatMap { scalar -> [UInt8] in
                let value = big ? scalar.value.bigEndian : scalar.value.littleEndian
                return withUnsafeBytes(of: value) { Array($0) }
            }
        default:
            return text.utf16.flatMap { unit -> [UInt8] in
                let value = big ? unit.bigEndian : unit.littleEndian
                return withUnsafeBytes(of: value) { Array($0) }
            }
        }
    }

    static func check(_ drafts: [ArticleDraft]) {
        #expect(drafts.map(\.title) == ["Pour-over at 93 °C — a note", "Grinder « burr » cleaning"])
        #expect(drafts.first?.text == "Bloom for 30 s, then pour in circles ☕ 𝄞.")
        #expect(drafts.first?.source.title == "Café Kōhī Notes")
        #expect(drafts.first?.publishedText == "2025-01-10T00:00:00.000Z")
        #expect(drafts.map(\.guid) == ["https://kohi.example.jp/notes/93", "https://kohi.example.jp/notes/burrs"])
    }

    @Test(arguments: Layout.allCases)
    func readsAFile(_ layout: Layout) throws {
        let path = try Fixture.temporary("kohi.xml", Self.bytes(layout))
        let (drafts, result) = try Fixture.read(atPath: path)
        Self.check(drafts)
        #expect(result.format == .rss)
        #expect(result.skipped.isEmpty)
    }

    @Test(arguments: Layout.allCases)
    func readsAFetchedDocument(_ layout: Layout) throws {
        #expect(FeedDocument.kind(of: Self.bytes(layout)) == .feed(.rss))
        let feed = try FeedDocument.parse(Self.bytes(layout), url: "https://kohi.example.jp/feed")
        Self.check(feed.entries)
    }

    @Test func readsAFileLongerThanOnePieceWithPairsCutBetweenPieces() throws {
        // Enough items that the decoder meets several 128 KiB pieces, some of which end inside
        // a surrogate pair (𝄞 is two UTF-16 units).
        var text = "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<rss version=\"2.0\"><channel><title>Long</title>\n"
        for number in 0..<3000 {
            text += "<item><guid>n\(number)</guid><title>Note \(number) 𝄞</title><description>𝄞𝄞 \(number) 𝄞𝄞𝄞</description></item>\n"
        }
        text += "</channel></rss>\n"
        let bytes = text.utf16.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }
        let (drafts, _) = try Fixture.read(atPath: try Fixture.temporary("long.xml", bytes))
        #expect(drafts.count == 3000)
        #expect(drafts.allSatisfy { $0.text.hasPrefix("𝄞𝄞 ") && $0.text.hasSuffix(" 𝄞𝄞𝄞") && !$0.text.contains("\u{FFFD}") })
        #expect(drafts.last?.title == "Note 2999 𝄞")
    }

    @Test func refusesADocumentDeclaringUTF16InSingleBytesSayingSo() throws {
        let feed = "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<rss version=\"2.0\"><channel><title>t</title></channel></rss>\n"
        let path = try Fixture.temporary("liar.xml", text: feed)
        let reason = "the document declares the encoding \"utf-16\", but its bytes are not utf-16 (no byte-order mark, "
            + "and <?xml is written one byte a character): declare the encoding it is in, such as UTF-8"
        #expect(throws: FeedImportError(file: path, line: 1, reason: reason)) {
            try FeedFile.read(path: path) { _ in }
        }
        #expect(throws: FeedImportError(file: "https://liar.example/feed", line: 1, reason: reason)) {
            try FeedDocument.parse(Array(feed.utf8), url: "https://liar.example/feed")
        }
    }

    @Test func refusesAUTF16JSONFeedFileNamingItsEncoding() throws {
        let json = "\u{FEFF}{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"T\", \"items\": []}"
        let path = try Fixture.temporary("feed.json", json.utf16.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } })
        let reason = "the file is a JSON Feed in UTF-16 (little-endian), which is read only in UTF-8: save it as UTF-8"
        #expect(throws: FeedImportError(file: path, line: 1, reason: reason)) {
            try FeedFile.read(path: path) { _ in }
        }
    }
}
