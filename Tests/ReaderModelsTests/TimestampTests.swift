import Foundation
import ReaderModels
import Testing

@Suite struct TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(millis: 1_764_064_800_123) == "2025-11-25T10:00:00.123Z")
        #expect(Timestamp.format(millis: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.format(millis: -1) == "1969-12-31T23:59:59.999Z")
    }

    @Test func parseInvertsFormat() {
        for millis: Int64 in [0, 1, 951_782_400_000, 1_764_064_800_123, 4_102_444_799_999, -86_400_000] {
            let text = Timestamp.format(millis: millis)
            #expect(Timestamp.parse(text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == millis, "\(text)")
        }
        #expect(Timestamp.parse("2025-11-25 10:00:00") == nil)
        #expect(Timestamp.parse("2025-13-25T10:00:00.000Z") == nil)
    }
}

@Suite struct FingerprintTests {
    @Test func idsAreStableAndSeparateTheirParts() {
        #expect(Fingerprint.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Fingerprint.sha256Hex(["ab", "c"]) != Fingerprint.sha256Hex(["a", "bc"]))
        let id = Fingerprint.articleID(sourceKey: "https://example.org/feed", guid: "42")
        #expect(id.count == 16)
        #expect(id == Fingerprint.articleID(sourceKey: "https://example.org/feed", guid: "42"))
        #expect(id != Fingerprint.articleID(sourceKey: "https://example.net/feed", guid: "42"))
    }

    @Test func contentHashChangesWithWhatAReaderSees() {
        let source = SourceDraft(key: "k", title: "K", kind: .rss)
        let draft = ArticleDraft(source: source, guid: "g", title: "T", html: "<p>a</p>", text: "a")
        var edited = draft
        edited.text = "b"
        #expect(draft.contentHash != edited.contentHash)
        #expect(draft.id == edited.id)
        var retitled = draft
        retitled.line = 99
        #expect(draft.contentHash == retitled.contentHash, "where it was in the file is not content")
    }
}
