import Foundation
@testable import ReaderFeeds
import ReaderModels
import Testing

@Suite struct XMLRepairTests {
    /// What `repairs.xml` holds, read from a file or from memory.
    private func expectRepairedEntries(_ drafts: [ArticleDraft]) throws {
        #expect(drafts.count == 4)
        let source = try #require(drafts.first?.source)
        #expect(source.title == "Café Notes — Stories & Recipes")
        #expect(source.siteURL == "https://cafe.example.net/?lang=en&section=all")
        #expect(drafts.map(\.guid) == ["cafe-101", "cafe-102", "cafe-103", "cafe-104"])

        #expect(drafts[0].title == "Crème brûlée at home")
        #expect(drafts[0].url == "https://cafe.example.net/posts?id=101&ref=rss")
        #expect(drafts[0].text == "Sugar, cream & patience – that’s all.")

        #expect(drafts[1].title == "Fish & chips, the proper way")
        #expect(drafts[1].text == "Batter needs cold beer and hot oil.")
        #expect(!drafts[1].text.unicodeScalars.contains { $0.value < 0x20 })

        #expect(drafts[2].title == "Pr\u{FFFD}sentation of the menu \u{FFFD}")
        #expect(drafts[2].text == "&unknownthing; stays as text; “quoted”")

        #expect(drafts[3].text == "Salt & pepper — to taste & more.")
    }

    @Test func keepsEveryEntryOfAFlawedFile() throws {
        try expectRepairedEntries(try Fixture.drafts("repairs.xml"))
    }

    @Test func keepsEveryEntryOfAFlawedDocumentInMemory() throws {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: Fixture.path("repairs.xml"))))
        let feed = try FeedDocument.parse(bytes, url: "https://cafe.example.net/feed")
        try expectRepairedEntries(feed.entries)
    }

    /// A fetched body is repaired as the parser reads it, 128 KiB at a time, not into a
    /// copy first: a document of several pieces, flaws at every distance from a boundary,
    /// reads the same from memory as from a file.
    @Test func readsALargeFlawedDocumentInMemoryAsFromAFile() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>Big &amp; flawed</title>".utf8)
        for item in 0..<2000 {
            bytes += Array("<item><guid>g\(item)</guid><title>Fish & chips &nbsp;\(item)</title><description>".utf8)
            bytes += Array(String(repeating: "p", count: item % 257).utf8)
            bytes += Array(" caf".utf8) + [0xE9] + Array(" &eacute; \u{1}end &bogus;</description></item>".utf8)
        }
        bytes += Array("</channel></rss>".utf8)
        #expect(bytes.count > 3 * 128 * 1024)
        let path = try Fixture.temporary("large-flawed.xml", bytes)
        var fromFile: [ArticleDraft] = []
        try FeedFile.read(path: path, format: .rss) { fromFile.append($0) }
        let fromMemory = try FeedDocument.parse(bytes, url: "https://flawed.example/feed").entries
        #expect(fromMemory.count == 2000)
        #expect(fromMemory.map(\.title) == fromFile.map(\.title))
        #expect(fromMemory.map(\.text) == fromFile.map(\.text))
        let last = try #require(fromMemory.last)
        #expect(last.title.hasPrefix("Fish & chips") && last.title.hasSuffix("1999"))
        #expect(last.text.hasSuffix(" caf\u{FFFD} é end &bogus;"))
    }

    @Test func repairsTheSameWhateverTheChunks() throws {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: Fixture.path("repairs.xml"))))
        let whole = XMLRepair.repaired(bytes)
        for size in [1, 2, 3, 7, 64] {
            var repair = XMLRepair(mode: .utf8)
            var output: [UInt8] = []
            for start in stride(from: 0, to: bytes.count, by: size) {
                output += repair.process(bytes[start..<min(start + size, bytes.count)], final: false)
            }
            output += repair.process([][...], final: true)
            #expect(output == whole, "chunks of \(size)")
        }
    }

    @Test func leavesCDATAAndCommentsAlone() {
        let input = Array("<a><!-- a & b --><![CDATA[x &nbsp; & y]]>&nbsp;&</a>".utf8)
        let output = String(decoding: XMLRepair.repaired(input), as: UTF8.self)
        #expect(output == "<a><!-- a & b --><![CDATA[x &nbsp; & y]]>&#160;&amp;</a>")
    }

    /// Inside a CDATA section, comment or instruction the repair copies runs up to the
    /// section's closing bytes, and a `>` closes it only right after them: a `>` or `&` on its
    /// own, a closing byte too few, or one split from its `>` by a chunk's end change nothing.
    @Test func findsTheEndOfASectionOnlyAtItsClosingBytes() {
        let input = Array("<a><![CDATA[1 > 0 & ]> ]]x> ]]]>&nbsp;<!-- - -> -- x --->&nbsp;<?pi a ? > ??>&nbsp;</a>".utf8)
        let expected = "<a><![CDATA[1 > 0 & ]> ]]x> ]]]>&#160;<!-- - -> -- x --->&#160;<?pi a ? > ??>&#160;</a>"
        #expect(String(decoding: XMLRepair.repaired(input), as: UTF8.self) == expected)
        for size in 1...5 {
            var repair = XMLRepair(mode: .utf8)
            var output: [UInt8] = []
            for start in stride(from: 0, to: input.count, by: size) {
                output += repair.process(input[start..<min(start + size, input.count)], final: false)
            }
            output += repair.process([][...], final: true)
            #expect(String(decoding: output, as: UTF8.self) == expected, "chunks of \(size)")
        }
    }

    @Test func passesUTF16Through() {
        let input: [UInt8] = [0xFF, 0xFE, 0x3C, 0x00, 0x26, 0x00]
        #expect(XMLRepair.repaired(input) == input)
    }

    @Test func stillRefusesDeclaredEntities() throws {
        let path = try Fixture.temporary("laughs.xml", text: """

            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY a "&nbsp;&nbsp;">]>
            <rss version="2.0"><channel><title>&a;</title></channel></rss>
            """)
        #expect(throws: FeedImportError.self) { try Fixture.drafts(atPath: path) }
    }
}
