import Foundation

/// The words generated articles are made of, ranked by how often they occur.
///
/// About 250 common English words lead the ranking, then a few thousand invented words
/// built from syllables; a word's chance of being drawn falls with its rank as in Zipf's
/// law, so searches meet words that are everywhere and words that are in few articles.
/// Rarer still are proper nouns (people, places, products) drawn from a space of 50,000,
/// each found in a handful of articles. The vocabulary depends on no seed: the same
/// query finds the same kind of word whatever articles were generated.
struct Vocabulary: Sendable {
    /// Words by rank, most frequent first, as UTF-8 bytes ready to append.
    let words: [[UInt8]]
    /// How many of the leading words are real English.
    let englishCount: Int
    /// `cumulative[r]`: the chance of drawing a word of rank ≤ r.
    private let cumulative: [Double]
    /// `guide[k]`: the lowest rank whose cumulative chance reaches `k / guide.count`, where
    /// a draw starts its search (Chen and Asau's guide table: a step or two per draw).
    private let guide: [Int]

    static let shared = Vocabulary(invented: 3_750, exponent: 1.05)

    /// How many distinct proper nouns there are.
    static let properNounCount = 50_000

    init(invented: Int, exponent: Double) {
        var words = Self.english.map { Array($0.utf8) }
        var seen = Set(Self.english)
        var rng = SplitMix64(seed: 0x766F_6361_6275_6C61)
        while words.count < Self.english.count + invented {
            let word = Self.syllables(count: rng.int(in: 2...3), using: &rng, coda: true)
            if seen.insert(word).inserted { words.append(Array(word.utf8)) }
        }
        self.words = words
        englishCount = Self.english.count
        var cumulative: [Double] = []
        var total = 0.0
        for rank in words.indices {
            total += 1 / pow(Double(rank + 2), exponent)
            cumulative.append(total)
        }
        self.cumulative = cumulative.map { $0 / total }
        var guide: [Int] = []
        var rank = 0
        for k in 0..<words.count {
            let target = Double(k) / Double(words.count)
            while self.cumulative[rank] < target { rank += 1 }
            guide.append(rank)
        }
        self.guide = guide
    }

    /// The rank of a word drawn with Zipf's weights.
    func zipfRank(using rng: inout SplitMix64) -> Int {
        let u = rng.unit()
        var rank = guide[Int(u * Double(guide.count))]
        while cumulative[rank] <= u, rank < cumulative.count - 1 { rank += 1 }
        return rank
    }

    /// The word of `rank` as a string.
    func word(_ rank: Int) -> String {
        String(decoding: words[rank], as: UTF8.self)
    }

    /// Proper noun number `index` (in `0..<properNounCount`), capitalised: three syllables
    /// and a suffix no ordinary word has, so it never collides with one.
    static func properNoun(_ index: Int) -> String {
        var rng = SplitMix64(seed: 0x7072_6F70_6572, index: index)
        let stem = syllables(count: 3, using: &rng, coda: false)
        return stem.prefix(1).uppercased() + stem.dropFirst() + suffixes[index % suffixes.count]
    }

    private static func syllables(count: Int, using rng: inout SplitMix64, coda: Bool) -> String {
        var word = ""
        for _ in 0..<count {
            word += onsets[rng.int(in: onsets.indices)] + vowels[rng.int(in: vowels.indices)]
        }
        if coda { word += codas[rng.int(in: codas.indices)] }
        return word
    }

    private static let onsets = [
        "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
        "br", "cr", "dr", "gr", "pl", "st", "tr", "sh", "ch", "th",
    ]
    private static let vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
    private static let codas = ["", "", "", "n", "r", "s", "l", "m", "t", "nd", "st", "x"]
    private static let suffixes = ["ski", "berg", "ton", "ova", "wick", "heim", "quist", "vale"]

    /// Common English words, roughly most frequent first.
    private static let english = [
        "the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "was", "with", "be",
        "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have",
        "an", "had", "they", "you", "were", "their", "one", "all", "we", "can", "her", "has",
        "there", "been", "if", "more", "when", "will", "would", "who", "so", "no", "she", "other",
        "its", "may", "these", "what", "them", "than", "some", "him", "time", "into", "only", "do",
        "could", "new", "about", "two", "first", "then", "most", "also", "over", "after", "such",
        "many", "any", "where", "people", "our", "even", "years", "through", "work", "world",
        "between", "state", "because", "each", "both", "made", "year", "well", "city", "water",
        "should", "same", "still", "how", "own", "while", "under", "life", "long", "before",
        "government", "part", "here", "since", "house", "school", "market", "during", "public",
        "system", "country", "number", "river", "night", "company", "group", "later", "against",
        "power", "place", "great", "small", "large", "report", "music", "family", "history",
        "service", "program", "story", "energy", "health", "change", "early", "local", "court",
        "season", "board", "study", "design", "council", "police", "garden", "village", "record",
        "letter", "morning", "bridge", "winter", "summer", "island", "forest", "harbor", "museum",
        "library", "science", "doctor", "travel", "budget", "election", "festival", "weather",
        "railway", "hospital", "software", "network", "battery", "engine", "planet", "ocean",
        "mountain", "kitchen", "recipe", "theater", "painting", "camera", "bicycle", "coffee",
        "bread", "cheese", "orchard", "vineyard", "lighthouse", "observatory", "telescope",
        "volcano", "glacier", "desert", "canyon", "meadow", "prairie", "lagoon", "estuary",
        "archive", "manuscript", "symphony", "quartet", "ballet", "sculpture", "ceramics",
        "textile", "harvest", "drought", "monsoon", "blizzard", "earthquake", "satellite",
        "rocket", "compiler", "database", "protocol", "encryption", "bandwidth", "latency",
        "parliament", "referendum", "treaty", "tariff", "inflation", "mortgage", "pension",
        "vaccine", "clinic", "nurse", "surgeon", "athlete", "stadium", "marathon", "regatta",
        "chess", "puzzle", "novel", "poetry", "journal", "editor", "reporter", "interview",
        "documentary", "podcast", "broadcast", "subway", "tram", "ferry", "airport", "highway",
        "tunnel", "canal", "reservoir", "turbine", "solar", "wind", "nuclear", "carbon", "climate",
    ]
}
