import Foundation
import ReaderModels

/// One generated article: a title of 5–10 words, an author, a summary of about 200
/// characters and a body of about 3 KB in 4–6 paragraphs.
struct GeneratedArticle {
    var index: Int
    var title: String
    var author: String
    var summary: String
    var paragraphs: [String]
    var published: Date

    var guid: String { "https://bench.example/articles/\(index)" }
    var url: String { guid }
    var html: String { paragraphs.map { "<p>" + $0 + "</p>" }.joined(separator: "\n") }
    var text: String { paragraphs.joined(separator: "\n\n") }

    /// The draft an importer would make of this article.
    func draft(source: SourceDraft) -> ArticleDraft {
        ArticleDraft(
            source: source, guid: guid, url: url, title: title, author: author, published: published,
            summary: summary, html: html, text: text
        )
    }
}

/// Makes article `i` of a seed, the same whatever order articles are asked for in.
struct ArticleGenerator {
    let seed: UInt64
    private let vocabulary = Vocabulary.shared

    /// The feed every generated article belongs to.
    static let source = SourceDraft(
        key: "https://bench.example/feed.xml", title: "Reader Bench Daily",
        siteURL: "https://bench.example/", feedURL: "https://bench.example/feed.xml", kind: .rss
    )

    /// 2026-01-01T00:00:00Z; article `i` is published `i` minutes later.
    private static let epoch = Date(timeIntervalSince1970: 1_767_225_600)

    init(seed: UInt64) {
        self.seed = seed
    }

    func article(_ index: Int) -> GeneratedArticle {
        var rng = SplitMix64(seed: seed, index: index)
        var titleBytes: [UInt8] = []
        // A title starting "By …" would read as a byline in a plain-text bundle.
        while titleBytes.isEmpty || titleBytes.starts(with: Array("by ".utf8)) {
            titleBytes.removeAll(keepingCapacity: true)
            appendWords(rng.int(in: 5...10), to: &titleBytes, using: &rng)
        }
        capitalizeFirst(&titleBytes)
        let author = Self.firstNames[rng.int(in: Self.firstNames.indices)] + " "
            + Self.lastNames[rng.int(in: Self.lastNames.indices)]
        let summary = paragraph(length: rng.int(in: 180...220), using: &rng)
        let count = rng.int(in: 4...6)
        let bodyLength = rng.int(in: 2_800...3_300)
        let paragraphs = (0..<count).map { _ in paragraph(length: bodyLength / count, using: &rng) }
        return GeneratedArticle(
            index: index, title: String(decoding: titleBytes, as: UTF8.self), author: author,
            summary: summary, paragraphs: paragraphs, published: Self.epoch.addingTimeInterval(Double(index) * 60)
        )
    }

    /// Sentences of 8–20 words until the text is about `length` bytes long.
    private func paragraph(length: Int, using rng: inout SplitMix64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length + 200)
        while bytes.count < length {
            if !bytes.isEmpty { bytes.append(UInt8(ascii: " ")) }
            let start = bytes.count
            appendWords(rng.int(in: 8...20), to: &bytes, using: &rng)
            bytes[start] = uppercase(bytes[start])
            bytes.append(UInt8(ascii: "."))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `count` words separated by spaces, with the odd comma and proper noun.
    private func appendWords(_ count: Int, to bytes: inout [UInt8], using rng: inout SplitMix64) {
        for position in 0..<count {
            if position > 0 {
                if rng.chance(0.06) { bytes.append(UInt8(ascii: ",")) }
                bytes.append(UInt8(ascii: " "))
            }
            if rng.chance(0.01) {
                bytes.append(contentsOf: Vocabulary.properNoun(rng.int(in: 0..<Vocabulary.properNounCount)).utf8)
            } else {
                bytes.append(contentsOf: vocabulary.words[vocabulary.zipfRank(using: &rng)])
            }
        }
    }

    private func capitalizeFirst(_ bytes: inout [UInt8]) {
        if !bytes.isEmpty { bytes[0] = uppercase(bytes[0]) }
    }

    private func uppercase(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
    }

    private static let firstNames = [
        "Ana", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
        "Liam", "Maya", "Nikolai", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera",
        "Wen", "Ximena", "Yusuf", "Zoe", "Aiko", "Bruno", "Carmen", "Diego",
    ]
    private static let lastNames = [
        "Ruiz", "Okafor", "Lindqvist", "Tanaka", "Moreau", "Kowalski", "Haddad", "Nguyen", "Schmidt",
        "Costa", "Ivanova", "Mensah", "Oliveira", "Fischer", "Park", "Rossi", "Dubois", "Jensen",
        "Silva", "Novak", "Abebe", "Larsen", "Keller", "Santos", "Weber", "Yilmaz", "Brennan", "Kaur",
    ]
}

/// Generated drafts for `importArticles`, made one at a time as the store asks for them,
/// with the time spent making them added up so it can be taken out of the store's time.
struct TimedDrafts: Sequence {
    let generator: ArticleGenerator
    let count: Int
    let timer: GenerationTimer

    func makeIterator() -> Iterator {
        Iterator(generator: generator, count: count, timer: timer)
    }

    struct Iterator: IteratorProtocol {
        let generator: ArticleGenerator
        let count: Int
        let timer: GenerationTimer
        var index = 0

        mutating func next() -> ArticleDraft? {
            guard index < count else { return nil }
            let start = ContinuousClock.now
            defer { timer.elapsed += ContinuousClock.now - start }
            index += 1
            return generator.article(index - 1).draft(source: ArticleGenerator.source)
        }
    }
}

/// Time spent generating, shared between a sequence and whoever measures around it.
final class GenerationTimer {
    var elapsed: Duration = .zero
}
