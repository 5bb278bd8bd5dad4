import Foundation
import ReaderFeeds
import Testing

/// A processing instruction without data crashed Foundation's XMLParser on Linux (strlen of
/// the NULL data libxml2 hands it), so it is refused before parsing, wherever it is.
@Suite struct EmptyProcessingInstructionTests {
    static let reason = "the document holds a processing instruction without data (<?name?>), which crashes "
        + "the XML parser on Linux, so it is refused"

    /// Found by fuzzing (Fuzz/XMLFeed): this input crashed the process.
    @Test func refusesTheInputFuzzingFound() throws {
        let path = try Fixture.temporary("crash.xml", text: "<?xm?>\n<Y sebr/link>\n<item>\n")
        #expect(throws: FeedImportError(file: path, reason: Self.reason)) {
            try FeedFile.read(path: path, format: .rss) { _ in }
        }
    }

    @Test func refusesOneInsideAFeed() {
        let feed = "<rss version=\"2.0\"><channel><title>t</title><?x?><item><title>a</title></item></channel></rss>"
        #expect(throws: FeedImportError(file: "https://pi.example/feed", reason: Self.reason)) {
            try FeedDocument.parse(Array(feed.utf8), url: "https://pi.example/feed")
        }
    }

    /// A file is checked chunk by chunk (256 KiB); an instruction across two chunks is found.
    @Test func refusesOneAcrossTwoChunksOfAFile() throws {
        let head = "<rss version=\"2.0\"><channel><title>t</title><item><title>a</title><description>"
        let padding = String(repeating: "x", count: 256 * 1024 - head.utf8.count - 25)
        let feed = head + padding + "</description></item><?abc?></channel></rss>"
        let cut = feed.utf8.index(feed.utf8.startIndex, offsetBy: 256 * 1024)
        #expect(feed.utf8[..<cut].suffix(25).elementsEqual("</description></item><?ab".utf8))
        let path = try Fixture.temporary("chunks.xml", text: feed)
        #expect(throws: FeedImportError(file: path, reason: Self.reason)) {
            try FeedFile.read(path: path, format: .rss) { _ in }
        }
    }

    /// The parser reads a fetched body repaired 128 KiB at a time, as a file; one across two
    /// of those pieces, or hidden by a control character the repair drops, is refused before.
    @Test(arguments: ["<?abc?>", "<?ab\u{1}c?>"]) func refusesOneAcrossTwoPiecesOfAFetchedBody(instruction: String) {
        let head = "<rss version=\"2.0\"><channel><title>t</title><item><title>a</title><description>"
        let padding = String(repeating: "x", count: 128 * 1024 - head.utf8.count - 25)
        let feed = head + padding + "</description></item>" + instruction + "</channel></rss>"
        let cut = feed.utf8.index(feed.utf8.startIndex, offsetBy: 128 * 1024)
        #expect(feed.utf8[..<cut].suffix(25).elementsEqual("</description></item><?ab".utf8))
        #expect(throws: FeedImportError(file: "https://pi.example/feed", reason: Self.reason)) {
            try FeedDocument.parse(Array(feed.utf8), url: "https://pi.example/feed")
        }
    }

    /// The repair pass drops control characters before the parser reads, so one between the
    /// name and `?>` in a file must not hide the instruction from the check.
    @Test func refusesOneThatAControlCharacterWouldHide() throws {
        let feed = "<rss version=\"2.0\"><channel><title>t</title><?x\u{1}?><item><title>a</title></item></channel></rss>"
        let path = try Fixture.temporary("control.xml", text: feed)
        #expect(throws: FeedImportError(file: path, reason: Self.reason)) {
            try FeedFile.read(path: path, format: .rss) { _ in }
        }
    }

    /// A UTF-16 file reaches the parser as UTF-8; the check reads its raw bytes.
    @Test func refusesOneInAUTF16File() throws {
        let feed = "\u{FEFF}<rss version=\"2.0\"><channel><title>t</title><?x?><item><title>a</title></item></channel></rss>"
        let path = try Fixture.temporary("wide.xml", feed.utf16.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } })
        #expect(throws: FeedImportError(file: path, reason: Self.reason)) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func refusesOneInOPML() {
        let opml = "<opml version=\"2.0\"><body><?x?><outline xmlUrl=\"https://a.example/feed\"/></body></opml>"
        #expect(throws: FeedImportError(file: "subs.opml", reason: Self.reason)) {
            try OPML.parse(Array(opml.utf8), file: "subs.opml")
        }
    }

    /// Instructions with data, even empty data after a space, are parsed as before.
    @Test func acceptsInstructionsWithData() throws {
        let feed = "<?xml version=\"1.0\"?><?xml-stylesheet href=\"a.xsl\"?><rss version=\"2.0\"><channel>"
            + "<title>t</title><?x ?><item><title>a</title><guid>g</guid></item></channel></rss>"
        #expect(try FeedDocument.parse(Array(feed.utf8), url: "https://pi.example/feed").entries.count == 1)
    }
}
