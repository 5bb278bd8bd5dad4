/// Three-way merge of text by lines (diff3) for note bodies. Only the server runs it, as
/// part of `Resolver`, and devices take the merged note it sends back; it is deterministic
/// (the same inputs give the same bytes) so that replaying a push gives the same answer.
///
/// Where only one side changed a region, that side's lines are taken. Where both changed
/// the same region differently, both versions are kept between conflict markers and the
/// result is marked conflicted: no line either side wrote is lost.
///
/// The merge is symmetric: inside a conflict the two versions are written in the order
/// their text sorts, so `merge(base, a, b)` and `merge(base, b, a)` give the same bytes.
///
/// Texts and lines are compared byte for byte, not as Swift compares strings (by canonical
/// equivalence): an edit that only writes an accent another way (`e` + U+0301 for `é`) is
/// still an edit, kept like any other, since notes are stored byte-exact.
public enum TextMerge {
    /// The merged text and whether it holds a conflict.
    package struct Result: Hashable, Sendable {
        package var text: String
        package var conflicted: Bool

        package init(text: String, conflicted: Bool) {
            self.text = text
            self.conflicted = conflicted
        }
    }

    // The merge itself is the server's (package); the markers are public, since they are
    // what an app finds in a conflicted note's text.

    /// The line that opens the two versions kept in a conflicted note.
    public static let conflictStart = "<<<<<<<"
    /// The line between the two versions.
    public static let conflictSeparator = "======="
    /// The line that closes them.
    public static let conflictEnd = ">>>>>>>"

    /// Above this many line pairs in the changed middle, lines are not matched one by one
    /// and the middle counts as wholly changed: the result is still lossless.
    static let matchBudget = 4_000_000

    package static func merge(base: String, _ a: String, _ b: String) -> Result {
        if a.utf8.elementsEqual(b.utf8) { return Result(text: a, conflicted: false) }
        if a.utf8.elementsEqual(base.utf8) { return Result(text: b, conflicted: false) }
        if b.utf8.elementsEqual(base.utf8) { return Result(text: a, conflicted: false) }
        let baseLines = lines(base), aLines = lines(a), bLines = lines(b)
        let toA = matching(baseLines, aLines), toB = matching(baseLines, bLines)

        var out: [Line] = []
        var conflicted = false
        var i = 0, ja = 0, jb = 0
        while true {
            // A stable run: base lines kept, in place, by both sides.
            var run = 0
            while i + run < baseLines.count, toA[i + run] == ja + run, toB[i + run] == jb + run { run += 1 }
            if run > 0 {
                out += baseLines[i ..< i + run]
                i += run; ja += run; jb += run
                continue
            }
            // An unstable chunk runs to the next base line both sides kept.
            var next = i
            while next < baseLines.count, toA[next] == nil || toB[next] == nil { next += 1 }
            let endA = next < baseLines.count ? toA[next]! : aLines.count
            let endB = next < baseLines.count ? toB[next]! : bLines.count
            let o = baseLines[i ..< next], x = aLines[ja ..< endA], y = bLines[jb ..< endB]
            if o.elementsEqual(x) {
                out += y
            } else if o.elementsEqual(y) || x.elementsEqual(y) {
                out += x
            } else {
                conflicted = true
                let (first, second) = x.lexicographicallyPrecedes(y) ? (x, y) : (y, x)
                out.append(Line(conflictStart))
                out += first
                out.append(Line(conflictSeparator))
                out += second
                out.append(Line(conflictEnd))
            }
            if next >= baseLines.count { break }
            i = next; ja = endA; jb = endB
        }
        return Result(text: out.map(\.text).joined(separator: "\n"), conflicted: conflicted)
    }

    /// A line, equal to another only when their bytes are, and ordered by its bytes.
    struct Line: Equatable, Comparable {
        let text: Substring

        init(_ text: some StringProtocol) {
            self.text = Substring(text)
        }

        static func == (lhs: Line, rhs: Line) -> Bool {
            lhs.text.utf8.elementsEqual(rhs.text.utf8)
        }

        static func < (lhs: Line, rhs: Line) -> Bool {
            lhs.text.utf8.lexicographicallyPrecedes(rhs.text.utf8)
        }
    }

    static func lines(_ text: String) -> [Line] {
        text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Line(Substring($0)) }
    }

    /// For each base line, the index of the line of `other` it is matched with in a
    /// longest common subsequence, or nil. Common prefix and suffix are matched directly.
    static func matching(_ base: [Line], _ other: [Line]) -> [Int?] {
        var result = [Int?](repeating: nil, count: base.count)
        var prefix = 0
        while prefix < base.count, prefix < other.count, base[prefix] == other[prefix] {
            result[prefix] = prefix
            prefix += 1
        }
        var suffix = 0
        while suffix < base.count - prefix, suffix < other.count - prefix,
              base[base.count - 1 - suffix] == other[other.count - 1 - suffix]
        {
            result[base.count - 1 - suffix] = other.count - 1 - suffix
            suffix += 1
        }
        let n = base.count - prefix - suffix, m = other.count - prefix - suffix
        guard n > 0, m > 0, n * m <= matchBudget else { return result }
        // Longest common subsequence of the middles, by dynamic programming from the end.
        var table = [Int32](repeating: 0, count: (n + 1) * (m + 1))
        for x in stride(from: n - 1, through: 0, by: -1) {
            for y in stride(from: m - 1, through: 0, by: -1) {
                table[x * (m + 1) + y] = base[prefix + x] == other[prefix + y]
                    ? table[(x + 1) * (m + 1) + y + 1] + 1
                    : max(table[(x + 1) * (m + 1) + y], table[x * (m + 1) + y + 1])
            }
        }
        var x = 0, y = 0
        while x < n, y < m {
            if base[prefix + x] == other[prefix + y] {
                result[prefix + x] = prefix + y
                x += 1; y += 1
            } else if table[(x + 1) * (m + 1) + y] >= table[x * (m + 1) + y + 1] {
                x += 1
            } else {
                y += 1
            }
        }
        return result
    }
}
