import ReaderFeeds
import ReaderModels
import Testing

@Suite struct AtomTests {
    @Test func keysSourceByFeedID() throws {
        let drafts = try Fixture.drafts("atom.xml")
        let expected = SourceDraft(
            key: "tag:council.example.net,2026:notes", title: "Riverside Council Notes",
            siteURL: "https://council.example.net/", feedURL: "https://council.example.net/notes.atom", kind: .atom
        )
        #expect(drafts.count == 3)
        #expect(drafts.allSatisfy { $0.source == expected })
    }

    @Test func readsHTMLEntry() throws {
        let entry = try #require(try Fixture.drafts("atom.xml").first)
        #expect(entry.guid == "tag:council.example.net,2026:notes/budget")
        #expect(entry.url == "https://council.example.net/minutes/2026/budget")
        #expect(entry.title == "Budget passes after late session")
        #expect(entry.author == "Tomasz Brennan")
        #expect(entry.publishedText == "2026-03-02T21:40:00.000Z")
        #expect(entry.updatedText == "2026-03-03T07:00:00.125Z")
        #expect(entry.summary == "The vote was 7 to 4.")
        #expect(entry.html == "<p>After four hours, the budget passed.</p><p>Libraries keep their Sunday hours.</p>")
        #expect(entry.text == "After four hours, the budget passed.\n\nLibraries keep their Sunday hours.")
        #expect(entry.line == 9)
    }

    @Test func writesXHTMLContentOutAsSanitisedHTML() throws {
        let entry = try Fixture.drafts("atom.xml")[1]
        #expect(entry.html == """
            <p>The <strong>Mill Lane</strong> footbridge closes on Monday.</p>
                    <p><a href="https://council.example.net/minutes/detour.html">See the detour map</a><br>Works last six weeks.</p>
            """)
        #expect(entry.text == "The Mill Lane footbridge closes on Monday.\n\nSee the detour map\nWorks last six weeks.")
        #expect(entry.title == "Footbridge closes for repairs")
        #expect(entry.summary == nil)
    }

    @Test func inheritsFeedAuthorAndDatesByUpdatedWhenUnpublished() throws {
        let entry = try Fixture.drafts("atom.xml")[1]
        #expect(entry.author == "Clerk's Office")
        #expect(entry.publishedText == "2026-03-05T08:00:00.250Z")
        #expect(entry.updatedText == "2026-03-05T08:00:00.250Z")
    }

    @Test func keysEntryWithoutIDByLinkAndIgnoresItsSourceElement() throws {
        let entry = try Fixture.drafts("atom.xml")[2]
        #expect(entry.guid == "https://council.example.net/2026/trees")
        #expect(entry.source.key == "tag:council.example.net,2026:notes")
        #expect(entry.publishedText == "2026-03-06T06:00:00.000Z")
    }

    @Test func turnsTextContentIntoParagraphs() throws {
        let entry = try Fixture.drafts("atom.xml")[2]
        #expect(entry.html == "<p>Bring gloves &amp; boots.</p>\n<p>Meet at the north gate at 9.</p>")
        #expect(entry.text == "Bring gloves & boots.\n\nMeet at the north gate at 9.")
    }

    @Test func reportsMismatchedTagWithItsLine() {
        let path = Fixture.path("mismatched.xml")
        let reason = "mismatched tag: <title> from line 7 is closed by a different end tag"
        #expect(throws: FeedImportError(file: path, line: 7, reason: reason)) {
            try FeedFile.read(path: path) { _ in }
        }
    }

    @Test func explainsFeedOutsideTheAtomNamespace() throws {
        let path = try Fixture.temporary("old.atom", text: "<feed version=\"0.3\">\n<title>Old</title>\n</feed>")
        let reason = "the <feed> root element is not in the Atom 1.0 namespace (xmlns=\"http://www.w3.org/2005/Atom\")"
        #expect(throws: FeedImportError(file: path, line: 1, reason: reason)) {
            try FeedFile.read(path: path) { _ in }
        }
    }
}
