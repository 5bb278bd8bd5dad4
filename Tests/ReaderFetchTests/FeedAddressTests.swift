import Foundation
import ReaderFetch
import Testing

/// What people type as a feed's address, shared by `reader feeds add` and `reader-server feeds add`.
@Suite struct FeedAddressTests {
    @Test func readsWhatPeopleTypeAsAnHTTPAddress() {
        #expect(FeedAddress.url("  example.org/feed.xml \n")?.absoluteString == "https://example.org/feed.xml")
        #expect(FeedAddress.url("feed://example.org/rss")?.absoluteString == "https://example.org/rss")
        #expect(FeedAddress.url("http://example.org/atom")?.absoluteString == "http://example.org/atom")
        #expect(FeedAddress.url("HTTPS://Example.org/")?.host == "Example.org")
    }

    @Test func refusesWhatIsNotAnHTTPAddress() {
        for text in ["ftp://example.org/feed", "file:///etc/passwd", "https://", "", "javascript:alert(1)"] {
            #expect(FeedAddress.url(text) == nil, "\(text)")
        }
    }
}
