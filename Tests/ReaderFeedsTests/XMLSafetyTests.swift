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
}
