import ReaderModels
import Testing

@Suite struct TextMergeTests {
    @Test func changesInDifferentRegionsMergeCleanly() {
        let result = TextMerge.merge(base: "a\nb\nc\nd", "A\nb\nc\nd", "a\nb\nc\nD")
        #expect(result == TextMerge.Result(text: "A\nb\nc\nD", conflicted: false))
    }

    @Test func sameRegionChangedTwiceKeepsBothBetweenMarkers() {
        let result = TextMerge.merge(base: "a\nb\nc", "a\nX\nc", "a\nY\nc")
        #expect(result.conflicted)
        #expect(result.text == "a\n<<<<<<<\nX\n=======\nY\n>>>>>>>\nc")
    }

    /// Found by the Fuzz/TextMerge harness (input c3 a9 ff 65 cc 81 ff 78): an edit that only
    /// wrote an accent another way (`e` + U+0301 for `é`) equals the base as Swift compares
    /// strings, so the merge took the other side and the edit's bytes were lost.
    @Test func keepsAnEditThatOnlyWritesAnAccentAnotherWay() {
        let result = TextMerge.merge(base: "\u{E9}", "e\u{301}", "x")
        #expect(result.conflicted)
        #expect(Array(result.text.utf8) == Array("<<<<<<<\ne\u{301}\n=======\nx\n>>>>>>>".utf8))
        #expect(Array(TextMerge.merge(base: "\u{E9}", "e\u{301}", "\u{E9}").text.utf8) == Array("e\u{301}".utf8))
    }

    /// Conflicting versions that differ only in how an accent is written are both kept, in
    /// byte order, whichever side is which.
    @Test func mergesTextsThatDifferOnlyInNormalisationSymmetrically() {
        let one = TextMerge.merge(base: "a\nb", "a\n\u{E9}", "a\ne\u{301}")
        let other = TextMerge.merge(base: "a\nb", "a\ne\u{301}", "a\n\u{E9}")
        #expect(one.conflicted)
        #expect(Array(one.text.utf8) == Array(other.text.utf8))
        #expect(Array(one.text.utf8) == Array("a\n<<<<<<<\ne\u{301}\n=======\n\u{E9}\n>>>>>>>".utf8))
    }

    /// Lines end at every line feed, a carriage return before it included, so notes written
    /// with CRLF merge line by line rather than as one line.
    @Test func mergesCRLFTextLineByLine() {
        let result = TextMerge.merge(base: "a\r\nb\r\nc", "A\r\nb\r\nc", "a\r\nb\r\nC")
        #expect(result.conflicted == false)
        #expect(Array(result.text.utf8) == Array("A\r\nb\r\nC".utf8))
    }

    @Test func identicalChangesOnBothSidesAreTakenOnce() {
        let result = TextMerge.merge(base: "a\nb", "a\nb\nc", "a\nb\nc")
        #expect(result == TextMerge.Result(text: "a\nb\nc", conflicted: false))
    }

    /// Seeded random edits: the merge properties docs/SYNC.md promises, on 300 generated cases.
    /// A failure names its seed, so it can be replayed.
    @Test(arguments: [UInt64(1), 2, 3])
    func propertiesHoldForRandomEdits(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for round in 0..<100 {
            let base = (0..<random.next(upTo: 8)).map { "line \($0) \(random.next(upTo: 3))" }
            let a = edit(base, tag: "a", random: &random)
            let b = edit(base, tag: "b", random: &random)
            let (baseText, aText, bText) = (base.joined(separator: "\n"), a.joined(separator: "\n"), b.joined(separator: "\n"))
            let merged = TextMerge.merge(base: baseText, aText, bText)
            let mergedLines = Set(merged.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            let context = "seed \(seed) round \(round): base \(base) a \(a) b \(b)"
            for line in Set(a + b).subtracting(base) {
                #expect(mergedLines.contains(line), "added line \(line) lost; \(context)")
            }
            #expect(TextMerge.merge(base: baseText, aText, aText) == TextMerge.Result(text: aText, conflicted: false), "\(context)")
            #expect(TextMerge.merge(base: baseText, baseText, bText) == TextMerge.Result(text: bText, conflicted: false), "\(context)")
            #expect(TextMerge.merge(base: baseText, bText, aText) == merged, "argument order; \(context)")
        }
    }

    /// Random inserts (of lines only this side writes), deletes and replacements.
    private func edit(_ base: [String], tag: String, random: inout SeededRandom) -> [String] {
        var lines = base
        for step in 0..<random.next(upTo: 4) {
            let position = random.next(upTo: lines.count + 1)
            let action = random.next(upTo: 3)
            if action == 0 || position == lines.count {
                lines.insert("\(tag) added \(step)", at: position)
            } else if action == 1 {
                lines.remove(at: position)
            } else {
                lines[position] = "\(tag) changed \(step)"
            }
        }
        return lines
    }
}

/// SplitMix64: a small seeded generator, so a failing case can be reproduced from its seed.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound (0 when bound is 0).
    mutating func next(upTo bound: Int) -> Int {
        bound <= 0 ? 0 : Int(next() % UInt64(bound))
    }
}
