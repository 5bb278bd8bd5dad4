import Foundation
import ReaderModels
import Testing

/// What a client checks of what it receives, and the text rules both sides share.
@Suite struct WireCheckTests {
    static let stamp = HLC(wallMillis: 1_764_000_000_000, counter: 0, node: "server")

    static func note(id: String = "note-1", body: String = "text", tags: [String] = []) -> ChangePage {
        let record = NoteRecord(
            id: id, articleID: "0123456789abcdef", anchor: nil, body: body, createdAt: "2026-11-24T10:00:00.000Z",
            updatedAt: "2026-11-24T10:00:00.000Z", revision: 1, conflicted: false, bodyHLC: stamp, anchorHLC: nil
        )
        let state = ArticleStateRecord(articleID: "0123456789abcdef", read: true, starred: false, progress: 0, tags: tags, hlc: StateStamps())
        return ChangePage(
            changes: [SequencedChange(seq: 1, change: .note(record)), SequencedChange(seq: 2, change: .articleState(state))],
            nextCursor: "2", hasMore: false, serverHLC: stamp
        )
    }

    @Test func aPageWithinTheRulesPasses() throws {
        try Self.note().check()
        try Self.note(body: String(repeating: "b", count: WireLimits.maxNoteBodyBytes), tags: ["news", "a b"]).check()
    }

    @Test func aPageBreakingTheRulesIsRefused() {
        for page in [
            Self.note(id: "keep\u{0}cut"), Self.note(id: "has space"), Self.note(id: String(repeating: "i", count: 129)),
            Self.note(body: String(repeating: "b", count: WireLimits.maxNoteBodyBytes + 1)),
            Self.note(tags: ["bell\u{7}"]), Self.note(tags: (0...WireLimits.maxTags).map { "t\($0)" }),
        ] {
            #expect(throws: WireViolation.self) { try page.check() }
        }
        var cursor = Self.note()
        cursor.nextCursor = "1 OR 1"
        #expect(throws: WireViolation.self) { try cursor.check() }
    }

    @Test func aPushAnswerBreakingTheRulesIsRefused() {
        let answer = PushResponse(results: [
            MutationResult(mutationID: "m\u{0}1", status: .applied, outcome: .noteDeleted(id: "n1"), error: nil),
        ], serverHLC: Self.stamp)
        #expect(throws: WireViolation.self) { try answer.check() }
    }

    @Test func textIsClippedAtAScalarBoundary() {
        #expect(WireText.clipped("aé😀", 1) == "a")
        #expect(WireText.clipped("aé😀", 2) == "a")
        #expect(WireText.clipped("aé😀", 3) == "aé")
        #expect(WireText.clipped("aé😀", 6) == "aé")
        #expect(WireText.clipped("aé😀", 7) == "aé😀")
    }

    @Test func onlyRealInstantsAreTimestamps() {
        #expect(WireText.isTimestamp("2026-11-25T09:30:00.000Z"))
        for text in ["not a date", "2026-02-30T10:00:00.000Z", "2026-11-25T24:00:00.000Z", "2026-11-25T09:30:00.000", ""] {
            #expect(!WireText.isTimestamp(text), "\(text)")
        }
    }

    @Test func idsHaveTheirCharacterSetAndLength() {
        #expect(WireText.isID("0b4e9a3c-7d1f-4e8b-9c2a-5f6d7e8f9a0b"))
        for id in ["", "a\u{0}b", "a b", "é", String(repeating: "i", count: 129)] {
            #expect(!WireText.isID(id), "\(id)")
        }
        #expect(WireText.isURL("https://a.example/feed?x=1") && !WireText.isURL("https://a.example/a feed"))
    }
}
