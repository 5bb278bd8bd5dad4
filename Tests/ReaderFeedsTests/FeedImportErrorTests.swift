import ReaderFeeds
import Testing

@Suite struct FeedImportErrorTests {
    @Test func describesFileLineAndReason() {
        let error = FeedImportError(file: "digest.txt", line: 14, reason: "byline \"By Ana Ruiz\" has no title above it")
        #expect(error.description == "digest.txt:14: byline \"By Ana Ruiz\" has no title above it")
    }

    @Test func leavesLineOutWhenThereIsNone() {
        let error = FeedImportError(file: "empty.txt", reason: "the file has no articles (it is empty)")
        #expect(error.description == "empty.txt: the file has no articles (it is empty)")
    }
}
