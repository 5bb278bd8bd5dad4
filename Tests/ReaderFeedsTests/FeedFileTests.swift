import Foundation
import ReaderFeeds
import ReaderModels
import Testing

@Suite struct FeedFileTests {
    @Test(arguments: [
        ("rss2.xml", FeedFormat.rss), ("atom.xml", .atom), ("feed.json", .jsonFeed), ("digest.txt", .bundle),
    ])
    func returnsTheFormatItRead(name: String, format: FeedFormat) throws {
        #expect(try FeedFile.read(path: Fixture.path(name)) { _ in } == format)
    }

    @Test func readsRSSOrAtomByTheRootWhateverXMLFormatIsNamed() throws {
        #expect(try FeedFile.read(path: Fixture.path("rss2.xml"), format: .atom) { _ in } == .rss)
    }

    @Test func usesTheFormatItIsGiven() throws {
        let path = try Fixture.temporary("digest.txt", text: "{ Braces } in a title\nBy Ana Ruiz\nBody.\n")
        #expect(try Fixture.drafts(atPath: path, format: .bundle).map(\.title) == ["{ Braces } in a title"])
    }

    @Test(arguments: ["rss2.xml", "atom.xml", "feed.json", "digest.txt"])
    func yieldsIdenticalDraftsWhenReadTwice(name: String) throws {
        let first = try Fixture.drafts(name)
        let second = try Fixture.drafts(name)
        #expect(first == second)
        #expect(first.map(\.id) == second.map(\.id))
        #expect(first.map(\.contentHash) == second.map(\.contentHash))
        #expect(Set(first.map(\.id)).count == first.count)
    }

    @Test(arguments: ["rss2.xml", "atom.xml", "feed.json", "digest.txt"])
    func passesErrorsFromEachThroughUnchanged(name: String) throws {
        var count = 0
        #expect(throws: StopReading()) {
            try FeedFile.read(path: Fixture.path(name)) { _ in
                count += 1
                throw StopReading()
            }
        }
        #expect(count == 1)
    }

    @Test func reportsMissingFile() {
        let path = "/nonexistent/feed.xml"
        #expect(throws: FeedImportError(file: path, reason: "no such file")) {
            try FeedFile.read(path: path) { _ in }
        }
        #expect(throws: FeedImportError(file: path, reason: "no such file")) {
            try FeedFile.read(path: path, format: .rss) { _ in }
        }
    }

    @Test func reportsFolder() {
        let path = FileManager.default.temporaryDirectory.path
        #expect(throws: FeedImportError(file: path, reason: "is a folder, not a file")) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func reportsMarkupThatIsNoFeed() throws {
        let path = try Fixture.temporary("page.html", text: "<!DOCTYPE html>\n<html><body>Hello</body></html>")
        let reason = "starts with markup but is not RSS or Atom (no <rss>, <rdf:RDF> or <feed> root element)"
        #expect(throws: FeedImportError(file: path, line: 1, reason: reason)) {
            try FeedFile.read(path: path) { _ in }
        }
        #expect(throws: FeedImportError(file: path, line: 2, reason: "the root element is <html>, not <rss>, <rdf:RDF> or <feed>: this is not an RSS or Atom feed")) {
            try FeedFile.read(path: path, format: .rss) { _ in }
        }
    }

    /// Files of a few megabytes, so that items and lines straddle the reader's chunks.
    @Test(arguments: [FeedFormat.rss, .atom, .jsonFeed, .bundle])
    func readsFilesLargerThanOneChunkInOrder(format: FeedFormat) throws {
        let count = 3000
        let body = String(repeating: "Sediment cores hold pollen from every spring. ", count: 20)
        var file = ""
        switch format {
        case .rss:
            file = "<rss version=\"2.0\"><channel><title>Big</title>\n"
            for n in 1...count { file += "<item><guid>g\(n)</guid><title>Item \(n)</title><description>\(body)</description></item>\n" }
            file += "</channel></rss>\n"
        case .atom:
            file = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>big</id><title>Big</title>\n"
            for n in 1...count { file += "<entry><id>g\(n)</id><title>Item \(n)</title><content>\(body)</content></entry>\n" }
            file += "</feed>\n"
        case .jsonFeed:
            file = "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"Big\", \"items\": [\n"
            file += (1...count).map { "{\"id\": \"g\($0)\", \"title\": \"Item \($0)\", \"content_text\": \"\(body)\"}" }.joined(separator: ",\n")
            file += "\n]}\n"
        case .bundle:
            for n in 1...count { file += "Item \(n)\nSource: Big\n\n\(body)\n\n" }
        }
        let path = try Fixture.temporary("big", text: file)
        #expect(file.utf8.count > 2 * 1024 * 1024)
        var titles: [String] = []
        try FeedFile.read(path: path) { draft in
            titles.append(draft.title)
            #expect(draft.text == body.trimmingCharacters(in: .whitespaces))
        }
        #expect(titles == (1...count).map { "Item \($0)" })
    }
}
