import Foundation
import ReaderFeeds
import ReaderModels
import Testing

@Suite struct BundleTests {
    @Test func readsArticlesInFileOrder() throws {
        let drafts = try Fixture.drafts("digest.txt")
        #expect(drafts.map(\.title) == [
            "Library opens late on Thursdays", "Bus route 12 returns", "Market stalls to get awnings",
            "Ferry timetable changes", "Mayor’s “open door” mornings return",
        ])
        #expect(drafts.map(\.line) == [1, 11, 19, 30, 33])
    }

    @Test func readsTitleStandfirstBylineSourceAndBody() throws {
        let article = try #require(try Fixture.drafts("digest.txt").first)
        #expect(article.source == SourceDraft(key: "bundle:Riverside Herald", title: "Riverside Herald", kind: .bundle))
        #expect(article.guid == "title:library opens late on thursdays")
        #expect(article.author == "Ana Ruiz")
        #expect(article.summary == "A pilot scheme keeps the central branch open until 9 p.m. through the summer.")
        #expect(article.url == nil)
        #expect(article.published == nil)
        #expect(article.text == """
            The central library will stay open until 9 p.m. every Thursday from April. “We heard from people who work late,” said the head librarian.

            Staff rotas are being redrawn — no one will work two late shifts in a row.
            """)
        #expect(article.html == """
            <p>The central library will stay open until 9 p.m. every Thursday from April. “We heard from people who work late,” said the head librarian.</p>
            <p>Staff rotas are being redrawn — no one will work two late shifts in a row.</p>
            """)
    }

    @Test func keepsSubheadingAndByTheTimeSentenceInTheBody() throws {
        let article = try Fixture.drafts("digest.txt")[1]
        #expect(article.author == "TOMASZ BRENNAN")
        #expect(article.summary == nil)
        #expect(article.source == SourceDraft(key: "bundle:", title: "Pasted articles", kind: .bundle))
        #expect(article.text == """
            The number 12 bus returns to Harbour Road on 1 April.

            Drivers will follow the old timetable.

            What changes

            Stops near the market move fifty metres north.

            By the time the new shelters arrive, the temporary stops will be marked with yellow posts.
            """)
    }

    @Test func joinsHardWrappedLinesButNotASubheadingAboveItsParagraph() throws {
        let path = try Fixture.temporary("wrapped.txt", text: """
            Harbour wall repairs begin
            By Ana Ruiz

            Engineers will replace the crumbling stones on the eastern arm of the
            harbour wall over six weeks, working only at low tide.

            What boat owners should know
            Moorings on the eastern arm move to the visitor pontoon until May.
            """)
        let article = try #require(try Fixture.drafts(atPath: path).first)
        #expect(article.text == """
            Engineers will replace the crumbling stones on the eastern arm of the harbour wall over six weeks, working only at low tide.

            What boat owners should know

            Moorings on the eastern arm move to the visitor pontoon until May.
            """)
    }

    @Test func readsSourceBeforeLowercaseBylineWithBlankLinesBetween() throws {
        let article = try Fixture.drafts("digest.txt")[2]
        #expect(article.source.key == "bundle:Harbour Weekly")
        #expect(article.author == "li wei")
        #expect(article.summary == "Traders asked for shade, and the council agreed…")
        #expect(article.html == """
            <p>Twelve stalls on Quay Street will get striped awnings before the summer fair.</p>
            <p>The ‘shade fund’ pays for half; traders pay the rest.</p>
            """)
    }

    @Test func readsSourceOnlyHeadRightAfterThePreviousBody() throws {
        let drafts = try Fixture.drafts("digest.txt")
        #expect(drafts[2].text.hasSuffix("traders pay the rest."))
        #expect(drafts[3].source.key == "bundle:Riverside Herald")
        #expect(drafts[3].author == nil)
        #expect(drafts[3].text == "From Monday the first ferry leaves at 6.40 instead of 6.10.")
    }

    @Test func keepsUnicodePunctuation() throws {
        let article = try Fixture.drafts("digest.txt")[4]
        #expect(article.guid == "title:mayor’s “open door” mornings return")
        #expect(article.text.hasSuffix("Sign-up is not needed — just come to the town hall."))
    }

    @Test func readsCRLFAndByteOrderMarkLikePlainLineFeeds() throws {
        let crlf = try Fixture.drafts("digest-crlf.txt")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("digest-crlf.txt")))
        let plain = String(decoding: bytes.dropFirst(3), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let lf = try Fixture.drafts(atPath: Fixture.temporary("digest-lf.txt", text: plain))
        #expect(crlf.first?.title == "Park gates close early")
        #expect(crlf.first?.text == "The park gates will close at 6 p.m. while the path is resurfaced.\n\nThe café stays open.")
        #expect(crlf == lf)
    }

    @Test func keepsIDButChangesHashWhenABodyIsEdited() throws {
        let original = try Fixture.drafts("digest.txt")
        let text = try String(contentsOfFile: Fixture.path("digest.txt"), encoding: .utf8)
        let edited = try Fixture.drafts(atPath: Fixture.temporary("digest.txt", text: text.replacingOccurrences(of: "fifty metres", with: "sixty metres")))
        #expect(edited.map(\.id) == original.map(\.id))
        #expect(edited[1].contentHash != original[1].contentHash)
        #expect(edited.enumerated().filter { $0.offset != 1 }.map(\.element.contentHash)
            == original.enumerated().filter { $0.offset != 1 }.map(\.element.contentHash))
    }

    @Test func reportsBylineWithNoTitleAboveIt() {
        let path = Fixture.path("orphan-byline.txt")
        #expect(throws: FeedImportError(file: path, line: 2, reason: "byline \"By Ana Ruiz\" has no title above it")) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func reportsTextBeforeTheFirstArticle() {
        let path = Fixture.path("preamble.txt")
        let reason = "\"Weekly digest — 6 March\" comes before the first article (each article starts with a title followed by a \"By NAME\" or \"Source: NAME\" line)"
        #expect(throws: FeedImportError(file: path, line: 1, reason: reason)) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func reportsHeadWithoutBodyBeforeTheNextHead() {
        let path = Fixture.path("no-body.txt")
        let reason = "article \"Library opens late on Thursdays\" has no body before the next article (line 4)"
        #expect(throws: FeedImportError(file: path, line: 1, reason: reason)) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func reportsHeadWithoutBodyAtTheEnd() throws {
        let path = try Fixture.temporary("digest.txt", text: "Library opens late\nBy Ana Ruiz\nIt opens late.\n\nBus route 12 returns\nSource: Harbour Weekly\n\n")
        var titles: [String] = []
        let reason = "article \"Bus route 12 returns\" has no body before the end of the file"
        #expect(throws: FeedImportError(file: path, line: 5, reason: reason)) {
            try FeedFile.read(path: path) { titles.append($0.title) }
        }
        #expect(titles == ["Library opens late"])
    }

    @Test func reportsTextWithoutAnyHead() throws {
        let path = try Fixture.temporary("notes.txt", text: "Shopping list\nMilk, eggs and bread.\n")
        let reason = "no articles found: \"Shopping list\" is not followed by a \"By NAME\" or \"Source: NAME\" line (each article needs one under its title)"
        #expect(throws: FeedImportError(file: path, line: 1, reason: reason)) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func reportsSecondSourceLineInOneHead() throws {
        let path = try Fixture.temporary("digest.txt", text: "Library opens late\nSource: Riverside Herald\nSource: Harbour Weekly\nIt opens late.\n")
        let reason = "Source: Harbour Weekly is a second Source line for the same article"
        #expect(throws: FeedImportError(file: path, line: 3, reason: reason)) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func reportsEmptyFile() {
        let path = Fixture.path("empty.txt")
        #expect(throws: FeedImportError(file: path, reason: "the file has no articles (it is empty)")) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func reportsInvalidUTF8WithItsLine() {
        let path = Fixture.path("not-utf8.txt")
        #expect(throws: FeedImportError(file: path, line: 3, reason: "the text is not valid UTF-8 (save the file as UTF-8)")) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func joinsTwoBylinesOfOneArticle() throws {
        let path = try Fixture.temporary("digest.txt", text: "Library opens late\nBy Ana Ruiz\nby Li Wei\nIt opens late.\n")
        #expect(try Fixture.drafts(atPath: path).first?.author == "Ana Ruiz, Li Wei")
    }
}
