import ReaderFeeds
import Testing

@Suite struct FeedFormatTests {
    private func detect(_ text: String) -> FeedFormat? {
        FeedFormat.detect(prefix: Array(text.utf8))
    }

    @Test func detectsRSSAfterBOMDeclarationAndComment() {
        let prefix = [0xEF, 0xBB, 0xBF] + Array("\n  <?xml version=\"1.0\"?>\n<!-- generated -->\n<rss version=\"2.0\">".utf8)
        #expect(FeedFormat.detect(prefix: prefix) == .rss)
    }

    @Test func detectsRSS1RootAsRSS() {
        #expect(detect("<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">") == .rss)
    }

    @Test func detectsAtomAfterDoctypeWithInternalSubset() {
        #expect(detect("<!DOCTYPE feed [ <!ENTITY site \"x\"> ]>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">") == .atom)
    }

    @Test func detectsJSONFeedByOpeningBrace() {
        #expect(detect("  \n{\"version\": \"https://jsonfeed.org/version/1.1\"") == .jsonFeed)
    }

    @Test func treatsTextAndEmptyFilesAsBundles() {
        #expect(detect("Library opens late on Thursdays\nBy Ana Ruiz\n") == .bundle)
        #expect(detect("") == .bundle)
        #expect(detect(" \n\t") == .bundle)
    }

    @Test func returnsNilForOtherMarkup() {
        #expect(detect("<!DOCTYPE html><html><body>") == nil)
        #expect(detect("<?xml version=\"1.0\"?><opml version=\"2.0\">") == nil)
        #expect(detect("<!-- a comment that never ends") == nil)
    }
}
