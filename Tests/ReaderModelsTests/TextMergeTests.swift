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

    @Test func identicalChangesOnBothSidesAreTakenOnce() {
        let result = TextMerge.merge(base: "a\nb", "a\nb\nc", "a\nb\nc")
        #expect(result == TextMerge.Result(text: "a\nb\nc", conflicted: false))
    }

    /// Seeded random edits: the merge properties SYNC.md promises, on 300 generated cases.
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
