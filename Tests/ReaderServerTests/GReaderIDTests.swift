import Foundation
@testable import ReaderServer
import Testing

/// The id forms, stream names and password hashes of the GReader API.
@Suite struct GReaderIDTests {
    @Test func itemIDsReadInEveryFormAndWriteInTheLongOne() {
        #expect(GReaderItemID.long(1) == "tag:google.com,2005:reader/item/0000000000000001")
        #expect(GReaderItemID.long(-1) == "tag:google.com,2005:reader/item/ffffffffffffffff")
        for text in ["42", "tag:google.com,2005:reader/item/000000000000002a", "000000000000002a", "000000000000002A"] {
            #expect(GReaderItemID.parse(text) == 42, "\(text)")
        }
        #expect(GReaderItemID.parse("-1") == -1)
        #expect(GReaderItemID.parse("tag:google.com,2005:reader/item/ffffffffffffffff") == -1)
        for text in ["", "x", "2a", "tag:google.com,2005:reader/item/2a", "99999999999999999999", String(repeating: "1", count: 65), "1 2"] {
            #expect(GReaderItemID.parse(text) == nil, "\(text)")
        }
    }

    @Test func streamsAreTheUsersOwnWhateverNumberIsWritten() {
        #expect(GReaderStream("user/-/state/com.google/reading-list") == .readingList)
        #expect(GReaderStream("user/1234/state/com.google/starred") == .starred)
        #expect(GReaderStream("user/-/label/Tech news") == .label("Tech news"))
        #expect(GReaderStream("feed/https://a.example/rss?x=1") == .feed("https://a.example/rss?x=1"))
        for text in ["", "feed/", "user/-/label/", "user/-/state/com.google/like", "user/-/label/" + String(repeating: "x", count: 65),
                     "feed/https://a.example/\u{0}rss", "user/-/label/Tab\u{9}bed"] {
            #expect(GReaderStream(text) == nil, "\(text)")
        }
    }

    @Test func passwordsAreScryptHashedSaltedAndVerified() throws {
        let stored = try GReaderPassword.hash("correct horse")
        #expect(stored.hasPrefix("scrypt$15$8$1$"))
        #expect(!stored.contains("correct horse"))
        #expect(try GReaderPassword.hash("correct horse") != stored, "a fresh salt each time")
        #expect(GReaderPassword.verify("correct horse", against: stored))
        #expect(!GReaderPassword.verify("correct horsf", against: stored))
        #expect(!GReaderPassword.verify("correct horse", against: "plain"))
        #expect(!GReaderPassword.verify("correct horse", against: stored.replacingOccurrences(of: "scrypt$15$", with: "scrypt$30$")),
                "a stored cost beyond the bounds is never run")
        #expect(!GReaderPassword.isAcceptable("") && !GReaderPassword.isAcceptable(String(repeating: "p", count: 1025)))
    }

    @Test func theWriteTokenBelongsToOneSession() {
        let t = GReaderSession.writeToken(forAuth: "a")
        #expect(GReaderSession.isWriteToken(t, forAuth: "a"))
        #expect(!GReaderSession.isWriteToken(t, forAuth: "b"))
        #expect(!GReaderSession.isWriteToken(nil, forAuth: "a"))
        #expect(GReaderSession.auth(fromAuthorization: "GoogleLogin auth=abc") == "abc")
        #expect(GReaderSession.auth(fromAuthorization: "Bearer abc") == nil)
    }
}
