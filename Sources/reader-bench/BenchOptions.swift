import Foundation

/// What `reader-bench` was asked to do:
/// `reader-bench [import|search|all] [--articles N,N] [--seed S] [--workdir DIR]`.
struct BenchOptions {
    enum Family: String, CaseIterable {
        case `import`, search, all
    }

    var family = Family.all
    /// Article counts to import; search runs over the largest.
    var articles = [10_000, 100_000]
    var seed: UInt64 = 42
    /// Where generated feeds and databases go; nil for a fresh temporary folder.
    var workdir: String?
    /// Queries the search benchmark runs.
    var queries = 1_000
    /// The search benchmark's database, kept: used as it is when it exists, else built there.
    var database: String?
    /// The raw floors the import benchmark runs; the FTS5 one, which its ratio divides by,
    /// always among them.
    var floors = RawFloor.Variant.allCases

    static let usage = """
        usage: reader-bench [import|search|all] [--articles N,N] [--seed S] [--queries Q] [--floors F,F] [--workdir DIR] [--database PATH]
               reader-bench http [--megabytes M] [--requests N] [--rounds R]
               reader-bench sync [--articles N] [--edits E] [--seed S] [--workdir DIR]
               reader-bench greader-sync [--articles N] [--seed S] [--workdir DIR]
               reader-bench server [--articles N] [--mutations M] [--seed S] [--workdir DIR]
               reader-bench feeds
               reader-bench retention [--feeds N] [--days D] [--seed S] [--workdir DIR]
               reader-bench json [--articles N] [--rounds R] [--seed S]
               reader-bench load [--devices N] [--seconds S] [--pause-ms M] [--engines sqlite,postgres,postgres-2] [--postgres URL]

          import     import N generated articles (a ~3 KB RSS file) against the raw SQLite floor
          search     search latency over the largest N articles against raw FTS5 queries, then the
                     first page of `reader articles list --unread` and `reader status` over the same
                     database (needs release reader)
          all        both (the default), search reusing the import's database
          http       the HTTP client on loopback: a large download against the curl CLI, and
                     small sequential requests on a reused connection
          sync       `reader sync` against a `reader-server` child: initial sync against the raw
                     floor, a no-op sync, pushing note edits (needs release reader and reader-server)
          greader-sync  the first sync of the same N articles (default 10000) through reader-server's
                     native protocol and through its Google Reader API, in the same run
          server     the server alone: import, pull (gzip and identity) and push throughput, peak RSS
          feeds      parse throughput, and `reader refresh` of 50 loopback feeds, first and unchanged
          retention  a device following 200 feeds for a year under the default retention policy
                     (simulated clock): the database's size month by month
          json       a change page of 1,000 articles written by the server's JSONWriter against
                     JSONEncoder and the JSONValue route, in the same run
          load       N simulated devices (default 200) syncing against reader-server for a fixed time, on
                     SQLite, PostgreSQL and two PostgreSQL instances: requests/s, p50/p99 per kind of
                     request, errors, server peak RSS, and every acknowledged mutation checked
                     (`reader-bench load --help`)

          --articles N,N   article counts (default 10000,100000)
          --seed S         generator seed (default 42)
          --queries Q      search queries to time (default 1000)
          --floors F,F     the import's raw floors: plain, fts, fts-batched, store-schema,
                           store-schema-batched (default all; fts, the ratio's, is always run).
                           At a million articles the five take about 50 minutes.
          --workdir DIR    where files go (default a temporary folder, removed at the end);
                           generated files are removed either way
          --database PATH  search's database, kept: used as it is when the file exists (it
                           must hold the generated articles of the same --articles and --seed),
                           else built there
        """

    init(arguments: [String]) throws {
        var rest = arguments[...]
        if let first = rest.first, let family = Family(rawValue: first) {
            self.family = family
            rest = rest.dropFirst()
        }
        while let option = rest.popFirst() {
            func value() throws -> String {
                guard let value = rest.popFirst() else { throw BenchError("\(option) needs a value\n\n\(Self.usage)") }
                return value
            }
            switch option {
            case "--articles":
                let text = try value()
                let counts = text.split(separator: ",").map { Int($0.replacingOccurrences(of: "_", with: "")) }
                guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) > 0 }) else {
                    throw BenchError("--articles takes positive counts separated by commas, not \(text)")
                }
                articles = counts.compactMap { $0 }.sorted()
            case "--seed":
                let text = try value()
                guard let seed = UInt64(text) else { throw BenchError("--seed takes a whole number, not \(text)") }
                self.seed = seed
            case "--queries":
                let text = try value()
                guard let queries = Int(text), queries > 0 else { throw BenchError("--queries takes a positive count, not \(text)") }
                self.queries = queries
            case "--floors":
                let text = try value()
                var chosen: [RawFloor.Variant] = [.fts]
                for name in text.split(separator: ",") {
                    guard let variant = RawFloor.Variant.allCases.first(where: { $0.name == name }) else {
                        let names = RawFloor.Variant.allCases.map(\.name).joined(separator: ", ")
                        throw BenchError("--floors takes names from \(names), not \(name)")
                    }
                    if !chosen.contains(variant) { chosen.append(variant) }
                }
                floors = RawFloor.Variant.allCases.filter(chosen.contains)
            case "--workdir":
                workdir = try value()
            case "--database":
                database = try value()
            default:
                throw BenchError("unknown argument \(option)\n\n\(Self.usage)")
            }
        }
    }
}
