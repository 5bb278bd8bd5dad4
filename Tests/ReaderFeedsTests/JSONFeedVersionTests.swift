import ReaderFeeds
import ReaderModels
import Testing

@Suite struct JSONFeedVersionTests {
    @Test func acceptsTheHTTPVersionURLOfJSONFeed1() throws {
        let path = try Fixture.temporary("kiln.json", text: """
            {
              "version": "http://jsonfeed.org/version/1",
              "title": "Kiln Diary",
              "home_page_url": "https://kiln.example.org/",
              "items": [
                {"id": "kiln-1", "url": "https://kiln.example.org/1", "title": "First firing", "content_text": "Cone 6 reached."}
              ]
            }
            """)
        let drafts = try Fixture.drafts(atPath: path)
        #expect(drafts.map(\.guid) == ["kiln-1"])
        #expect(drafts.first?.title == "First firing")
        #expect(drafts.first?.text == "Cone 6 reached.")
        #expect(drafts.first?.source.title == "Kiln Diary")
    }
}
