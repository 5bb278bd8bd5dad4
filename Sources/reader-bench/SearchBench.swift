import Foundation
import ReaderStore

/// Search latency over a store of N articles: `ReaderStore.search` (rank, then a snippet
/// for each of the 20 hits kept) against the raw FTS5 query that ranks the same matches
/// (`MATCH` + `bm25` with the store's weights, `ORDER BY` score `LIMIT 20`) through the C API.
enum SearchBench {
    static let p50Goal = 0.005
    static let p99Goal = 0.050

    /// Runs the queries over the database at `path`, which holds `count` articles; with no
    /// database, builds one in `workdir` from generated drafts first.
    static func run(count: Int, database: String?, options: BenchOptions, workdir: String) throws {
        let path: String
        let keep = database == nil && options.database != nil
        if let database {
            path = database
        } else if let kept = options.database, FileManager.default.fileExists(atPath: kept) {
            path = kept
            Report.note("search: the database \(kept) as it is (--database)")
        } else {
            path = options.database ?? workdir + "/search-\(count).sqlite"
            let timer = GenerationTimer()
            let drafts = TimedDrafts(generator: ArticleGenerator(seed: options.seed), count: count, timer: timer)
            let (_, seconds) = try measure { try ReaderStore(path: path).importArticles(drafts) }
            Report.line("search", count, "database built", "\(Report.fixed(seconds, 1)) s", "(importArticles)")
        }
        defer { if !keep { removeDatabase(at: path) } }

        let generator = ArticleGenerator(seed: options.seed)
        let queries = BenchQuery.make(count: options.queries, seed: options.seed, generator: generator, articles: count)
        let store = try ReaderStore(path: path)
        // A store of its own, so neither store's connections find pages the other just read
        // in their caches: a one-word query, the same search in both, then times the same.
        let unsplitStore = try ReaderStore(path: path)
        let raw = try RawDatabase(path: path, readOnly: true)
        try raw.addArticleTextFunction()
        explain()
        try reportMatches(queries, raw: raw, count: count)
        let engines: [(name: String, search: (BenchQuery) throws -> Int)] = [
            ("store", { try store.search($0.text, limit: 20).count }),
            ("store unsplit", { try unsplitStore.search($0.text, limit: 20, splitSpan: .max).count }),
            ("raw rank", try rawEngine(raw, rankOnly)),
            ("raw rank+snippet", try rawEngine(raw, rankAndSnippet)),
            ("raw rank newest 2k", try rawEngine(raw, rankNewest)),
        ]
        // Engines take turns query by query, so a busy moment on the machine falls on all of
        // them, and the first to run a query, which reads its pages from disk when the
        // database is larger than the page cache, changes from one query of a kind to the
        // next. The kinds come in turn (`BenchQuery.make`), so the order moves on once per
        // round of kinds: moved on every query, five engines over five kinds would give each
        // kind the same order every time.
        for engine in engines {
            for query in queries.prefix(50) { _ = try engine.search(query) }  // warm the page cache
        }
        var results: [String: [BenchQuery.Kind: Latencies]] = [:]
        var overall: [String: Latencies] = [:]
        for (index, query) in queries.enumerated() {
            let turn = (index / BenchQuery.Kind.allCases.count) % engines.count
            for engine in engines[turn...] + engines[..<turn] {
                let (hits, seconds) = try measure { try engine.search(query) }
                results[engine.name, default: [:]][query.kind, default: Latencies()].add(seconds, hits: hits)
                overall[engine.name, default: Latencies()].add(seconds, hits: hits)
            }
        }

        let store50 = overall["store"]?.percentile(50) ?? .nan
        let store99 = overall["store"]?.percentile(99) ?? .nan
        let label = "\(Report.grouped(queries.count)) queries"
        Report.line("search", count, "store p50, \(label)", milliseconds(store50),
                    "raw rank \(milliseconds(overall["raw rank"]?.percentile(50) ?? .nan)), unsplit \(milliseconds(overall["store unsplit"]?.percentile(50) ?? .nan))",
                    goal: Goal(text: "< \(milliseconds(p50Goal))", met: store50 < p50Goal))
        Report.line("search", count, "store p99, \(label)", milliseconds(store99),
                    "raw rank \(milliseconds(overall["raw rank"]?.percentile(99) ?? .nan)), unsplit \(milliseconds(overall["store unsplit"]?.percentile(99) ?? .nan))",
                    goal: Goal(text: "< \(milliseconds(p99Goal))", met: store99 < p99Goal))
        // The price of ranking every match rather than the newest window: the raw full
        // ranking is what the store would cost without its window.
        let full99 = overall["raw rank"]?.percentile(99) ?? .nan
        Report.line("search", count, "rank every match, raw p99", milliseconds(full99),
                    "window of \(Report.grouped(ReaderStore.searchRankWindow)) p99 \(milliseconds(overall["raw rank newest 2k"]?.percentile(99) ?? .nan))",
                    goal: Goal(text: "< \(milliseconds(p99Goal))", met: full99 < p99Goal))
        for engine in engines {
            Report.line("search", count, "\(engine.name), all", "", overall[engine.name]?.summary ?? "")
            for kind in BenchQuery.Kind.allCases {
                Report.line("search", count, "\(engine.name), \(kind.rawValue)", "", results[engine.name]?[kind]?.summary ?? "")
            }
        }
        try ListStatusBench.run(count: count, database: path)
    }

    /// How many articles each kind of query matches, so latencies can be read against the work.
    private static func reportMatches(_ queries: [BenchQuery], raw: RawDatabase, count: Int) throws {
        let statement = try raw.prepare("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?")
        for kind in BenchQuery.Kind.allCases {
            var matches = try queries.filter { $0.kind == kind }.map { query in
                statement.bind(query.match, at: 1)
                return try statement.run()
            }
            matches.sort()
            guard let median = matches.dropFirst(matches.count / 2).first, let most = matches.last else { continue }
            func share(_ n: Int) -> String { Report.fixed(Double(n) * 100 / Double(count), 2) + "%" }
            Report.line("search", count, "matches, \(kind.rawValue)", "median " + Report.grouped(median),
                        "(\(share(median)) of articles; max \(Report.grouped(most)), \(share(most)))")
        }
    }

    static func explain() {
        Report.note("search: 20 hits per query; raw rank = C API, FTS5 MATCH + bm25 (store weights) ORDER BY score LIMIT 20, rowids only")
        Report.note("raw rank+snippet = one statement, ORDER BY rank (bm25 weights set with rank MATCH) so snippets are made for the 20 kept")
        Report.note("raw rank newest 2k = bm25 over only the 2,000 matches added last (ORDER BY rowid DESC LIMIT 2000), then top 20")
        Report.note("store: a query needing several words in one article (two words, a phrase) over \(Report.grouped(Int(ReaderStore.searchSplitSpan))) row ids or more is searched in two halves at once, one per core; store unsplit = the same search as one statement, as the raw figures are")
    }

    private static let rankOnly = """
        SELECT rowid, bm25(articles_fts, 10.0, 4.0, 2.0, 1.0) AS score
        FROM articles_fts WHERE articles_fts MATCH ? ORDER BY score LIMIT 20
        """

    private static let rankAndSnippet = """
        SELECT rowid, (SELECT id FROM articles WHERE seq = articles_fts.rowid), title,
          snippet(articles_fts, -1, '**', '**', '…', 16)
        FROM articles_fts WHERE articles_fts MATCH ?1 AND rank MATCH 'bm25(10.0, 4.0, 2.0, 1.0)'
        ORDER BY rank LIMIT 20
        """

    private static let rankNewest = """
        SELECT rowid, score FROM (
          SELECT rowid, bm25(articles_fts, 10.0, 4.0, 2.0, 1.0) AS score
          FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT 2000
        ) ORDER BY score LIMIT 20
        """

    /// A search through one prepared statement that binds the query's FTS5 expression.
    private static func rawEngine(_ database: RawDatabase, _ sql: String) throws -> (BenchQuery) throws -> Int {
        let statement = try database.prepare(sql)
        return { query in
            statement.bind(query.match, at: 1)
            return try statement.run()
        }
    }
}
