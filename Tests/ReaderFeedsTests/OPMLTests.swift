import Foundation
import ReaderFeeds
import Testing

@Suite struct OPMLTests {
    static func parse(_ name: String) throws -> [OPMLFeed] {
        try OPML.parse(Array(Data(contentsOf: URL(fileURLWithPath: Fixture.path(name)))), file: name)
    }

    @Test func importsNestedOutlinesAsTags() throws {
        let feeds = try Self.parse("subscriptions.opml")
        #expect(feeds == [
            OPMLFeed(url: "https://orchard.example.net/rss", title: "Orchard Almanac", siteURL: "https://orchard.example.net/", tags: ["Hobbies", "Garden"]),
            OPMLFeed(url: "https://chess.example.org/feed.xml", title: "Chess Club & Friends", tags: ["Hobbies"]),
            OPMLFeed(url: "https://ferry.example.net/rss", title: "Ferry Timetable", tags: ["Local"]),
        ])
    }

    @Test func importsOPML2CategoriesAndAttributeCaseVariants() throws {
        #expect(try Self.parse("subscriptions2.opml") == [
            OPMLFeed(url: "https://trams.example.org/atom", title: "Trams", tags: ["Rail", "Museums"]),
        ])
    }

    @Test func roundTripsThroughExport() throws {
        let feeds = try Self.parse("subscriptions.opml") + [OPMLFeed(url: "https://q.example/?a=1&b=<2>", title: "Quotes \"here\"")]
        let exported = OPML.export(feeds, date: Date(timeIntervalSince1970: 0))
        #expect(exported.contains("<dateCreated>Thu, 01 Jan 1970 00:00:00 GMT</dateCreated>"))
        #expect(try OPML.parse(Array(exported.utf8), file: "export") == feeds)
    }

    @Test func refusesAFileThatIsNotOPML() {
        #expect {
            try OPML.parse(Array("<rss version=\"2.0\"/>".utf8), file: "x.opml")
        } throws: { error in
            "\(error)" == "x.opml:1: not an OPML file: the root element is not <opml>"
        }
        #expect(throws: FeedImportError.self) { try OPML.parse(Array("<opml><body><outline".utf8), file: "y.opml") }
    }

    @Test func aFileOverTheSizeLimitIsRefusedUnread() throws {
        #expect(OPML.maxFileBytes == 16 << 20)
        // A small limit stands in for the real one: a 16 MB file would weigh on the memory
        // figures of the tests that run beside this one.
        let opml = try String(contentsOfFile: Fixture.path("subscriptions.opml"), encoding: .utf8)
        let path = try Fixture.temporary("subscriptions.opml", text: opml)
        let size = opml.utf8.count
        #expect(throws: FeedImportError(file: path, reason: "is larger than the \(size - 1)-byte limit")) {
            try OPML.read(path: path, limit: size - 1)
        }
        #expect(try OPML.read(path: path, limit: size) == OPML.read(path: path))
    }

    /// Found by Fuzz/OPML: a UTF-16 byte-order mark, then a DOCTYPE cut off by garbage,
    /// crashed libxml2 (SEGV in xmlParseChunk) before OPML handed it UTF-8 only.
    @Test func aBrokenUTF16DocumentIsRefusedNotACrash() throws {
        let crash = try #require(Data(base64Encoded: "/v8APCFET0NUWVBFAAD///////91AGwgdi4uMDx0aXRsZT5lbnQgdHlwZT0ieGh02W1sIrhlbmNvZGluZ11dPlRG"))
        #expect(throws: FeedImportError.self) { try OPML.parse(Array(crash), file: "crash.opml") }
        // A well-formed list in UTF-16 is read.
        let list = #"<?xml version="1.0" encoding="UTF-16"?><opml version="2.0"><body><outline text="Tides" xmlUrl="https://tides.example/feed"/></body></opml>"#
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in list.utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(try OPML.parse(utf16, file: "list.opml").map(\.url) == ["https://tides.example/feed"])
    }
}
