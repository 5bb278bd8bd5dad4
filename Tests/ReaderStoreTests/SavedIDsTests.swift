@testable import ReaderStore
import Testing

@Suite struct SavedIDsTests {
    @Test func anIDIsFoundAgainWhateverItsFormAndNoTwoIDsShareAnEntry() {
        var saved = ArticleWriter.SavedIDs()
        #expect(saved.insert("00008d52e9eaaaf3") == true)
        #expect(saved.insert("00008d52e9eaaaf3") == false)
        // Uppercase spells the same number, but it is another id.
        #expect(saved.insert("00008D52E9EAAAF3") == true)
        #expect(saved.insert("00008D52E9EAAAF3") == false)
        #expect(saved.insert("8d52e9eaaaf3") == true)
        #expect(saved.insert("server-id-1") == true)
        #expect(saved.insert("server-id-1") == false)
        #expect(ArticleWriter.SavedIDs.number("ffffffffffffffff") == UInt64.max)
        #expect(ArticleWriter.SavedIDs.number("000000000000000g") == nil)
    }
}
