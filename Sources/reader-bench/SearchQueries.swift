/// A search as a person would type it, and the FTS5 expression the store turns it into
/// (what `SearchQuery` writes: every term quoted), for the raw baseline.
struct BenchQuery {
    enum Kind: String, CaseIterable {
        case common = "common word"
        case rare = "rare word"
        case twoWords = "two words"
        case phrase = "phrase"
        case prefix = "prefix"
    }

    var kind: Kind
    var text: String
    var match: String

    /// `count` queries, the kinds taking turns, drawn from the vocabulary and from
    /// `articles` articles of `generator`:
    /// - common word: an English content word of rank 100–249 ("market", "climate"), in
    ///   roughly a fifth to two fifths of the articles;
    /// - rare word: a proper noun, in a handful of articles or none;
    /// - two words: two of ranks 50–1,999, both required;
    /// - phrase: two adjacent words taken from a random article, in quotes, neither of them
    ///   one of the 30 most frequent words ("of the" is not what people look for);
    /// - prefix: the first four letters of a word of rank 100–2,999 and a `*` (the
    ///   invented words share syllables, so three letters would match far more of the
    ///   vocabulary than three letters of English do).
    static func make(count: Int, seed: UInt64, generator: ArticleGenerator, articles: Int) -> [BenchQuery] {
        let vocabulary = Vocabulary.shared
        var rng = SplitMix64(seed: seed ^ 0x7365_6172_6368)
        func word(_ ranks: Range<Int>) -> String { vocabulary.word(rng.int(in: ranks)) }
        return (0..<count).map { index in
            let kind = Kind.allCases[index % Kind.allCases.count]
            switch kind {
            case .common:
                let w = word(100..<min(250, vocabulary.englishCount))
                return BenchQuery(kind: kind, text: w, match: quoted(w))
            case .rare:
                let w = Vocabulary.properNoun(rng.int(in: 0..<Vocabulary.properNounCount))
                return BenchQuery(kind: kind, text: w, match: quoted(w))
            case .twoWords:
                let (a, b) = (word(50..<2_000), word(50..<2_000))
                return BenchQuery(kind: kind, text: a + " " + b, match: quoted(a) + " AND " + quoted(b))
            case .phrase:
                let words = generator.article(rng.int(in: 0..<articles)).text
                    .split { !$0.isLetter }.map { $0.lowercased() }
                var at = rng.int(in: 0..<(words.count - 1))
                for _ in 0..<100 where functionWords.contains(words[at]) || functionWords.contains(words[at + 1]) {
                    at = rng.int(in: 0..<(words.count - 1))
                }
                let phrase = words[at] + " " + words[at + 1]
                return BenchQuery(kind: kind, text: quoted(phrase), match: quoted(phrase))
            case .prefix:
                var w = ""
                while w.utf8.count < 5 { w = word(100..<3_000) }
                let stem = String(w.prefix(4))
                return BenchQuery(kind: kind, text: stem + "*", match: quoted(stem) + " *")
            }
        }
    }

    private static let functionWords = Set((0..<30).map { Vocabulary.shared.word($0) })

    private static func quoted(_ text: String) -> String {
        "\"" + text + "\""
    }
}

/// Latencies of a set of queries, in seconds.
struct Latencies {
    private(set) var samples: [Double] = []
    private(set) var hits = 0

    mutating func add(_ seconds: Double, hits: Int) {
        samples.append(seconds)
        self.hits += hits
    }

    /// The nearest-rank percentile `p` (0–100), in seconds.
    func percentile(_ p: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// `p50 0.41 ms  p95 2.10 ms  p99 9.80 ms  max 31.0 ms  hits/query 14.2`.
    var summary: String {
        let figures = [("p50", 50.0), ("p95", 95), ("p99", 99), ("max", 100)].map { name, p in
            name + " " + Report.padLeft(milliseconds(percentile(p)), 9)
        }
        let perQuery = samples.isEmpty ? 0 : Double(hits) / Double(samples.count)
        return figures.joined(separator: "  ") + "  hits/query " + Report.fixed(perQuery, 1)
    }
}

/// `1.23 ms`.
func milliseconds(_ seconds: Double) -> String {
    Report.fixed(seconds * 1_000, seconds < 0.01 ? 2 : 1) + " ms"
}
