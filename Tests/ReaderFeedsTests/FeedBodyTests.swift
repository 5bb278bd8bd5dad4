import ReaderFeeds
import ReaderModels
import Testing

@Suite struct FeedBodyTests {
    @Test func takesTheDescriptionWhenContentEncodedIsEmpty() throws {
        let drafts = try Fixture.drafts("empty-content.xml")
        #expect(drafts.map(\.guid) == ["allotment-41", "allotment-42", "allotment-43"])
        #expect(drafts[0].html == "<p>Why autumn planting gives <b>bigger bulbs</b>.</p>")
        #expect(drafts[0].text == "Why autumn planting gives bigger bulbs.")
        #expect(drafts[0].summary == nil)
        #expect(drafts[1].text == "Bag the leaves now, use them in two years.")
        #expect(drafts[1].summary == nil)
        #expect(drafts[2].text == "The full show notes about the swap.")
        #expect(drafts[2].summary == "Short summary of the swap.")
    }
}
