import Foundation
import ReaderModels

/// `reader-bench json [--articles N] [--rounds R] [--seed S]`: whether the server's
/// hand-written change page pays for itself. A page of N generated articles (1,000, the
/// server's page size; ~3 KB of text each, HTML and plain) is written R times (20) each way,
/// in the same run:
///
/// - `ChangePageJSON.encode`, what the server answers a pull with: `JSONWriter` by hand;
/// - `JSONEncoder` with sorted keys, what the server would use without it (the encoder
///   `JSONResponder` uses for every other answer);
/// - `JSONValue`: `JSONEncoder`'s output read into the one value model and written by its
///   canonical writer (the export's path), the cost of going through the value model.
///
/// The three documents are checked to decode to the same page first.
enum JSONBench {
    static let command = "json"

    static func run(_ arguments: [String]) throws {
        var articles = 1_000, rounds = 20, seed: UInt64 = 42
        var rest = arguments[...]
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(option) needs a value") }
            switch option {
            case "--articles": articles = Int(value) ?? articles
            case "--rounds": rounds = Int(value) ?? rounds
            case "--seed": seed = UInt64(value) ?? seed
            default: throw BenchError("unknown option \(option); usage: reader-bench json [--articles N] [--rounds R] [--seed S]")
            }
        }
        #if DEBUG
        Report.note("warning: a debug build; figures mean something only from `swift build -c release`")
        #endif
        Report.note("reader-bench json  \(articles) articles a page  \(rounds) rounds  seed \(seed)  load \(loadAverage())")
        let page = Self.page(articles: articles, seed: seed)

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let byHand = ChangePageJSON.encode(page)
        let encoded = try encoder.encode(page)
        let viaValue = try Self.viaValue(encoded)
        for document in [Data(byHand), encoded, Data(viaValue)] {
            guard try JSONDecoder().decode(ChangePage.self, from: document) == page else {
                throw BenchError("the three ways do not write the same page")
            }
        }

        var figures: [(String, Double)] = []
        for (label, write) in [
            ("ChangePageJSON (JSONWriter)", { ChangePageJSON.encode(page).count }),
            ("JSONEncoder, sorted keys", { (try? encoder.encode(page).count) ?? 0 }),
            ("JSONEncoder, then JSONValue", { (try? Self.viaValue(encoder.encode(page)).count) ?? 0 }),
        ] as [(String, () -> Int)] {
            _ = write()  // warm up: first-touch allocations are not the writer's cost
            var best = Double.infinity
            var bytes = 0
            for _ in 0..<rounds {
                let (count, seconds) = measure(write)
                bytes = count
                best = min(best, seconds)
            }
            figures.append((label, best))
            Report.line(
                "json", articles, label, Report.fixed(best * 1000, 2) + " ms/page",
                "\(Report.megabytes(bytes)), \(Report.fixed(Double(bytes) / 1_048_576 / best, 0)) MB/s, best of \(rounds)"
            )
        }
        let handWritten = figures[0].1
        for (label, seconds) in figures.dropFirst() {
            Report.note("\(label) takes \(Report.fixed(seconds / handWritten, 1))x the hand-written page's time")
        }
    }

    /// A pull's page: `articles` article changes, as the server sends after an import.
    static func page(articles: Int, seed: UInt64) -> ChangePage {
        let generator = ArticleGenerator(seed: seed)
        let changes = (0..<articles).map { index in
            let article = generator.article(index)
            let published = Timestamp.format(article.published)
            let record = ArticleRecord(
                id: String(format: "%016x", index), sourceID: "0123456789ab", guid: article.guid, url: article.url,
                title: article.title, author: article.author, publishedAt: published, updatedAt: nil,
                summary: article.summary, html: article.html, text: article.text,
                contentHash: String(repeating: "ab", count: 32), firstSeenAt: published
            )
            return SequencedChange(seq: Int64(index + 1), change: .article(record))
        }
        return ChangePage(
            changes: changes, nextCursor: String(articles), hasMore: false, serverHLC: HLC(wallMillis: 1_767_225_600_000, counter: 0, node: "bench")
        )
    }

    private static func viaValue(_ encoded: Data) throws -> [UInt8] {
        var writer = JSONWriter(capacity: encoded.count)
        writer.value(try JSONDecoder().decode(JSONValue.self, from: encoded))
        return writer.bytes
    }
}
